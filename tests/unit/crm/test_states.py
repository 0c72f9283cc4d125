"""The conversation state machine: legal moves work, illegal ones fail loudly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from crm import services
from crm.models import Conversation, Message
from crm.states import TRANSITIONS, IllegalTransition, State, may_become


def test_bot_queued_human_closed(conversation, make_operator):
    laura = make_operator("laura")
    services.conversation_queue(conversation_id=conversation.pk, reason="asked")
    result = services.conversation_take_over(conversation_id=conversation.pk, operator_id=laura.pk)
    assert result.won and result.owner == "Laura"
    services.conversation_close(conversation_id=conversation.pk, outcome="order placed")
    conversation.refresh_from_db()
    assert (conversation.state, conversation.outcome) == (State.CLOSED, "order placed")
    events = list(
        Message.objects.filter(conversation=conversation, kind="event").values_list(
            "payload__event", flat=True
        )
    )
    assert events == ["handoff", "operator_joined", "closed"]


def test_hand_back_returns_to_the_bot_and_clears_the_owner(conversation, make_operator):
    laura = make_operator("laura")
    services.conversation_take_over(conversation_id=conversation.pk, operator_id=laura.pk)
    services.conversation_hand_back(conversation_id=conversation.pk, resume_at="kb:returns")
    conversation.refresh_from_db()
    assert conversation.state == State.BOT and conversation.owner is None


@pytest.mark.parametrize("target", [State.HUMAN, State.QUEUED, State.BOT])
def test_a_closed_conversation_cannot_be_reopened(conversation, target):
    services.conversation_close(conversation_id=conversation.pk)
    with pytest.raises(IllegalTransition) as error:
        services.conversation_transition(conversation_id=conversation.pk, to=target)
    message = str(error.value)
    assert f"conversation {conversation.pk} cannot go from 'closed' to '{target}'" in message
    assert "nothing (final state)" in message
    conversation.refresh_from_db()
    assert conversation.state == State.CLOSED


def test_a_refused_move_changes_nothing(conversation):
    with pytest.raises(IllegalTransition, match="from 'bot' to 'bot'"):
        services.conversation_transition(conversation_id=conversation.pk, to=State.BOT)
    assert not conversation.messages.exists()


def test_every_state_is_in_the_table_and_may_become_matches_it():
    assert set(TRANSITIONS) == set(State)
    for target in State:
        assert set(may_become(target)) == {s for s, ts in TRANSITIONS.items() if target in ts}


@pytest.mark.django_db(transaction=True)
def test_of_many_racing_operators_exactly_one_takes_over(customer, make_operator):
    conversation = services.conversation_start(channel="web", customer=customer)
    services.conversation_queue(conversation_id=conversation.pk, reason="asked")
    operators = [make_operator(f"op{i}") for i in range(8)]

    def take(user_id: int):
        try:
            return services.conversation_take_over(
                conversation_id=conversation.pk, operator_id=user_id
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(take, [op.pk for op in operators]))
    winners = [r for r in results if r.won]
    assert len(winners) == 1
    owner = Conversation.objects.get(pk=conversation.pk).owner
    assert {r.owner for r in results} == {owner.operator.display_name}
    joined = Message.objects.filter(conversation=conversation, payload__event="operator_joined")
    assert joined.count() == 1
