"""E-mail auto-reply: from the end of the SMTP transaction (smtplib's send_message has
returned, the gateway said 250) to the automatic answer arriving at an SMTP sink standing in
for the outbound relay, over `MAILS` mails from distinct senders; against an SMTP round trip
of the same size to the sink alone, measured in the same run right after each answer.

The gateway is the Procfile's `mail` process with the real Rasa for classification (the
answer needs the intent and the KB). The senders are not customers yet: the gateway makes
an unverified customer and a request for each, as for any first mail. Distinct senders keep
every mail under MAIL_AUTOREPLY_MAX_PER_HOUR (per sender). One warm-up mail (the gateway's
first: imports, first Rasa parse, the KB index) is reported apart and not counted.

Baseline: the answer just received, sent again to the sink over a new SMTP session (what
delivering it costs at the least), from connecting to the sink having it.

Target (ARCHITECTURE §9): the auto-reply sent within 2 s of the SMTP transaction ending
(p50 and max).
"""

from __future__ import annotations

import smtplib
import time
from collections import Counter
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from bench import common

MAILS = 20
TARGET_SECONDS = 2.0
REPLY_TIMEOUT_SECONDS = 30
QUESTIONS = [
    ("richiesta di informazioni", "vorrei informazioni sui pullover in offerta speciale"),
    ("reso", "come faccio a restituire un maglione che non mi va bene?"),
    ("il mio ordine", "buongiorno, dov'è il mio ordine A-10045? non è ancora arrivato"),
    ("Return", "Hello, how can I return a jumper I bought online?"),
    ("cashmere", "avete maglioni di cashmere per bambini? grazie"),
]


def _sink_class():
    from tests.mailbox import Sink

    class TimedSink(Sink):
        """tests.mailbox.Sink that also notes when each message arrived."""

        def __init__(self, port: int) -> None:
            super().__init__(port)
            self.arrived: list[float] = []

        async def handle_DATA(self, server, session, envelope) -> str:
            arrived = time.monotonic()
            answer = await super().handle_DATA(server, session, envelope)
            self.arrived.append(arrived)
            return answer

    return TimedSink


def _mail(number: int) -> EmailMessage:
    from tests.mailbox import SUPPORT

    subject, text = QUESTIONS[number % len(QUESTIONS)]
    message = EmailMessage()
    message["From"] = f"Cliente {number} <bench-sender-{number}@example.net>"
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.net")
    message.set_content(text)
    return message


def _answer_to(sink: Any, address: str, since: int) -> tuple[float, Any]:
    """When the answer to `address` arrived at the sink (looking past the first `since`)."""
    deadline = time.monotonic() + REPLY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for index in range(since, len(sink.arrived)):
            if address in str(sink.messages[index]["To"]):
                return sink.arrived[index], sink.messages[index]
        time.sleep(0.002)
    raise TimeoutError(f"no automatic answer to {address} in {REPLY_TIMEOUT_SECONDS} s")


def _direct_round_trip(sink: Any, message: Any) -> float:
    """Seconds from connecting to the sink to the sink having `message` (same bytes)."""
    count = len(sink.arrived)
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
        smtp.send_message(message, from_addr="info@sportello.example", to_addrs=[message["To"]])
    _wait_for(lambda: len(sink.arrived) > count)
    return sink.arrived[count] - started


def _wait_for(condition) -> None:
    deadline = time.monotonic() + REPLY_TIMEOUT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the sink got nothing")
        time.sleep(0.002)


def run() -> dict[str, Any]:
    from tests.mailbox import SUPPORT, send
    from tests.processes import free_port

    bot = common.bot_services()
    sink = _sink_class()(free_port())
    sink.controller.start()
    port = free_port()
    gateway = common.service(
        "mail",
        {
            "DATABASE_URL": common.database_url(),
            "MAIL_GATEWAY_PORT": str(port),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "SUPPORT_ADDRESSES": SUPPORT,
            "RASA_URL": bot.rasa_url,
            "RASA_TOKEN": common.RASA_TOKEN,
        },
    ).start()
    latencies, baselines, sizes = [], [], []
    try:
        gateway.wait_for_port(port, timeout_seconds=60)
        first = None
        for number in range(MAILS + 1):
            message = _mail(number)
            address = f"bench-sender-{number}@example.net"
            since = len(sink.arrived)
            transaction_ended = send(port, message)
            arrived, answer = _answer_to(sink, address, since)
            if number == 0:
                first = arrived - transaction_ended
                continue
            latencies.append(arrived - transaction_ended)
            sizes.append(len(answer.as_bytes(policy=answer.policy.clone(linesep="\r\n"))))
            baselines.append(_direct_round_trip(sink, answer))
    finally:
        gateway.stop()
        sink.controller.stop()
    from mail_channel.models import EmailMessage

    outcomes = Counter(
        EmailMessage.objects.filter(direction=EmailMessage.Direction.INBOUND).values_list(
            "outcome", flat=True
        )
    )
    p50, worst = common.median(latencies), max(latencies)
    base_p50 = common.median(baselines)
    return {
        "name": "email_autoreply",
        "mails": len(latencies),
        "p50_ms": common.ms(p50),
        "max_ms": common.ms(worst),
        "first_mail_ms": common.ms(first or 0.0),
        "answer_bytes_p50": int(common.median(sizes)),
        "outcomes": dict(outcomes),  # answered (a KB answer or the orders) / acknowledged
        "baseline": "the same answer sent straight to the sink (one SMTP session)",
        "baseline_p50_ms": common.ms(base_p50),
        "baseline_max_ms": common.ms(max(baselines)),
        "ratio_p50": common.ratio(p50, base_p50),
        "database": common.database_label(),
        "target_seconds": TARGET_SECONDS,
        "meets_target": worst < TARGET_SECONDS,
        "row": {
            "benchmark": f"E-mail auto-reply, {len(latencies)} mails from distinct senders",
            "result": f"p50 {p50 * 1000:.0f} ms, max {worst * 1000:.0f} ms",
            "baseline": f"SMTP round trip of the answer to the sink: p50 {base_p50 * 1000:.1f} ms",
            "ratio": common.ratio_text(p50, base_p50),
            "target": f"p50 and max < {TARGET_SECONDS:.0f} s",
        },
        "note": (
            f"{common.database_label()}, real Rasa for the intent; unknown senders (the "
            f"gateway makes their customer and request); the gateway's first mail after "
            f"start took {(first or 0) * 1000:.0f} ms and is not counted."
        ),
    }
