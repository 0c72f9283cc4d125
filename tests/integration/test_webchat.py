"""The widget protocol through a real daphne to a real Rasa and action server."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from crm.models import Conversation, Message
from crm.states import State
from tests.integration.wsclient import Customer
from tests.processes import Service, free_port
from webchat.services import identity_signature

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("it", "buongiorno!", "Ciao! Sono l'assistente del negozio"),
        ("en", "hi there", "Hello! I'm the Sportello shop assistant"),
    ],
)
def test_customer_greets_and_the_bot_answers_in_their_language(stack, language, text, expected):
    customer = Customer(stack.web_url, language=language)
    customer.say(text)
    reply = customer.bot_reply()
    assert reply["text"].startswith(expected)
    stored = Message.objects.filter(conversation_id=customer.session["conversation"])
    assert list(stored.order_by("seq").values_list("sender", flat=True))[:2] == [
        "customer",
        "bot",
    ]
    customer.close()


def test_a_verified_customer_is_greeted_by_name(stack):
    from crm.models import Customer as CrmCustomer

    mario = CrmCustomer.objects.create(first_name="Mario", last_name="Rossi", verified=True)
    identity = {"customer_id": mario.pk, "signature": identity_signature(customer_id=mario.pk)}
    customer = Customer(stack.web_url, identity=identity)
    customer.say("ciao")
    assert customer.bot_reply()["text"].startswith("Ciao Mario!")
    assert Conversation.objects.get(pk=customer.session["conversation"]).customer_id == mario.pk
    customer.close()


def web_with_rasa_at(stack, rasa_url: str) -> tuple[Service, str]:
    port = free_port()
    web = Service(
        "web",
        {
            **stack.web.env,
            "WEB_PORT": str(port),
            "RASA_URL": rasa_url,
            "RASA_TIMEOUT_SECONDS": "2",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        },
    ).start()
    web.wait_for_port(port, timeout_seconds=60)
    return web, f"http://127.0.0.1:{port}"


def assert_told_and_queued(customer: Customer, started: float) -> None:
    frames = customer.receive_until(lambda f: f["type"] == "state", timeout=15)
    assert time.monotonic() - started < 8
    told = [f for f in frames if f.get("kind") == "event"]
    assert told and told[0]["payload"]["event"] == "bot_unavailable"
    assert told[0]["payload"]["text"].startswith("Il nostro assistente non è disponibile")
    assert frames[-1]["state"] == "queued"
    conversation = Conversation.objects.get(pk=customer.session["conversation"])
    assert conversation.state == State.QUEUED
    assert conversation.messages.filter(sender="customer", text="ciao").exists()


def test_with_rasa_stopped_the_message_is_kept_and_the_customer_queued(stack):
    web, url = web_with_rasa_at(stack, f"http://127.0.0.1:{free_port()}")
    try:
        customer = Customer(url)
        started = time.monotonic()
        customer.say("ciao")
        assert_told_and_queued(customer, started)
        customer.close()
    finally:
        web.stop()


def test_with_rasa_hanging_the_customer_is_told_after_the_timeout(stack):
    # A server that accepts connections and never answers: the worst kind of "slow".
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True).start()
    web, url = web_with_rasa_at(stack, f"http://127.0.0.1:{listener.getsockname()[1]}")
    try:
        customer = Customer(url)
        started = time.monotonic()
        customer.say("ciao")
        # The socket still answers while the bot call hangs.
        customer.send({"type": "ping"})
        assert customer.receive_until(lambda f: f["type"] == "pong", timeout=1.5)
        assert_told_and_queued(customer, started)
        customer.close()
    finally:
        web.stop()
        listener.close()
