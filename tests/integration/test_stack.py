"""The processes `make run` starts, talking to each other for real."""

from __future__ import annotations

import uuid

import httpx
import pytest

from crm.models import Customer
from tests.processes import Service, free_port
from tests.stack import ACTIONS_API_TOKEN, RASA_TOKEN

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_is_green_with_database_channel_layer_bot_and_actions(stack):
    response = httpx.get(f"{stack.web_url}/healthz", timeout=10)
    body = response.json()
    assert response.status_code == 200, body
    assert set(body["checks"]) == {"database", "channel_layer", "bot", "actions"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["bot"]["detail"].startswith("sportello")


def test_healthz_names_the_bot_when_rasa_is_unreachable(stack, bot_services):
    # Stop nothing shared: ask a second web process pointed at a closed Rasa port.
    web_port = free_port()
    web = Service(
        "web",
        {
            **stack.web.env,
            "WEB_PORT": str(web_port),
            "RASA_URL": f"http://127.0.0.1:{free_port()}",
        },
    ).start()
    try:
        web.wait_for_port(web_port, timeout_seconds=60)
        response = httpx.get(f"http://127.0.0.1:{web_port}/healthz", timeout=15)
        web_only = httpx.get(f"http://127.0.0.1:{web_port}/healthz/web", timeout=15)
    finally:
        web.stop()
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["bot"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    # The load balancer's probe: this web process still serves (customers get a person).
    assert web_only.status_code == 200
    assert set(web_only.json()["checks"]) == {"database", "channel_layer"}


def rasa_says(rasa_url: str, text: str, language: str | None, **extra: str) -> list[str]:
    metadata = {"language": language, **extra} if language else {}
    response = httpx.post(
        f"{rasa_url}/webhooks/rest/webhook",
        json={"sender": f"test-{uuid.uuid4()}", "message": text, "metadata": metadata},
        timeout=30,
    )
    response.raise_for_status()
    return [item.get("text", "") for item in response.json()]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("ciao!", "it", "Ciao! Sono l'assistente"),
        ("buongiorno", None, "Ciao! Sono l'assistente"),
        ("hello there", "en", "Hello! I'm the Sportello shop assistant"),
    ],
)
def test_bot_greets_in_the_customers_language(bot_services, text, language, expected):
    replies = rasa_says(bot_services.rasa_url, text, language)
    assert replies and replies[0].startswith(expected), replies


def test_rasa_http_api_refuses_calls_without_the_token(bot_services):
    assert httpx.get(f"{bot_services.rasa_url}/status", timeout=10).status_code == 401
    ok = httpx.get(f"{bot_services.rasa_url}/status", params={"token": RASA_TOKEN}, timeout=10)
    assert ok.status_code == 200


def test_internal_api_needs_the_service_token(stack):
    mario = Customer.objects.create(
        salutation="mr", first_name="Mario", last_name="Rossi", email="mario.rossi@example.it"
    )
    url = f"{stack.web_url}/internal/api/v1/customers/{mario.pk}"
    assert httpx.get(url, timeout=10).status_code == 401
    wrong = httpx.get(url, headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.status_code == 401
    ok = httpx.get(url, headers={"Authorization": f"Bearer {ACTIONS_API_TOKEN}"}, timeout=10)
    assert ok.status_code == 200
    assert ok.json()["salutation"] == "Sig." and ok.json()["last_name"] == "Rossi"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("it", "Ciao Mario! Sono l'assistente"), ("en", "Hello Mario! I'm the Sportello")],
)
def test_bot_greets_an_identified_customer_by_name_through_the_internal_api(
    stack, language, expected
):
    mario = Customer.objects.create(first_name="Mario", last_name="Rossi", verified=True)
    replies = rasa_says(stack.bot.rasa_url, "buongiorno", language, customer_id=str(mario.pk))
    assert replies and replies[0].startswith(expected), replies


async def test_an_idle_consumer_keeps_waiting_on_redis():
    """Nothing arrives for longer than redis-py's default read timeout (5 s): the layer must
    keep waiting instead of raising (which crashed every idle socket's consumer)."""
    import asyncio
    import os

    from channels_redis.core import RedisChannelLayer

    from config.settings import redis_channel_layer

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    layer = RedisChannelLayer(**redis_channel_layer(url)["CONFIG"])
    channel = await layer.new_channel()
    with pytest.raises(asyncio.TimeoutError):  # our own deadline, not Redis's
        await asyncio.wait_for(layer.receive(channel), timeout=7)
    await layer.send(channel, {"type": "still.there"})
    assert (await layer.receive(channel))["type"] == "still.there"
