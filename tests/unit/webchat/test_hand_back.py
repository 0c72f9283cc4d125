"""Handing a chat back to the bot at a chosen point: what the bridge sends to Rasa."""

from __future__ import annotations

import pytest

from crm import services as crm_services
from crm.models import Conversation
from crm.states import State
from webchat import services


@pytest.fixture
def owned(conversation, make_operator):
    laura = make_operator("laura")
    crm_services.conversation_take_over(conversation_id=conversation.pk, operator_id=laura.pk)
    return conversation, laura


@pytest.mark.parametrize(
    ("resume_at", "text", "metadata"),
    [
        ("", None, None),
        ("shop_assistant", "/browse_products", {"resume_at": {"skill": "shop"}}),
        (
            "kb:returns/eu-return",
            "/support_question",
            {"resume_at": {"skill": "kb", "kb_tree": "returns", "kb_node": "eu-return"}},
        ),
        (
            "kb:shipping",
            "/support_question",
            {"resume_at": {"skill": "kb", "kb_tree": "shipping", "kb_node": None}},
        ),
    ],
)
def test_the_bot_resumes_where_the_operator_chose(owned, resume_at, text, metadata):
    conversation, laura = owned
    resume = services.conversation_hand_back_to_bot(
        conversation_id=conversation.pk, operator_id=laura.pk, resume_at=resume_at
    )
    assert (resume.text, resume.metadata) == (text, metadata) if text else resume is None
    conversation.refresh_from_db()
    assert (conversation.state, conversation.owner) == (State.BOT, None)
    handed_back = conversation.messages.get(payload__event="handed_back")
    assert handed_back.payload["resume_at"] == resume_at


def test_the_satisfaction_question_ends_the_chat(owned):
    conversation, laura = owned
    assert (
        services.conversation_hand_back_to_bot(
            conversation_id=conversation.pk, operator_id=laura.pk, resume_at="csat"
        )
        is None
    )
    assert Conversation.objects.get(pk=conversation.pk).state == State.CLOSED


def test_only_the_owner_hands_back(owned, make_operator):
    conversation, _ = owned
    paolo = make_operator("paolo")
    with pytest.raises(crm_services.NotOwner):
        services.conversation_hand_back_to_bot(
            conversation_id=conversation.pk, operator_id=paolo.pk, resume_at=""
        )
