"""The customer websocket: storage before ack, replay, idempotency, bad input, security."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from django.core import signing

from crm import services as crm_services
from crm.models import Conversation, Message
from crm.states import State
from tests.unit.webchat.conftest import Client
from webchat import services

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def queued_session() -> services.Session:
    """A conversation waiting for a person: customer messages are stored, not sent to a bot."""
    opened = services.session_open(language="it")
    crm_services.conversation_queue(conversation_id=opened.conversation.pk, reason="asked")
    return opened


@sync_to_async
def stored_texts(conversation_id: int) -> list[tuple[int, str]]:
    return list(
        Message.objects.filter(conversation_id=conversation_id, sender="customer")
        .order_by("seq")
        .values_list("seq", "text")
    )


async def test_a_message_is_stored_then_acked_with_its_sequence_number():
    opened = await queued_session()
    client = Client(opened.token)
    welcome = await client.connect()
    assert (welcome["type"], welcome["conversation"], welcome["state"]) == (
        "welcome",
        opened.conversation.pk,
        "queued",
    )
    await client.send({"type": "resume", "last_seq": welcome["last_seq"]})
    await client.send({"type": "message", "client_msg_id": "c1", "text": "ciao"})
    frames = await client.receive_until(lambda f: f["type"] == "message")
    ack = next(f for f in frames if f["type"] == "ack")
    echoed = frames[-1]
    assert ack["client_msg_id"] == "c1" and ack["seq"] == echoed["seq"]
    assert (echoed["sender"], echoed["text"]) == ("customer", "ciao")
    assert await stored_texts(opened.conversation.pk) == [(ack["seq"], "ciao")]
    await client.close()


async def test_a_reconnecting_client_gets_what_it_missed_in_order():
    opened = await queued_session()
    conversation_id = opened.conversation.pk
    first = Client(opened.token)
    await first.connect()
    await first.send({"type": "resume", "last_seq": 0})
    await first.send({"type": "message", "client_msg_id": "c1", "text": "uno"})
    frames = await first.receive_until(lambda f: f["type"] == "message" and f["text"] == "uno")
    seen = frames[-1]["seq"]
    await first.close()

    # While the customer is away, an operator writes and the system records an event.
    await sync_to_async(crm_services.message_append)(
        conversation_id=conversation_id, sender="operator", text="Buongiorno, sono Laura"
    )
    await sync_to_async(crm_services.message_append)(
        conversation_id=conversation_id, sender="operator", kind="internal_note", text="VIP"
    )

    again = Client(opened.token)
    welcome = await again.connect()
    assert welcome["last_seq"] == seen + 2
    await again.send({"type": "resume", "last_seq": seen})
    missed = await again.receive()
    assert (missed["seq"], missed["sender"], missed["text"]) == (
        seen + 1,
        "operator",
        "Buongiorno, sono Laura",
    )
    await again.send({"type": "ping"})
    # the internal note is never sent to the customer: next frame is the pong
    assert (await again.receive())["type"] == "pong"
    await again.close()


async def test_resending_a_client_id_returns_the_original_ack_without_a_duplicate():
    opened = await queued_session()
    client = Client(opened.token)
    await client.connect()
    frame = {"type": "message", "client_msg_id": "same-1", "text": "ordine"}
    await client.send(frame)
    first_ack = (await client.receive_until(lambda f: f["type"] == "ack"))[-1]
    await client.send(frame)
    second_ack = (await client.receive_until(lambda f: f["type"] == "ack"))[-1]
    assert first_ack == second_ack
    assert len(await stored_texts(opened.conversation.pk)) == 1
    await client.close()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_json"),
        (json.dumps({"type": "launch_missiles"}), "unknown_type"),
        (json.dumps({"text": "no type"}), "unknown_type"),
        (json.dumps({"type": "message", "client_msg_id": "x1"}), "invalid_frame"),
        (json.dumps({"type": "message", "client_msg_id": "x1", "text": ""}), "invalid_frame"),
        (json.dumps({"type": "message", "client_msg_id": "x1", "text": "a" * 2001}), "too_long"),
        (json.dumps({"type": "message", "client_msg_id": "x1", "text": "é" * 5000}), "too_long"),
        (json.dumps({"type": "resume", "last_seq": -1}), "invalid_frame"),
        (json.dumps({"type": "csat", "score": 9}), "invalid_frame"),
    ],
)
async def test_bad_frames_get_an_error_frame_and_the_socket_stays_usable(raw, code):
    opened = await queued_session()
    client = Client(opened.token)
    await client.connect()
    await client.send(raw)
    error = await client.receive()
    assert (error["type"], error["code"]) == ("error", code), error
    assert await stored_texts(opened.conversation.pk) == []
    await client.send({"type": "ping"})
    assert (await client.receive())["type"] == "pong"
    await client.close()


async def test_a_frame_cannot_name_another_conversation():
    mine = await queued_session()
    other = await queued_session()
    client = Client(mine.token)
    await client.connect()
    await client.send(
        {
            "type": "message",
            "client_msg_id": "x",
            "text": "hi",
            "conversation": other.conversation.pk,
        }
    )
    assert (await client.receive())["code"] == "invalid_frame"
    await client.send({"type": "message", "client_msg_id": "y", "text": "mine"})
    await client.receive_until(lambda f: f["type"] == "ack")
    assert [t for _, t in await stored_texts(mine.conversation.pk)] == ["mine"]
    assert await stored_texts(other.conversation.pk) == []
    await client.close()


async def test_a_token_for_conversation_a_never_reads_b():
    mine = await queued_session()
    other = await queued_session()
    await sync_to_async(crm_services.message_append)(
        conversation_id=other.conversation.pk, sender="operator", text="secret of B"
    )
    client = Client(mine.token)
    welcome = await client.connect()
    assert welcome["conversation"] == mine.conversation.pk
    await client.send({"type": "resume", "last_seq": 0})
    await client.send({"type": "ping"})
    frames = await client.receive_until(lambda f: f["type"] == "pong")
    assert all("secret of B" not in json.dumps(f) for f in frames)
    await client.close()


async def test_flooding_is_rate_limited_and_nothing_of_the_excess_is_stored():
    opened = await queued_session()
    client = Client(opened.token)
    await client.connect()
    for i in range(25):
        await client.send({"type": "message", "client_msg_id": f"f{i}", "text": f"spam {i}"})
    # Drain until the bucket has refilled enough to answer a ping.
    frames: list[dict] = []
    while not any(f["type"] == "pong" for f in frames):
        await client.send({"type": "ping"})
        frames += await client.receive_until(lambda f: f["type"] in ("pong", "error"))
    limited = {
        f["client_msg_id"]
        for f in frames
        if f.get("code") == "rate_limited" and "client_msg_id" in f
    }
    acked = {f["client_msg_id"] for f in frames if f["type"] == "ack"}
    assert limited and not limited & acked and limited | acked == {f"f{i}" for i in range(25)}
    assert len(await stored_texts(opened.conversation.pk)) == len(acked) < 25
    await client.close()


@pytest.mark.parametrize("origin", ["https://evil.example", None])
async def test_a_page_from_another_origin_is_refused(origin):
    opened = await queued_session()
    client = Client(opened.token, origin=origin)
    connected, _ = await client.socket.connect()
    assert connected  # accepted only to deliver the close code to the widget
    assert (await client.socket.receive_output())["code"] == 4403


async def test_forged_and_expired_tokens_are_refused(settings):
    opened = await queued_session()
    forged = opened.token[:-4] + ("AAAA" if not opened.token.endswith("AAAA") else "BBBB")
    expired = signing.dumps(
        {"c": opened.conversation.pk}, salt=services.VISITOR_TOKEN_SALT, compress=True
    )
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"
    for token in (forged, expired, "", "garbage"):
        client = Client(token)
        connected, _ = await client.socket.connect()
        assert connected
        assert (await client.socket.receive_output())["code"] == 4401, token


async def test_an_expired_token_is_refused(monkeypatch):
    opened = await queued_session()
    monkeypatch.setattr(services, "VISITOR_TOKEN_MAX_AGE_SECONDS", -1)
    client = Client(opened.token)
    await client.socket.connect()
    assert (await client.socket.receive_output())["code"] == 4401


async def test_with_the_bot_down_the_message_is_kept_the_customer_told_and_queued():
    opened = await sync_to_async(services.session_open)(language="en")
    client = Client(opened.token)
    await client.connect()
    await client.send({"type": "resume", "last_seq": 0})
    await client.send({"type": "message", "client_msg_id": "b1", "text": "hello"})
    frames = await client.receive_until(lambda f: f["type"] == "state", timeout=5)
    told = [f for f in frames if f["type"] == "message" and f["kind"] == "event"]
    assert told[0]["payload"]["event"] == "bot_unavailable"
    assert told[0]["payload"]["text"].startswith("Our assistant is not available")
    assert frames[-1] == {"type": "state", "state": "queued", "position": 1}
    conversation = await sync_to_async(Conversation.objects.get)(pk=opened.conversation.pk)
    assert (conversation.state, conversation.handoff_reason) == (State.QUEUED, "bot_unavailable")
    assert await stored_texts(opened.conversation.pk) == [(1, "hello")]
    await client.close()


async def test_live_interaction_queues_and_shows_the_position():
    ahead = await queued_session()
    opened = await sync_to_async(services.session_open)(language="it")
    client = Client(opened.token)
    await client.connect()
    await client.send({"type": "live_interaction", "client_msg_id": "li-1"})
    frames = await client.receive_until(lambda f: f["type"] == "state")
    assert frames[-1] == {"type": "state", "state": "queued", "position": 2}
    # The conversation ahead is taken: our position moves up.
    await sync_to_async(crm_services.conversation_close)(conversation_id=ahead.conversation.pk)
    update = (await client.receive_until(lambda f: f["type"] == "state"))[-1]
    assert update == {"type": "state", "state": "queued", "position": 1}
    await client.close()


async def test_csat_is_recorded_once_the_conversation_is_closed():
    opened = await queued_session()
    client = Client(opened.token)
    await client.connect()
    await client.send({"type": "csat", "score": 4, "comment": "ok"})
    assert (await client.receive())["code"] == "invalid_frame"  # not closed yet
    await sync_to_async(crm_services.conversation_close)(conversation_id=opened.conversation.pk)
    await client.receive_until(lambda f: f["type"] == "state")
    await client.send({"type": "csat", "score": 4, "comment": "Gentili"})
    assert await client.receive_until(lambda f: f["type"] == "csat.ok")
    conversation = await sync_to_async(Conversation.objects.get)(pk=opened.conversation.pk)
    assert (conversation.csat_score, conversation.csat_comment) == (4, "Gentili")
    await client.close()


@sync_to_async
def session_from_an_email_link() -> services.Session:
    from crm.models import Customer

    mario = Customer.objects.create(first_name="Mario", last_name="Rossi", email="m@example.it")
    ticket = crm_services.ticket_create(customer=mario, subject="pullover", channel="email")
    return services.session_open(entry=services.entry_token_make(ticket=ticket))


async def test_an_email_link_chat_is_handed_to_the_bot_once_when_the_first_socket_connects():
    opened = await session_from_an_email_link()
    conversation_id = opened.conversation.pk
    assert (await sync_to_async(Conversation.objects.get)(pk=conversation_id)).entry_pending
    first, second = Client(opened.token), Client(opened.token)
    await first.connect()
    await second.connect()  # a second tab, or a reconnect before the bot answered
    await first.send({"type": "resume", "last_seq": 0})
    # The bot is down in unit tests: its one attempt ends as "bot unavailable" and a queue.
    frames = await first.receive_until(lambda f: f["type"] == "state", timeout=5)
    told = [
        f["payload"]["event"] for f in frames if f["type"] == "message" and f["kind"] == "event"
    ]
    assert told == ["bot_unavailable", "handoff"]
    conversation = await sync_to_async(Conversation.objects.get)(pk=conversation_id)
    assert (conversation.entry_pending, conversation.state) == (False, State.QUEUED)
    stored = await sync_to_async(list)(
        Message.objects.filter(conversation_id=conversation_id).values_list("payload", flat=True)
    )
    # One attempt, not one per socket.
    assert [p.get("event") for p in stored].count("bot_unavailable") == 1
    await first.close()
    await second.close()
