"""Whatever arrives, we get readable text and never an exception."""

from __future__ import annotations

from email.message import EmailMessage

from mail_channel.parsing import parse, strip_quoted


def raw_mail(**headers) -> EmailMessage:
    message = EmailMessage()
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message


def test_plain_mail_with_name_subject_and_threading_headers():
    message = raw_mail(
        From="Mario Rossi <Mario.Rossi@Example.it>",
        To="info@sportello.example",
        Subject="richiesta di informazioni",
        Message_ID="<m1@example.it>",
        In_Reply_To="<r1@sportello.example>",
        References="<r0@sportello.example> <r1@sportello.example>",
    )
    message.set_content("vorrei informazioni sui pullover in offerta")
    parsed = parse(message.as_bytes())
    assert (parsed.from_address, parsed.from_name) == ("mario.rossi@example.it", "Mario Rossi")
    assert parsed.subject == "richiesta di informazioni"
    assert parsed.in_reply_to == "<r1@sportello.example>"
    assert parsed.references == ["<r0@sportello.example>", "<r1@sportello.example>"]
    assert parsed.text == "vorrei informazioni sui pullover in offerta"


def test_html_only_mail_becomes_readable_text_without_scripts():
    message = raw_mail(From="a@b.it", Subject="html")
    message.set_content(
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><p>Dov&#39;&egrave; il mio <b>ordine</b>?</p><p>Grazie</p></body></html>",
        subtype="html",
    )
    text = parse(message.as_bytes()).text
    assert "Dov'è il mio ordine?" in text and "Grazie" in text
    assert "alert" not in text and "color" not in text


def test_an_unknown_charset_is_decoded_anyway():
    raw = (
        b"From: a@b.it\r\nSubject: x\r\nContent-Type: text/plain; charset=x-martian\r\n\r\n"
        b"caff\xe8 e maglione"
    )
    assert parse(raw).text == "caffè e maglione"


def test_malformed_mime_does_not_raise():
    raw = (
        b"From: <<<broken\r\nSubject: =?utf-8?q?unterminated\r\n"
        b'Content-Type: multipart/mixed; boundary="nope"\r\n\r\n--other\r\nrandom\x00\xff'
    )
    parsed = parse(raw)
    assert isinstance(parsed.text, str) and isinstance(parsed.subject, str)


def test_attachments_are_separated_from_the_text():
    message = raw_mail(From="a@b.it", Subject="scontrino")
    message.set_content("in allegato lo scontrino")
    message.add_attachment(
        b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="s.pdf"
    )
    parsed = parse(message.as_bytes())
    assert parsed.text == "in allegato lo scontrino"
    assert [(a.filename, a.content_type, a.data) for a in parsed.attachments] == [
        ("s.pdf", "application/pdf", b"%PDF-1.4 fake")
    ]


def test_quoted_replies_are_trimmed_for_classification():
    text = (
        "dov'è il mio ordine?\n\n"
        "Il giorno lun 1 giu 2026 alle 10:00 Sportello <info@sportello.example> ha scritto:\n"
        "> Gentile cliente, ecco le offerte sui pullover\n"
    )
    assert strip_quoted(text) == "dov'è il mio ordine?"
    assert strip_quoted("ok\n> old\nnew line") == "ok\nnew line"
