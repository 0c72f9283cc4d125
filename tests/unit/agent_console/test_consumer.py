"""The console websocket: take-over races, team and owner permissions, bad frames, live
traffic with the customer's socket, logout."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_out

from crm.models import Conversation, Message
from crm.states import State
from tests.unit.agent_console.conftest import Console, Customer, queued_chat, take

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def state_of(conversation_id: int) -> tuple[str, int | None]:
    row = Conversation.objects.values("state", "owner_id").get(pk=conversation_id)
    return row["state"], row["owner_id"]


@sync_to_async
def stored(conversation_id: int, **filters) -> list[Message]:
    return list(Message.objects.filter(conversation_id=conversation_id, **filters).order_by("seq"))


# --- connecting -------------------------------------------------------------------------------


async def test_an_operator_gets_hello_and_their_queue(laura):
    opened = await queued_chat()
    console = Console(laura)
    connected, _ = await console.socket.connect()
    assert connected
    hello = await console.receive()
    assert hello["operator"]["name"] == "Laura" and hello["teams"] == ["assistenza-commerciale"]
    queue = await console.receive()
    assert [c["id"] for c in queue["queued"]] == [opened.conversation.pk]
    card = queue["queued"][0]
    assert (card["team"], card["reason"], card["last_text"]) == (
        "assistenza-commerciale",
        "asked",
        "Ciao! Sono l'assistente",
    )
    await console.close()


@pytest.mark.parametrize("who", ["anonymous", "no_permission"])
async def test_a_non_operator_is_closed_with_4403(who, django_user_model):
    user = (
        AnonymousUser()
        if who == "anonymous"
        else await sync_to_async(django_user_model.objects.create_user)("nobody", password="x" * 12)
    )
    console = Console(user)
    connected, _ = await console.socket.connect()
    assert connected  # accepted first, so the browser sees the close code
    closed = await console.socket.receive_output()
    assert closed == {"type": "websocket.close", "code": 4403}
    await console.close()  # let the consumer finish: no receive left pending on the layer


async def test_a_new_handoff_reaches_the_queue_of_the_team_only(laura, carla):
    mine, theirs = Console(laura), Console(carla)
    await mine.connect()
    await theirs.connect()
    opened = await queued_chat()
    queue = await mine.expect("queue")
    assert [c["id"] for c in queue["queued"]] == [opened.conversation.pk]
    other = await theirs.expect("queue")
    assert other["queued"] == []
    await mine.close()
    await theirs.close()


async def test_complaints_come_first_then_the_longest_wait(laura):
    first = await queued_chat()
    second = await queued_chat()
    complaint = await sync_to_async(_queue_complaint)()
    console = Console(laura)
    connected, _ = await console.socket.connect()
    await console.receive()
    queue = await console.receive()
    assert [c["id"] for c in queue["queued"]] == [
        complaint,
        first.conversation.pk,
        second.conversation.pk,
    ]
    await console.close()


def _queue_complaint() -> int:
    from crm import services as crm_services
    from webchat import services as webchat_services

    opened = webchat_services.session_open()
    crm_services.conversation_queue(
        conversation_id=opened.conversation.pk, reason="complaint", priority=1
    )
    return opened.conversation.pk


# --- the take-over race -------------------------------------------------------------------------


@pytest.mark.parametrize("racers", [2, 8])
async def test_of_many_operators_racing_exactly_one_takes_over(make_console_operator, racers):
    operators = [
        await sync_to_async(make_console_operator)(f"op{i}", "assistenza-commerciale")
        for i in range(racers)
    ]
    opened = await queued_chat()
    conversation_id = opened.conversation.pk
    consoles = [Console(op) for op in operators]
    for console in consoles:
        await console.connect()

    await asyncio.gather(
        *(c.send({"type": "take_over", "conversation": conversation_id}) for c in consoles)
    )
    answers = await asyncio.gather(
        *(c.expect_any(("take_over.ok", "take_over.refused")) for c in consoles)
    )

    winners = [a for a in answers if a["type"] == "take_over.ok"]
    assert len(winners) == 1
    winner_name = winners[0]["owner"]
    refused = [a for a in answers if a["type"] == "take_over.refused"]
    assert len(refused) == racers - 1
    assert {(r["owner"], r["reason"]) for r in refused} == {(winner_name, "taken")}
    state, owner_id = await state_of(conversation_id)
    assert state == State.HUMAN
    assert {op.pk: op.username.capitalize() for op in operators}[owner_id] == winner_name
    joined = await stored(conversation_id, kind="event", payload__event="operator_joined")
    assert len(joined) == 1
    for console in consoles:
        await console.close()


async def test_the_limit_of_concurrent_chats_is_kept(make_console_operator):
    solo = await sync_to_async(make_console_operator)("solo", "assistenza-commerciale", max_chats=1)
    first, second = await queued_chat(), await queued_chat()
    console = Console(solo)
    await console.connect()
    await console.send({"type": "take_over", "conversation": first.conversation.pk})
    await console.expect("take_over.ok")
    await console.send({"type": "take_over", "conversation": second.conversation.pk})
    refused = await console.expect("take_over.refused")
    assert refused["reason"] == "limit"
    assert (await state_of(second.conversation.pk))[0] == State.QUEUED
    await console.close()


# --- permissions: team and owner ------------------------------------------------------------


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "take_over"},
        {"type": "watch", "last_seq": 0},
        {"type": "message", "client_msg_id": "o1", "text": "ciao"},
        {"type": "note", "client_msg_id": "o2", "text": "nota"},
        {"type": "push_catalog", "client_msg_id": "o3", "filter": {"fibre_type": "natural"}},
        {"type": "push_order_form", "client_msg_id": "o4", "sku": "PUL-W-001"},
        {"type": "hand_back", "resume_at": ""},
        {"type": "close", "outcome": "x"},
        {"type": "transfer", "team": "customer-care", "note": "x"},
        {"type": "typing", "active": True},
        {"type": "form_update", "seq": 1, "field": "size", "value": "M"},
    ],
)
async def test_an_operator_outside_the_team_cannot_take_read_or_push(laura, carla, frame):
    opened = await queued_chat()
    conversation_id = opened.conversation.pk
    await take(conversation_id, laura)
    before = await stored(conversation_id)
    outsider = Console(carla)
    await outsider.connect()
    await outsider.send({**frame, "conversation": conversation_id})
    error = await outsider.expect("error")
    assert (error["code"], error["conversation"]) == ("forbidden", conversation_id)
    assert await state_of(conversation_id) == (State.HUMAN, laura.pk)
    assert len(await stored(conversation_id)) == len(before)
    await outsider.nothing_more()  # in particular: no message of that conversation
    await outsider.close()


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "message", "client_msg_id": "p1", "text": "sono Paolo"},
        {"type": "push_catalog", "client_msg_id": "p2", "filter": {}},
        {"type": "push_order_form", "client_msg_id": "p3", "sku": "PUL-W-001"},
        {"type": "hand_back", "resume_at": ""},
        {"type": "close", "outcome": "x"},
        {"type": "transfer", "team": "customer-care"},
        {"type": "typing", "active": True},
    ],
)
async def test_a_colleague_who_does_not_own_the_chat_cannot_write(laura, paolo, frame):
    opened = await queued_chat()
    conversation_id = opened.conversation.pk
    await take(conversation_id, laura)
    before = await stored(conversation_id)
    colleague = Console(paolo)
    await colleague.connect()
    # Reading is fine for the team ...
    await colleague.send({"type": "watch", "conversation": conversation_id})
    watching = await colleague.expect("watching")
    assert watching["conversation"]["owner"] == "Laura"
    # ... writing is not.
    await colleague.send({**frame, "conversation": conversation_id})
    error = await colleague.expect("error")
    assert (error["code"], error["owner"]) == ("not_owner", "Laura"), error
    assert await state_of(conversation_id) == (State.HUMAN, laura.pk)
    assert len(await stored(conversation_id)) == len(before)
    await colleague.close()


async def test_a_colleague_may_leave_an_internal_note(laura, paolo):
    opened = await queued_chat()
    await take(opened.conversation.pk, laura)
    colleague = Console(paolo)
    await colleague.connect()
    await colleague.send(
        {
            "type": "note",
            "conversation": opened.conversation.pk,
            "client_msg_id": "n1",
            "text": "VIP",
        }
    )
    ack = await colleague.expect("ack")
    notes = await stored(opened.conversation.pk, kind="internal_note")
    assert [(n.seq, n.text, n.author_id) for n in notes] == [(ack["seq"], "VIP", paolo.pk)]
    await colleague.close()


# --- bad frames ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1]", "invalid_json"),
        (json.dumps({"type": "self_destruct"}), "unknown_type"),
        (json.dumps({"conversation": 1}), "unknown_type"),
        (json.dumps({"type": "take_over"}), "invalid_frame"),
        (json.dumps({"type": "take_over", "conversation": "1; drop"}), "invalid_frame"),
        (json.dumps({"type": "take_over", "conversation": 0}), "invalid_frame"),
        (json.dumps({"type": "watch", "conversation": 1, "owner": 2}), "invalid_frame"),
        (json.dumps({"type": "message", "conversation": 1, "client_msg_id": "a"}), "invalid_frame"),
        (
            json.dumps(
                {"type": "message", "conversation": 1, "client_msg_id": "a", "text": "x" * 2001}
            ),
            "too_long",
        ),
        (
            json.dumps({"type": "hand_back", "conversation": 1, "resume_at": "rm -rf"}),
            "invalid_frame",
        ),
        (json.dumps({"type": "transfer", "conversation": 1}), "invalid_frame"),
        (
            json.dumps({"type": "transfer", "conversation": 1, "team": "a", "operator": "b"}),
            "invalid_frame",
        ),
        (
            json.dumps(
                {
                    "type": "push_catalog",
                    "conversation": 1,
                    "client_msg_id": "a",
                    "filter": {"fibre_type": "plutonium"},
                }
            ),
            "invalid_frame",
        ),
        (json.dumps({"type": "presence", "presence": "asleep"}), "invalid_frame"),
        ("x" * 9000, "too_long"),
    ],
)
async def test_bad_frames_get_an_error_frame_and_the_socket_stays_usable(laura, raw, code):
    console = Console(laura)
    await console.connect()
    await console.send(raw)
    error = await console.expect("error")
    assert error["code"] == code, error
    await console.send({"type": "ping"})
    assert (await console.expect("pong"))["type"] == "pong"
    await console.close()


async def test_an_unknown_conversation_is_not_found(laura):
    console = Console(laura)
    await console.connect()
    await console.send({"type": "watch", "conversation": 999999})
    assert (await console.expect("error"))["code"] == "not_found"
    await console.close()


# --- live: operator ⇄ customer ----------------------------------------------------------------


async def test_take_over_chat_typing_and_notes_between_console_and_widget(laura):
    opened = await queued_chat()
    conversation_id = opened.conversation.pk
    customer = Customer(opened.token)
    await customer.connect()
    console = Console(laura)
    await console.connect()
    await console.send({"type": "watch", "conversation": conversation_id})
    await console.expect("watching")
    history = await console.expect("message", seq=2)
    assert (history["sender"], history["text"]) == ("bot", "Ciao! Sono l'assistente")

    await console.send({"type": "take_over", "conversation": conversation_id})
    await console.expect("take_over.ok")
    joined = await customer.expect("message", kind="event")
    while joined["payload"]["event"] != "operator_joined":
        joined = await customer.expect("message", kind="event")
    assert joined["payload"]["operator"] == "Laura"
    state = await console.expect("state")
    assert (state["conversation"]["state"], state["conversation"]["owner"]) == ("human", "Laura")

    await customer.send({"type": "typing", "active": True})
    typing = await console.expect("typing")
    assert (typing["conversation"], typing["sender"], typing["active"]) == (
        conversation_id,
        "customer",
        True,
    )
    await console.send({"type": "typing", "conversation": conversation_id, "active": True})
    assert (await customer.expect("typing"))["sender"] == "operator"

    await console.send(
        {"type": "note", "conversation": conversation_id, "client_msg_id": "n1", "text": "VIP"}
    )
    await console.send(
        {
            "type": "message",
            "conversation": conversation_id,
            "client_msg_id": "m1",
            "text": "Buongiorno, sono Laura",
        }
    )
    said = await customer.expect("message", sender="operator")
    assert (said["text"], said["kind"], said["author"]) == (
        "Buongiorno, sono Laura",
        "text",
        "Laura",
    )
    note = await console.expect("message", kind="internal_note")
    assert note["text"] == "VIP"

    await customer.send({"type": "message", "client_msg_id": "c1", "text": "grazie"})
    reply = await console.expect("message", sender="customer")
    assert reply["text"] == "grazie"
    await customer.close()
    await console.close()


async def test_hand_back_at_the_satisfaction_question_closes_the_chat(laura):
    opened = await queued_chat()
    await take(opened.conversation.pk, laura)
    console = Console(laura)
    await console.connect()
    await console.send(
        {"type": "hand_back", "conversation": opened.conversation.pk, "resume_at": "csat"}
    )
    await console.expect("hand_back.ok")
    conversation = await sync_to_async(Conversation.objects.get)(pk=opened.conversation.pk)
    assert conversation.state == State.CLOSED and "satisfaction" in conversation.outcome
    events = [m.payload["event"] for m in await stored(opened.conversation.pk, kind="event")]
    assert events[-2:] == ["handed_back", "closed"]
    await console.close()


async def test_transfer_to_second_level_requeues_with_the_note(laura, make_console_operator):
    marco = await sync_to_async(make_console_operator)("marco", "competence-center")
    opened = await queued_chat()
    await take(opened.conversation.pk, laura)
    console, specialist = Console(laura), Console(marco)
    await console.connect()
    await specialist.connect()
    await console.send({"type": "watch", "conversation": opened.conversation.pk})
    await console.expect("watching")
    await console.send(
        {
            "type": "transfer",
            "conversation": opened.conversation.pk,
            "team": "competence-center",
            "note": "domanda tecnica sul cashmere",
        }
    )
    assert (await console.expect("transfer.ok"))["to"] == "Competence Center"
    gone = await console.expect("state")
    assert gone["readable"] is False  # Laura is not in the Competence Center
    queue = await specialist.expect("queue")
    card = next(c for c in queue["queued"] if c["id"] == opened.conversation.pk)
    assert card["context"]["transfer"] == {"from": "Laura", "note": "domanda tecnica sul cashmere"}
    notes = await stored(opened.conversation.pk, kind="internal_note")
    assert [n.text for n in notes] == ["domanda tecnica sul cashmere"]
    await console.close()
    await specialist.close()


async def test_transfer_to_a_colleague_changes_the_owner(laura, paolo):
    opened = await queued_chat()
    await take(opened.conversation.pk, laura)
    console = Console(laura)
    await console.connect()
    await console.send(
        {"type": "transfer", "conversation": opened.conversation.pk, "operator": "paolo"}
    )
    assert (await console.expect("transfer.ok"))["to"] == "paolo"
    assert await state_of(opened.conversation.pk) == (State.HUMAN, paolo.pk)
    await console.close()


async def test_logging_out_closes_the_operators_sockets(laura):
    console = Console(laura)
    await console.connect()
    await sync_to_async(user_logged_out.send)(sender=type(laura), request=None, user=laura)
    closed = await console.socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4401}
    await console.close()


async def test_presence_can_be_set(laura):
    console = Console(laura)
    await console.connect()
    await console.send({"type": "presence", "presence": "away"})
    assert (await console.expect("presence.ok"))["presence"] == "away"
    profile = await sync_to_async(lambda: laura.operator.__class__.objects.get(user=laura))()
    assert profile.presence == "away"
    await console.close()
