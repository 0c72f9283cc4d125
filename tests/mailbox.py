"""Real SMTP on both sides of the e-mail channel, for integration and browser tests.

`Sink` is an aiosmtpd server standing in for the outbound relay (what Sportello sends lands
there); `send` and `mario_mail` play the customer's mail client against the gateway.
"""

from __future__ import annotations

import email
import smtplib
import time
from collections.abc import Callable
from email.message import EmailMessage as StdEmail
from email.message import Message
from email.utils import make_msgid

from aiosmtpd.controller import Controller

SUPPORT = "info@sportello.example"
MARIO = "Mario Rossi <mario.rossi@example.it>"


class Sink:
    """Collects every message our outbound SMTP sends."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[Message] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.original_content or envelope.content)
        )
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 15) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def wait_for_one(
        self,
        matches: Callable[[Message], bool],
        *,
        after: int = 0,
        timeout: float = 30,
        what: str = "an e-mail",
    ) -> Message:
        """The first message caught after the first `after` ones (so far or arriving within
        `timeout`) that `matches`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages[after:]:
                if matches(message):
                    return message
            time.sleep(0.1)
        subjects = [str(m.get("Subject")) for m in self.messages]
        raise AssertionError(f"no {what} within {timeout}s; caught: {subjects}")


def send(port: int, message: StdEmail, *, to: str = SUPPORT) -> float:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(
            message, from_addr=str(message["From"]).split("<")[-1].rstrip(">"), to_addrs=[to]
        )
    return time.monotonic()


def mario_mail(text: str, subject: str = "richiesta di informazioni", **headers) -> StdEmail:
    message = StdEmail()
    message["From"] = MARIO
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.it")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message


def body_of(message: Message) -> str:
    part = message.get_payload(decode=True)
    return part.decode(message.get_content_charset() or "utf-8")
