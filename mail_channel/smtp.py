"""The inbound SMTP gateway (aiosmtpd): accept mail for our addresses, store it, 250.

Transport only: it checks recipients and size, then hands the bytes to
mail_channel.services. The reply "250" is sent only after the row is committed.
"""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async

from mail_channel import services

logger = logging.getLogger(__name__)


class SupportMailHandler:
    def __init__(self, *, support_addresses: list[str]) -> None:
        self.support_addresses = {a.lower() for a in support_addresses}

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list
    ) -> str:
        if address.lower() not in self.support_addresses:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            stored = await sync_to_async(services.email_store_inbound)(
                raw=raw, mail_from=envelope.mail_from or "", rcpt_to=list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("could not store a message from %s", envelope.mail_from)
            return "451 4.3.0 Temporary failure, please retry"
        logger.info("stored inbound e-mail %s from %s", stored.pk, envelope.mail_from)
        # Answered after the 250: the sender's client is not kept waiting on the bot or KB.
        process_in_background(stored.pk)
        return "250 Message accepted"


_tasks: set[asyncio.Task] = set()


def process_in_background(email_id: int) -> None:
    process = sync_to_async(services.email_process, thread_sensitive=False)
    task = asyncio.get_running_loop().create_task(_logged(process(email_id=email_id)))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def _logged(coroutine) -> None:
    try:
        await coroutine
    except Exception:  # already recorded on the row as FAILED
        logger.warning("e-mail processing failed; the message is stored", exc_info=True)
