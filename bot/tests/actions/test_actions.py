"""action_respond run with a tracker against a real web server with the demo data: each
skill it picks, and how a turn answers, refines or digresses."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.respond import ActionRespond
from actions.session import ActionSessionStart, ValidateSlotMappings

WOOLLY = {"lana", "lana merino", "lana e acrilico", "wool", "merino wool", "wool and acrylic"}


def tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "",
    metadata: dict[str, Any] | None = None,
    confidence: float = 1.0,
) -> Tracker:
    return Tracker(
        sender_id="conversation-1",
        slots={"language": "it", **(slots or {})},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": [],
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


async def respond(text: str, intent: str = "browse_products", **slots: Any):
    messages, events = await run(ActionRespond(), slots, text=text, intent=intent)
    return messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def catalogs(messages: list[dict]) -> list[dict]:
    return [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "catalog"]


def said(messages: list[dict]) -> str:
    return " ".join(
        str(m.get("text") or (m.get("custom") or {}).get("text") or m.get("response") or "")
        for m in messages
    )


def asked(messages: list[dict]) -> list[str]:
    return [m["custom"]["asks"] for m in messages if (m.get("custom") or {}).get("asks")]


async def test_kids_wool_pullovers_at_once_and_nothing_else(web_server):
    messages, slots = await respond("vorrei un pullover di lana per mio figlio")
    (catalog,) = catalogs(messages)
    assert catalog["products"]
    assert {(p["category"], p["audience"]) for p in catalog["products"]} == {("pullover", "kids")}
    assert {p["material"] for p in catalog["products"]} <= WOOLLY
    assert slots["search"]["category"] == "pullover" and slots["search"]["audience"] == "kids"
    assert slots["products_shown"] == [p["sku"] for p in catalog["products"]]


async def test_no_wool_under_a_price_is_respected(web_server):
    messages, _ = await respond("un maglione da donna senza lana, entro gli 80 euro")
    (catalog,) = catalogs(messages)
    assert catalog["products"]
    for product in catalog["products"]:
        assert product["material"] not in WOOLLY
        assert Decimal(product.get("offer_price") or product["price"]) <= 80
    assert "senza lana" in catalog["text"]


async def test_a_follow_up_refines_the_search(web_server):
    first, slots = await respond("cardigan da donna")
    messages, slots = await respond("solo quelli rosa", "inform", search=slots["search"])
    (catalog,) = catalogs(messages)
    assert all(p["category"] == "cardigan" and "pink" in p["colours"] for p in catalog["products"])
    assert not asked(messages)


async def test_the_cheapest_comes_first(web_server):
    messages, _ = await respond("the cheapest jacket for men", language="en")
    (catalog,) = catalogs(messages)
    prices = [Decimal(p.get("offer_price") or p["price"]) for p in catalog["products"]]
    assert prices == sorted(prices)


async def test_mario_hears_about_the_new_kids_collection_an_anonymous_visitor_does_not(
    web_server,
):
    search = {"category": "pullover", "audience": "man", "size": "L"}
    messages, _ = await respond("/browse_products", customer_id=web_server.mario_id, search=search)
    assert any("collezione 0-12" in c["text"] for c in catalogs(messages))
    messages, _ = await respond("/browse_products", search=search)
    assert not any("0-12" in c["text"] for c in catalogs(messages))


async def test_the_june_pullover_offer_is_announced(web_server):
    messages, _ = await respond("che offerte avete?", "ask_offers", search={"category": "pullover"})
    assert "In arrivo:" in said(messages) and "1 giugno" in said(messages)


async def test_an_identified_customer_gets_their_orders(web_server):
    messages, _ = await respond(
        "dov'è il mio ordine?", "order_status", customer_id=web_server.mario_id
    )
    text = said(messages)
    assert text.startswith("Ecco i tuoi ultimi ordini:") and text.count("• A-") == 3


async def test_an_order_number_needs_the_matching_check(web_server):
    from actions import webapp_client

    orders = await webapp_client.customer_orders(customer_id=web_server.mario_id, language="it")
    number = orders[0]["number"]
    messages, slots = await respond(f"a che punto è l'ordine {number}?", "order_status")
    assert messages[0]["response"] == "utter_ask_order_check"
    assert (slots["pending"], slots["order_number"]) == ("order_check", number)
    wrong, _ = await respond("x@y.zz", "inform", pending="order_check", order_number=number)
    assert said(wrong).startswith(f"Non trovo un ordine {number}")
    right, slots = await respond(
        "mario.rossi@example.it", "inform", pending="order_check", order_number=number
    )
    assert said(right).startswith(f"• {number}")
    assert slots["order_number"] is None and slots["pending"] is None


async def test_handoff_carries_the_context_card(web_server):
    messages, _ = await respond(
        "voglio parlare con un operatore",
        "request_human",
        search={"category": "pullover"},
        products_shown=["PUL-K-001"],
        kb_path=["returns"],
    )
    card = next(m["custom"] for m in messages if (m.get("custom") or {}).get("type"))
    assert card["type"] == "handoff" and card["reason"] == "asked"
    assert card["context"]["shop_assistant"] == {"category": "pullover"}
    assert card["context"]["products_shown"] == ["PUL-K-001"]
    assert card["context"]["last_message"] == "voglio parlare con un operatore"


async def test_anger_is_acknowledged_and_handed_off_a_neutral_question_is_not(web_server):
    messages, _ = await respond("è la terza volta che scrivo, è una vergogna!", "complain")
    assert any((m.get("custom") or {}).get("reason") == "complaint" for m in messages)
    messages, _ = await respond("ho un problema: come faccio un reso?", "complain")
    assert not any((m.get("custom") or {}).get("type") == "handoff" for m in messages)
    assert said(messages)


async def test_the_same_misunderstanding_twice_offers_a_person(web_server):
    first, slots = await respond("asdfgh qwrtz", "nlu_fallback")
    assert "non ho capito" in said(first).lower()
    second, _ = await respond(
        "asdfgh qwrtz",
        "nlu_fallback",
        last_question=slots["last_question"],
        question_repeats=slots["question_repeats"],
    )
    assert "operatore" in said(second).lower()
    assert any(b["payload"] == "/request_human" for b in second[0]["custom"]["buttons"])


async def test_unsold_things_are_named_with_what_the_shop_sells(web_server):
    messages, _ = await respond("vendete borse?", "browse_products")
    text = said(messages)
    assert "borse" in text and "pullover" in text and not catalogs(messages)


async def test_size_advice_from_height_and_weight(web_server):
    messages, _ = await respond(
        "I'm 180 cm and 80 kg, what size should I take?", "support_question", language="en"
    )
    text = said(messages)
    assert "size M" in text and "Men's sizes" in text and "guide" in text


async def test_a_product_by_code(web_server):
    messages, _ = await respond("il PUL-W-003 è di cashmere?", "browse_products")
    (catalog,) = catalogs(messages)
    assert catalog["products"][0]["sku"] == "PUL-W-003"
    assert "cashmere" in catalog["text"] and "189" in catalog["text"]


async def test_a_question_in_the_middle_of_a_search_is_answered_then_the_search_offered(
    web_server,
):
    messages, slots = await respond(
        "quanto tempo ci vuole per la spedizione?",
        "support_question",
        search={"category": "pullover", "audience": "man"},
        pending="search:refine",
    )
    assert not catalogs(messages)
    assert any(
        b["payload"] == "/browse_products"
        for m in messages
        for b in (m.get("custom") or {}).get("buttons", [])
    )


async def test_a_language_request_switches_the_reply_language(web_server):
    messages, slots = await respond("can we speak English please?", "inform")
    assert slots["language"] == "en" and "English" in said(messages)


async def test_session_start_takes_language_and_the_emails_context(web_server):
    metadata = {"language": "en", "context": {"category": "maglione", "topic": "offers"}}
    _, events = await run(ActionSessionStart(), {"session_started_metadata": metadata})
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["language"] == "en"
    assert slots["search"] == {"category": "pullover"} and slots["topic"] == "offers"


async def test_the_webapp_client_reports_an_unreachable_web(monkeypatch):
    monkeypatch.setenv("WEB_INTERNAL_URL", "http://127.0.0.1:9")
    messages, _ = await respond("che offerte avete?", "ask_offers")
    assert messages[0]["response"] == "utter_service_unavailable"
    json.dumps(messages)


async def test_a_hand_back_at_a_kb_node_continues_the_walk_there(web_server):
    metadata = {"resume_at": {"skill": "kb", "kb_tree": "returns", "kb_node": "where-bought"}}
    messages, events = await run(
        ActionRespond(), text="/support_question", intent="support_question", metadata=metadata
    )
    assert messages[0]["custom"]["text"] == "Dove hai acquistato l'articolo?"
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert (slots["kb_tree"], slots["kb_node"], slots["pending"]) == (
        "returns",
        "where-bought",
        "kb",
    )


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


async def test_a_yes_to_dropping_a_filter_shows_what_it_finds(web_server):
    messages, slots = await respond("un vestito per bambina di 3 anni entro i 10 euro")
    assert not catalogs(messages) and asked(messages) == ["relax"]
    assert "10" in said(messages)
    messages, _ = await respond("sì", "affirm", search=slots["search"], pending=slots["pending"])
    (catalog,) = catalogs(messages)
    assert {(p["category"], p["audience"]) for p in catalog["products"]} == {("dress", "kids")}


async def test_an_answer_the_walk_does_not_know_repeats_its_question(web_server):
    walk = {"pending": "kb", "kb_tree": "returns", "kb_node": "where-bought"}
    messages, slots = await respond("boh, vediamo", "nlu_fallback", **walk)
    assert "pulsanti" in said(messages)
    assert "Dove hai acquistato l'articolo?" in said(messages)
