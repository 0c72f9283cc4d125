"""The bot's skills through the real stack: widget protocol → daphne → Rasa → actions → API."""

from __future__ import annotations

import pytest

from crm.models import Conversation
from crm.models import Customer as CrmCustomer
from crm.states import State
from tests.integration.wsclient import Customer
from webchat.services import identity_signature

pytestmark = pytest.mark.django_db(transaction=True)


def as_mario(stack, language: str = "it") -> Customer:
    mario = CrmCustomer.objects.get(email="mario.rossi@example.it", verified=True)
    identity = {"customer_id": mario.pk, "signature": identity_signature(customer_id=mario.pk)}
    return Customer(stack.web_url, identity=identity, language=language)


def bot_turn(customer: Customer, text: str) -> list[dict]:
    """Everything the bot says in answer to `text` (until it waits for the customer)."""
    customer.say(text)
    frames = customer.receive_until(
        lambda f: f["type"] == "typing" and f["sender"] == "bot" and not f["active"], timeout=40
    )
    # Messages stored in the same transaction may arrive right after the typing frame.
    customer.send({"type": "ping"})
    frames += customer.receive_until(lambda f: f["type"] == "pong")
    return [f for f in frames if f["type"] == "message" and f["sender"] == "bot"]


def catalog_texts(replies: list[dict]) -> str:
    return " ".join(r["text"] for r in replies if r["kind"] == "catalog")


def catalog_products(replies: list[dict]) -> list[list[dict]]:
    return [r["payload"]["products"] for r in replies if r["kind"] == "catalog"]


@pytest.mark.parametrize(
    ("language", "request_text", "age", "person"),
    [
        ("it", "vorrei un pullover di lana per mio figlio", "ha 5 anni", "Parla con"),
        ("en", "I'd like a wool jumper for my son", "he is 5 years old", "Talk to"),
    ],
)
def test_a_wish_shows_matching_products_at_once_and_a_follow_up_refines_them(
    stack, demo, language, request_text, age, person
):
    customer = Customer(stack.web_url, language=language)
    replies = bot_turn(customer, request_text)
    (products,) = catalog_products(replies)  # anonymous: no kids' new-arrivals note
    assert products
    assert {(p["category"], p["audience"], p["fibre_type"]) for p in products} == {
        ("pullover", "kids", "natural")
    }
    assert {p["material"] for p in products} <= (
        {"lana", "lana merino"} if language == "it" else {"wool", "merino wool"}
    )
    assert any(
        b["payload"] == "/request_human" for r in replies for b in r["payload"].get("buttons", [])
    )
    assert not any(r["payload"].get("asks") == "category" for r in replies)
    replies = bot_turn(customer, age)
    (products,) = catalog_products(replies)
    assert products and all("5-6y" in p["sizes"] and p["audience"] == "kids" for p in products)
    assert not any(r["payload"].get("asks") for r in replies), replies
    customer.close()


def test_mario_gets_the_kids_new_arrivals_note(stack, demo):
    customer = as_mario(stack)
    replies = bot_turn(customer, "cerco un maglione da uomo, taglia L")
    catalogs = [r for r in replies if r["kind"] == "catalog"]
    assert len(catalogs) == 2 and "collezione 0-12" in catalogs[1]["text"]
    assert {p["audience"] for p in catalogs[1]["payload"]["products"]} == {"kids"}
    assert all(
        p["audience"] == "man" and "L" in p["sizes"] for p in catalogs[0]["payload"]["products"]
    )
    customer.close()


@pytest.mark.parametrize(
    ("language", "question", "intro"),
    [
        ("it", "dov'è il mio ordine?", "Ecco i tuoi ultimi ordini"),
        ("en", "where is my order?", "Here are your latest orders"),
    ],
)
def test_mario_asks_where_his_order_is_and_gets_his_real_orders(
    stack, demo, language, question, intro
):
    customer = as_mario(stack, language)
    replies = bot_turn(customer, question)
    text = replies[-1]["text"]
    assert text.startswith(intro)
    mario = CrmCustomer.objects.get(email="mario.rossi@example.it", verified=True)
    for order in mario.orders.all()[:3]:
        assert order.number in text
    customer.close()


def test_the_bot_answers_in_the_language_the_customer_writes(stack, demo):
    """An English-speaking visitor on the Italian page: the bot follows them, and a one-word
    answer ("L") does not flip it back."""
    customer = as_mario(stack, "it")
    replies = bot_turn(customer, "Hello, where is my order?")
    assert replies[-1]["text"].startswith("Here are your latest orders"), replies
    replies = bot_turn(customer, "I am looking for a pullover for men")
    assert "pullovers for men" in catalog_texts(replies), replies
    replies = bot_turn(customer, "L")
    assert "size L" in catalog_texts(replies), replies
    replies = bot_turn(customer, "vorrei parlare con un operatore")  # and back to Italian
    assert any(r["text"].startswith("Ti metto in contatto") for r in replies), replies
    customer.close()


@pytest.mark.parametrize(
    ("language", "wish", "ask"),
    [
        ("it", "vorrei un pullover di lana per mio figlio", "voglio parlare con un operatore"),
        ("en", "I'd like a wool jumper for my son", "I want to talk to a person"),
    ],
)
def test_asking_for_a_person_queues_the_conversation_with_a_context_card(
    stack, demo, language, wish, ask
):
    customer = Customer(stack.web_url, language=language)
    bot_turn(customer, wish)
    customer.say(ask)
    frames = customer.receive_until(lambda f: f["type"] == "state", timeout=40)
    assert frames[-1]["state"] == "queued" and frames[-1]["position"] == 1
    conversation = Conversation.objects.get(pk=customer.session["conversation"])
    assert conversation.state == State.QUEUED and conversation.handoff_reason == "asked"
    card = conversation.handoff_context
    assert card["shop_assistant"]["category"] == "pullover"
    assert card["shop_assistant"]["audience"] == "kids"
    assert card["last_message"] == ask
    customer.close()
