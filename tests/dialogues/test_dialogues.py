"""Every dialogue of tests/dialogues/*.yml against the real stack, through the widget
protocol; writes the conversation-quality report and fails below the required pass rate.

One test, one stack, dialogues one after the other (a new widget session each). The report
goes to $CONVERSATION_QUALITY_REPORT if set (`make conversation-quality` sets
docs/conversation-quality.md), else to $SPORTELLO_VAR_DIR or var/conversation-quality.md.
DIALOGUES=<class or id prefix>[,...] runs a subset (the rate still applies).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest

from crm.models import Customer as CrmCustomer
from tests.dialogues import checks
from tests.integration.wsclient import Customer
from tests.processes import ROOT
from webchat.services import identity_signature

pytestmark = pytest.mark.django_db(transaction=True)

TURN_TIMEOUT_SECONDS = 30


def report_path() -> Path:
    if os.environ.get("CONVERSATION_QUALITY_REPORT"):
        return ROOT / os.environ["CONVERSATION_QUALITY_REPORT"]
    var_dir = Path(os.environ.get("SPORTELLO_VAR_DIR") or ROOT / "var")
    return var_dir / "conversation-quality.md"


def selected(dialogues: list[checks.Dialogue]) -> list[checks.Dialogue]:
    wanted = [w.strip() for w in os.environ.get("DIALOGUES", "").split(",") if w.strip()]
    if not wanted:
        return dialogues
    return [d for d in dialogues if d.cls in wanted or any(d.id.startswith(w) for w in wanted)]


def catalogue() -> list[dict]:
    """Every product as the checks see a card, with its material code and today's price."""
    from shop.models import Product
    from shop.selectors import offers_active, product_card

    offers = list(offers_active().prefetch_related("products"))
    rows = []
    for product in Product.objects.select_related("material"):
        card = product_card(product, language="en", offers=offers)
        card["material_code"] = product.material.code
        rows.append(card)
    return rows


def run_facts() -> list[str]:
    model = ROOT / "bot/models/sportello.tar.gz"
    trained = dt.datetime.fromtimestamp(model.stat().st_mtime, tz=dt.UTC)
    return [
        f"Date: {dt.date.today().isoformat()}",
        f"Model: `bot/models/sportello.tar.gz` (trained {trained:%Y-%m-%d %H:%M} UTC)",
    ]


def open_widget(stack, dialogue: checks.Dialogue) -> Customer:
    if dialogue.as_customer == "mario":
        mario = CrmCustomer.objects.get(email="mario.rossi@example.it", verified=True)
        identity = {"customer_id": mario.pk, "signature": identity_signature(customer_id=mario.pk)}
        return Customer(stack.web_url, identity=identity, language=dialogue.language)
    return Customer(stack.web_url, language=dialogue.language)


def exchange(customer: Customer, text: str) -> list[dict]:
    """Every frame from sending `text` until the bot stops typing (or the message is
    refused), then up to a pong so that messages stored in the same transaction are in."""
    client_msg_id = f"dlg-{uuid.uuid4().hex[:12]}"
    customer.send({"type": "message", "client_msg_id": client_msg_id, "text": text})
    frames = customer.receive_until(
        lambda f: (
            (f["type"] == "typing" and f.get("sender") == "bot" and not f["active"])
            or (f["type"] == "error" and f.get("client_msg_id") in (client_msg_id, None))
        ),
        timeout=TURN_TIMEOUT_SECONDS,
    )
    customer.send({"type": "ping"})
    frames += customer.receive_until(lambda f: f["type"] == "pong")
    return frames


def run_dialogue(stack, dialogue: checks.Dialogue, products: list[dict]) -> checks.Result:
    customer = open_widget(stack, dialogue)
    history = checks.History()
    try:
        for number, turn in enumerate(dialogue.turns, start=1):
            if history.handoff_turn is not None:
                return checks.Result(
                    dialogue,
                    f"handoff: handed off to a person at turn {history.handoff_turn}, "
                    "the bot cannot answer the next turn",
                    number,
                    turn.say,
                )
            try:
                frames = exchange(customer, turn.say)
            except TimeoutError:
                return checks.Result(
                    dialogue, f"silence: no reply in {TURN_TIMEOUT_SECONDS}s", number, turn.say
                )
            failures = checks.check_global(frames, history)
            failures += checks.check_turn(turn.expect, frames, history, products)
            if failures:
                return checks.Result(
                    dialogue, failures[0], number, turn.say, checks.bot_text(frames)
                )
            if checks.cards(frames):
                history.last_cards = checks.cards(frames)
            if checks.handed_off(frames):
                history.handoff_turn = number
        return checks.Result(dialogue)
    finally:
        customer.close()


def test_conversation_quality(stack, demo):
    dialogues = selected(checks.load_dialogues())
    assert dialogues, "no dialogue selected"
    products = catalogue()
    results = [run_dialogue(stack, dialogue, products) for dialogue in dialogues]

    path = report_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(checks.render_report(results, run_facts()), encoding="utf-8")

    rate = checks.pass_rate(results)
    failing = "\n".join(
        f"  {r.dialogue.id} (turn {r.turn}): {r.failure} | bot: {r.reply[:160]!r}"
        for r in results
        if not r.passed
    )
    assert rate >= checks.PASS_RATE_REQUIRED, (
        f"conversation quality {rate:.1%} < {checks.PASS_RATE_REQUIRED:.0%} "
        f"(report: {path})\n{failing}"
    )
