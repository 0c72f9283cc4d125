"""Each skill's action run with a tracker against a real web server with the demo data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionFallback, ActionHandoff
from actions.offers import ActionOffers
from actions.order_status import ActionOrderStatus, ValidateOrderStatusForm
from actions.session import ActionSessionStart, ValidateSlotMappings
from actions.shop_assistant import ActionProposeProducts, ValidateShopAssistantForm


def tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "",
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    return Tracker(
        sender_id="conversation-1",
        slots={"language": "it", **(slots or {})},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "metadata": metadata or {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


async def run(action, slots=None, text="", intent="", domain=None, metadata=None):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(slots, text, intent, metadata), domain or {})
    return dispatcher.messages, events


def catalogs(messages: list[dict]) -> list[dict]:
    return [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "catalog"]


async def test_kids_wool_pullovers_and_nothing_else(web_server):
    messages, events = await run(
        ActionProposeProducts(),
        {"category": "pullover", "audience": "kids", "material": "wool", "color": "any"},
    )
    (catalog,) = catalogs(messages)
    assert catalog["products"]
    assert {(p["category"], p["audience"], p["material"]) for p in catalog["products"]} == {
        ("pullover", "kids", "lana")
    }
    shown = next(e for e in events if e["name"] == "products_shown")["value"]
    assert shown == [p["sku"] for p in catalog["products"]]
    assert any(b["payload"] == "/request_human" for m in messages for b in m.get("buttons", []))


async def test_mario_hears_about_the_new_kids_collection_an_anonymous_visitor_does_not(
    web_server,
):
    mario = web_server.mario_id
    slots = {"category": "pullover", "audience": "man", "size": "L", "color": "any"}
    messages, _ = await run(ActionProposeProducts(), {**slots, "customer_id": mario})
    assert any("collezione 0-12" in c["text"] for c in catalogs(messages))
    messages, _ = await run(ActionProposeProducts(), slots)
    assert not any("0-12" in c["text"] for c in catalogs(messages))


async def test_the_june_pullover_offer_is_announced(web_server):
    messages, _ = await run(ActionOffers(), {"category": "pullover"})
    assert "In arrivo:" in messages[0]["text"] and "1 giugno" in messages[0]["text"]


async def test_an_identified_customer_gets_their_orders(web_server):
    mario = web_server.mario_id
    messages, _ = await run(ActionOrderStatus(), {"customer_id": mario})
    text = messages[0]["text"]
    assert text.startswith("Ecco i tuoi ultimi ordini:") and text.count("• A-") == 3


async def test_an_order_number_needs_the_matching_check(web_server):
    mario = web_server.mario_id
    from actions import webapp_client

    number = (await webapp_client.customer_orders(customer_id=mario, language="it"))[0]["number"]
    wrong, _ = await run(ActionOrderStatus(), {"order_number": number, "order_check": "x@y.z"})
    assert wrong[0]["text"].startswith(f"Non trovo un ordine {number}")
    right, events = await run(
        ActionOrderStatus(), {"order_number": number, "order_check": "mario.rossi@example.it"}
    )
    assert right[0]["text"].startswith(f"• {number}")
    assert {e["name"]: e["value"] for e in events}["order_check"] is None


async def test_an_identified_customer_is_not_asked_for_number_and_check():
    form = ValidateOrderStatusForm()
    slots = await form.required_slots(
        ["order_number", "order_check"], None, tracker({"customer_id": "1"}), {}
    )
    assert slots == []


async def test_a_childs_age_is_a_size_and_says_who_it_is_for():
    form = ValidateShopAssistantForm()
    result = form.validate_size("ha 5 anni", CollectingDispatcher(), tracker(), {})
    assert result == {"size": "5-6y", "audience": "kids"}
    assert form.validate_color("qualsiasi", CollectingDispatcher(), tracker(), {}) == {
        "color": "any"
    }
    assert form.validate_category("un maglioncino", CollectingDispatcher(), tracker(), {}) == {
        "category": "pullover"
    }


async def test_handoff_carries_the_context_card():
    messages, _ = await run(
        ActionHandoff(),
        {"category": "pullover", "products_shown": ["PUL-K-001"], "kb_path": ["returns"]},
        text="voglio parlare con un operatore",
        intent="request_human",
    )
    card = next(m["custom"] for m in messages if m.get("custom"))
    assert card["type"] == "handoff" and card["reason"] == "asked"
    assert card["context"]["shop_assistant"] == {"category": "pullover"}
    assert card["context"]["products_shown"] == ["PUL-K-001"]
    assert card["context"]["last_message"] == "voglio parlare con un operatore"


async def test_the_second_misunderstanding_hands_off():
    first, events = await run(ActionFallback(), {"fallback_count": 0})
    assert first[0]["response"] == "utter_default"
    second, _ = await run(ActionFallback(), {"fallback_count": events[0]["value"]})
    assert any((m.get("custom") or {}).get("reason") == "low_confidence" for m in second)


async def test_session_start_takes_language_and_the_emails_context(web_server):
    metadata = {"language": "en", "context": {"category": "maglione", "topic": "offers"}}
    _, events = await run(ActionSessionStart(), {"session_started_metadata": metadata})
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["language"] == "en"
    assert slots["category"] == "pullover" and slots["topic"] == "offers"


async def test_the_webapp_client_reports_an_unreachable_web(monkeypatch):

    monkeypatch.setenv("WEB_INTERNAL_URL", "http://127.0.0.1:9")
    messages, _ = await run(ActionOffers(), {})
    assert messages[0]["response"] == "utter_service_unavailable"
    json.dumps(messages)


async def test_a_hand_back_at_a_kb_node_continues_the_walk_there(web_server):
    from actions.kb_trees import ActionKbSearch

    metadata = {"resume_at": {"skill": "kb", "kb_tree": "returns", "kb_node": "where-bought"}}
    messages, events = await run(
        ActionKbSearch(), text="/support_question", intent="support_question", metadata=metadata
    )
    assert messages[0]["custom"]["text"] == "Dove hai acquistato l'articolo?"
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert (slots["kb_tree"], slots["kb_node"], slots["kb_reply"]) == (
        "returns",
        "where-bought",
        None,
    )
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "kb_walk_form"}


@pytest.mark.parametrize(
    ("text", "current", "expected"),
    [
        ("Hello, where is my order?", "it", "en"),  # clearly English on an Italian page
        ("vorrei un pullover di lana", "en", "it"),
        ("blue", "it", None),  # one word answers a question; it switches nothing
        ("thanks", "it", None),
        ("M", "en", None),
        ("where is my order?", "en", None),  # already English
    ],
)
async def test_the_reply_language_follows_a_customer_who_clearly_writes_another(
    tokenizer, text, current, expected
):
    [message] = tokenizer.process([Message(data={"text": text})])
    parsed = message.as_dict(only_output_properties=True)  # what Rasa's tracker holds
    latest = Tracker(
        sender_id="conversation-1",
        slots={"language": current},
        latest_message={**parsed, "intent": {"name": "", "confidence": 1.0}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )
    slots = await ValidateSlotMappings().extract_language(CollectingDispatcher(), latest, {})
    assert slots == ({"language": expected} if expected else {})
