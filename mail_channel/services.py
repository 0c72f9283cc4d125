"""The e-mail channel's state changes. Today: keep every accepted message.

Threading, tickets and the automatic answer build on the stored row (issue 6/7).
"""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

from mail_channel.models import EmailMessage


def email_store_inbound(*, raw: bytes, mail_from: str, rcpt_to: list[str]) -> EmailMessage:
    """Store the raw message first; parsing problems never lose it."""
    headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)

    def header(name: str, limit: int = 255) -> str:
        try:
            return str(headers.get(name, "") or "")[:limit]
        except (ValueError, TypeError, IndexError):  # malformed header: keep the raw only
            return ""

    return EmailMessage.objects.create(
        direction=EmailMessage.Direction.INBOUND,
        message_id=header("Message-ID"),
        in_reply_to=header("In-Reply-To"),
        references=header("References", limit=10_000),
        mail_from=mail_from[:255],
        rcpt_to=rcpt_to,
        subject=header("Subject"),
        raw=raw,
    )
