"""Threading, the RFC 3834 rules and the automatic answer (Django's locmem mail backend)."""

from __future__ import annotations

from email.message import EmailMessage as StdEmail
from email.utils import make_msgid

import pytest
from django.core import mail

from crm.models import Conversation, Ticket
from mail_channel import services
from mail_channel.models import EmailMessage, RoutingRule

# Mail leaves on commit: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def mail_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.RASA_URL = "http://127.0.0.1:9"  # no NLU: plain acknowledgement path
    settings.RASA_TIMEOUT_SECONDS = 0.5
    settings.SUPPORT_ADDRESSES = ["info@sportello.example"]
    settings.DEFAULT_FROM_EMAIL = "info@sportello.example"
    settings.MAIL_AUTOREPLY_MAX_PER_HOUR = 3


def receive(
    *,
    sender="mario.rossi@example.it",
    subject="richiesta di informazioni",
    text="vorrei informazioni",
    **headers,
) -> EmailMessage:
    message = StdEmail()
    message["From"] = f"Mario Rossi <{sender}>"
    message["To"] = "info@sportello.example"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.it")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    stored = services.email_store_inbound(
        raw=message.as_bytes(), mail_from=sender, rcpt_to=["info@sportello.example"]
    )
    return services.email_process(email_id=stored.pk)


def test_a_new_mail_opens_a_ticket_and_gets_a_numbered_threaded_answer(demo):
    email = receive()
    ticket = email.ticket
    assert email.outcome == EmailMessage.Outcome.ACKNOWLEDGED
    assert email.customer.verified and email.customer.first_name == "Mario"
    (reply,) = mail.outbox
    assert reply.to == ["mario.rossi@example.it"]
    assert reply.subject == f"Re: richiesta di informazioni [#{ticket.number}]"
    assert reply.extra_headers["Auto-Submitted"] == "auto-replied"
    assert reply.extra_headers["In-Reply-To"] == email.message_id
    assert reply.body.startswith("Sig. Mario Rossi, grazie per averci contattati.")
    assert ticket.number in reply.body and "sportello_entry=" in reply.body
    conversation = Conversation.objects.get(ticket=ticket)
    assert list(conversation.messages.values_list("sender", flat=True)) == ["customer", "bot"]


def test_a_reply_to_our_answer_is_threaded_by_its_headers(demo):
    first = receive()
    answer = EmailMessage.objects.get(direction="out", ticket=first.ticket)
    second = receive(subject="Re: qualcosa", text="grazie", In_Reply_To=answer.message_id)
    assert second.ticket == first.ticket
    assert Ticket.objects.count() == 1
    assert mail.outbox[-1].extra_headers["References"].split()[-1] == second.message_id


def test_a_request_number_in_the_subject_threads_only_for_the_same_sender(demo):
    first = receive()
    number = first.ticket.number
    same = receive(subject=f"ancora io [#{number}]", text="e le taglie?")
    assert same.ticket == first.ticket
    stranger = receive(sender="eve@example.com", subject=f"[#{number}] dammi i dati")
    assert stranger.ticket != first.ticket
    assert stranger.customer.verified is False and stranger.customer.email == "eve@example.com"


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, "Auto-Submitted: auto-replied"),
        ({"Precedence": "bulk"}, "Precedence: bulk"),
        ({"Precedence": "list"}, "Precedence: list"),
        ({"List_Id": "<offerte.example.com>"}, "mailing list"),
    ],
)
def test_automatic_and_list_mail_gets_no_answer(demo, headers, reason):
    email = receive(**headers)
    assert (email.outcome, email.outcome_detail) == ("suppressed", reason)
    assert mail.outbox == []
    assert email.ticket is not None  # still a ticket the team can see


def test_mail_from_our_own_address_or_a_daemon_gets_no_answer(demo):
    assert receive(sender="info@sportello.example").outcome == "suppressed"
    assert receive(sender="MAILER-DAEMON@example.com").outcome == "suppressed"
    assert mail.outbox == []


def test_a_flood_from_one_sender_gets_at_most_n_answers_an_hour(demo):
    outcomes = [receive(subject=f"domanda {i}").outcome for i in range(6)]
    assert len(mail.outbox) == 3
    assert outcomes[3:] == ["suppressed"] * 3


def test_the_routing_rule_picks_the_team(demo, monkeypatch):
    from crm.models import Team

    RoutingRule.objects.create(intent="complain", team=Team.objects.get(slug="amministrazione"))
    monkeypatch.setattr(
        services, "classify", lambda text: services.Classification(intent="complain", language="it")
    )
    assert receive(text="il pacco è arrivato rotto").ticket.team.slug == "amministrazione"
    assert "team Amministrazione" in mail.outbox[-1].body


def test_an_order_status_question_is_answered_with_the_customers_orders(demo, monkeypatch):
    monkeypatch.setattr(
        services,
        "classify",
        lambda text: services.Classification(intent="order_status", language="it"),
    )
    email = receive(text="dov'è il mio ordine?")
    assert email.outcome == "answered"
    body = mail.outbox[-1].body
    for order in email.customer.orders.all()[:3]:
        assert order.number in body


def test_an_operator_answers_by_email_in_the_same_thread(demo, make_operator):
    from agent_console.services import operator_reply
    from crm import services as crm_services

    email = receive()
    laura = make_operator("laura_op")
    crm_services.conversation_take_over(conversation_id=email.conversation_id, operator_id=laura.pk)
    operator_reply(
        conversation_id=email.conversation_id,
        operator_id=laura.pk,
        text="Buongiorno, sono Laura",
        client_msg_id="op-1",
    )
    sent = mail.outbox[-1]
    assert sent.body == "Buongiorno, sono Laura" and "Auto-Submitted" not in sent.extra_headers
    assert sent.subject.endswith(f"[#{email.ticket.number}]")
    assert email.message_id in sent.extra_headers["References"]
    stored = EmailMessage.objects.get(direction="out", auto_reply=False)
    assert stored.ticket == email.ticket
    last = email.conversation.messages.order_by("seq").last()
    assert (last.sender, last.text) == ("operator", "Buongiorno, sono Laura")


def test_attachments_are_stored_and_oversized_ones_recorded_only(
    demo, monkeypatch, settings, tmp_path
):
    from mail_channel import parsing

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(parsing, "MAX_ATTACHMENT_BYTES", 10)
    message = StdEmail()
    message["From"] = "mario.rossi@example.it"
    message["Subject"] = "foto"
    message.set_content("ecco")
    message.add_attachment(b"tiny", maintype="image", subtype="png", filename="a.png")
    message.add_attachment(b"x" * 50, maintype="application", subtype="pdf", filename="big.pdf")
    stored = services.email_store_inbound(
        raw=message.as_bytes(),
        mail_from="mario.rossi@example.it",
        rcpt_to=["info@sportello.example"],
    )
    email = services.email_process(email_id=stored.pk)
    small, big = email.attachments.order_by("filename")
    assert (small.filename, small.file.read(), small.skipped_reason) == ("a.png", b"tiny", "")
    assert big.filename == "big.pdf" and not big.file and big.skipped_reason
