"""Customer message → bot reply in the widget's socket, with the real Rasa (trained model)
and action server: p50, against a direct POST of the same messages to Rasa's REST channel
(/webhooks/rest/webhook) in the same run. Bridge overhead = difference of the medians.

A widget sample runs from sending the `message` frame to the first bot `message` frame on
the same socket (the bridge stores every answer of the turn in one transaction, so the
first is when the customer sees the reply). A baseline sample runs from the POST to its
parsed answer, on a kept-alive connection, with the sender id and metadata the bridge would
send for a conversation of its own (so the bot and its actions do the same work: the
actions call the web's internal API in both cases).

Each script is a short dialogue, played on a fresh conversation on both sides, in turn
(the order alternates), so the two see the same dialogue states and the same warm caches.

Targets (ARCHITECTURE §9): p50 under 80 ms; bridge overhead under 10 ms.
"""

from __future__ import annotations

import time
from typing import Any

from bench import common

SCRIPTS: list[tuple[str, list[str]]] = [
    ("it", ["buongiorno!", "ci sono offerte in questo periodo?", "grazie mille"]),
    ("en", ["hi there", "are there any offers at the moment?", "thanks a lot"]),
    ("it", ["vorrei un pullover di lana per mio figlio", "5 anni", "qualsiasi"]),
    ("en", ["I'd like a wool jumper for my son", "5 years", "any colour"]),
    ("it", ["come faccio un reso?"]),
    ("en", ["how do I return something?"]),
    ("it", ["sei un bot?"]),
    ("it", ["dov'è il mio ordine?"]),
]
ROUNDS = 3  # every script, both ways, this many times
WARMUP_ROUNDS = 1
REPLY_TIMEOUT_SECONDS = 30
TARGET_P50_MS = 80.0
TARGET_OVERHEAD_MS = 10.0


def _widget_turn(customer: Any, text: str, kind: str | None = None) -> float:
    """Seconds from sending `text` to the turn's first bot message (of `kind`, if given);
    returns once the turn is over (the bot's "typing" is off), so turns never overlap."""
    deadline = time.monotonic() + REPLY_TIMEOUT_SECONDS
    started = time.perf_counter()
    client_msg_id = customer.say(text)
    acked_seq = replied = None
    typing_off = False
    while replied is None or not typing_off:
        frame = customer.receive(timeout=max(deadline - time.monotonic(), 0.001))
        if frame["type"] == "ack" and frame["client_msg_id"] == client_msg_id:
            acked_seq = frame["seq"]
        elif (
            frame["type"] == "message"
            and frame["sender"] == "bot"
            and acked_seq is not None
            and frame["seq"] > acked_seq  # not a late answer of the previous turn
            and replied is None
            and (kind is None or frame["kind"] == kind)
        ):
            replied = time.perf_counter()
        elif frame["type"] == "typing" and frame["sender"] == "bot" and not frame["active"]:
            typing_off = True
    if replied is None:
        raise RuntimeError(f"no {kind or 'bot'} message answered {text!r}")
    return replied - started


def _widget_turns(
    web_url: str, language: str, texts: list[str], kind: str | None = None
) -> list[float]:
    from tests.integration.wsclient import Customer

    customer = Customer(web_url, language=language)
    try:
        return [_widget_turn(customer, text, kind) for text in texts]
    finally:
        customer.close()


def _rest_turns(client: Any, rasa_url: str, language: str, texts: list[str]) -> list[float]:
    from webchat import services

    conversation_id = common.customer_sessions(1, language=language)[0][0]
    metadata = services.bot_metadata(conversation_id=conversation_id)
    times = []
    for text in texts:
        started = time.perf_counter()
        response = client.post(
            f"{rasa_url}/webhooks/rest/webhook",
            json={
                "sender": f"conversation-{conversation_id}",
                "message": text,
                "metadata": metadata,
            },
        )
        response.raise_for_status()
        answers = response.json()
        times.append(time.perf_counter() - started)
        if not answers:
            raise RuntimeError(f"Rasa gave no answer to {text!r}: pick another message")
    return times


def play(
    scripts: list[tuple[str, list[str]]], kind: str | None = None
) -> tuple[list[float], list[float]]:
    """Every script on the widget and straight to Rasa, alternating which goes first; the
    samples after the warm-up rounds: (widget, direct REST)."""
    import httpx

    bot = common.bot_services()
    web = common.start_web(bot=bot)
    widget: list[float] = []
    rest: list[float] = []
    try:
        with httpx.Client(timeout=REPLY_TIMEOUT_SECONDS) as client:
            for round_number in range(WARMUP_ROUNDS + ROUNDS):
                for number, (language, texts) in enumerate(scripts):
                    widget_first = (round_number + number) % 2 == 0
                    if widget_first:
                        on_widget = _widget_turns(web.url, language, texts, kind)
                    on_rest = _rest_turns(client, bot.rasa_url, language, texts)
                    if not widget_first:
                        on_widget = _widget_turns(web.url, language, texts, kind)
                    if round_number >= WARMUP_ROUNDS:
                        widget += on_widget
                        rest += on_rest
    finally:
        web.stop()
    return widget, rest


def run() -> dict[str, Any]:
    widget, rest = play(SCRIPTS)
    p50, base_p50 = common.median(widget), common.median(rest)
    overhead = p50 - base_p50
    return {
        "name": "bot_reply",
        "turns": len(widget),
        "p50_ms": common.ms(p50),
        "p90_ms": common.ms(common.percentile(widget, 0.9)),
        "baseline": "the same messages POSTed to Rasa's REST channel directly",
        "baseline_p50_ms": common.ms(base_p50),
        "baseline_p90_ms": common.ms(common.percentile(rest, 0.9)),
        "overhead_p50_ms": common.ms(overhead),
        "ratio_p50": common.ratio(p50, base_p50),
        "database": common.database_label(),
        "channel_layer": common.channel_layer_label(),
        "target_p50_ms": TARGET_P50_MS,
        "target_overhead_ms": TARGET_OVERHEAD_MS,
        "meets_target": p50 * 1000 < TARGET_P50_MS and overhead * 1000 < TARGET_OVERHEAD_MS,
        "row": {
            "benchmark": f"Bot reply in the widget, real Rasa + actions, {len(widget)} turns",
            "result": f"p50 {p50 * 1000:.1f} ms (bridge overhead {overhead * 1000:.1f} ms)",
            "baseline": f"direct Rasa REST call: p50 {base_p50 * 1000:.1f} ms",
            "ratio": common.ratio_text(p50, base_p50),
            "target": f"p50 < {TARGET_P50_MS:.0f} ms, overhead < {TARGET_OVERHEAD_MS:.0f} ms",
        },
        "note": (
            f"{common.database_label()}, {common.channel_layer_label()}; overhead = widget "
            "p50 − direct REST p50."
        ),
    }
