"""Raw e-mail bytes → what the channel needs, with the standard library only.

Tolerant by design: malformed MIME, unknown charsets and HTML-only mail all give a
readable text; nothing here raises on a customer's message.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message as StdLegacyMessage
from email.parser import BytesParser
from email.utils import parseaddr
from html.parser import HTMLParser

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
_QUOTE_HEADERS = re.compile(
    r"^\s*(On .{5,200} wrote:|Il giorno .{5,200} ha scritto:|-{2,}\s*Original Message\s*-{2,}"
    r"|-{2,}\s*Messaggio originale\s*-{2,}|Da:\s.+|From:\s.+)\s*$",
    re.IGNORECASE,
)


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedEmail:
    message_id: str
    in_reply_to: str
    references: list[str]
    from_address: str
    from_name: str
    subject: str
    text: str
    headers: dict[str, str]
    list_headers: bool
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def text_for_classification(self) -> str:
        return strip_quoted(self.text)


def parse(raw: bytes) -> ParsedEmail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    headers = {name.lower(): _header(message, name) for name in set(message.keys())}
    from_name, from_address = parseaddr(headers.get("from", ""))
    references = re.findall(r"<[^<>\s]+>", headers.get("references", ""))
    attachments: list[Attachment] = []
    text = _body_text(message, attachments)
    return ParsedEmail(
        message_id=headers.get("message-id", "").strip(),
        in_reply_to=(re.findall(r"<[^<>\s]+>", headers.get("in-reply-to", "")) or [""])[0],
        references=references,
        from_address=from_address.strip().lower(),
        from_name=from_name.strip(),
        subject=" ".join(headers.get("subject", "").split())[:255],
        text=text.strip(),
        headers=headers,
        list_headers=any(h in headers for h in ("list-id", "list-unsubscribe", "list-post")),
        attachments=attachments,
    )


def _header(message: StdLegacyMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except (ValueError, TypeError, IndexError, LookupError):  # undecodable header
        raw = message.get_all(name, [""])
        return str(raw[0]) if raw else ""


def _body_text(message: StdLegacyMessage, attachments: list[Attachment]) -> str:
    plain: list[str] = []
    html_parts: list[str] = []
    for part in message.walk() if message.is_multipart() else [message]:
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        content_type = part.get_content_type()
        filename = _safe(part.get_filename)
        if disposition == "attachment" or (
            filename and content_type not in ("text/plain", "text/html")
        ):
            data = _payload_bytes(part)
            attachments.append(
                Attachment(filename=filename or "attachment", content_type=content_type, data=data)
            )
            continue
        if content_type == "text/plain":
            plain.append(_decode(part))
        elif content_type == "text/html":
            html_parts.append(html_to_text(_decode(part)))
    return "\n\n".join(p for p in plain if p.strip()) or "\n\n".join(html_parts)


def _safe(getter) -> str:
    try:
        return getter() or ""
    except (ValueError, TypeError, LookupError):
        return ""


def _payload_bytes(part: StdLegacyMessage) -> bytes:
    try:
        return part.get_payload(decode=True) or b""
    except (ValueError, TypeError):
        return b""


def _decode(part: StdLegacyMessage) -> str:
    """The part's text whatever its charset claims: unknown charsets fall back to UTF-8,
    then Latin-1, never an exception."""
    data = _payload_bytes(part)
    charset = (part.get_content_charset() or "utf-8").lower()
    for candidate in (charset, "utf-8"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
    except Exception:  # broken markup: fall back to stripping tags
        return html.unescape(re.sub(r"<[^>]+>", " ", markup))
    text = "".join(extractor.parts)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def strip_quoted(text: str) -> str:
    """The customer's own words: quoted lines and everything after a reply header go."""
    kept: list[str] = []
    for line in text.splitlines():
        if _QUOTE_HEADERS.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()
