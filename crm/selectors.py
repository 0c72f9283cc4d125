"""Reads of the CRM (no side effects)."""

from __future__ import annotations

from django.db.models import Q

from crm.models import Conversation, Message
from crm.states import State

REPLAY_LIMIT = 500


def conversation_messages_after(*, conversation_id: int, after_seq: int) -> list[Message]:
    """What a reconnecting customer missed, oldest first; never internal notes."""
    return list(
        Message.objects.filter(conversation_id=conversation_id, seq__gt=after_seq)
        .exclude(kind=Message.Kind.INTERNAL_NOTE)
        .select_related("author__operator")
        .order_by("seq")[:REPLAY_LIMIT]
    )


def queue_position(*, conversation_id: int) -> int | None:
    """1 for the next conversation a person will take, None when not queued.

    Higher priority first (complaints), then the longest wait; counted within the
    conversation's team when it has one.
    """
    conversation = (
        Conversation.objects.filter(pk=conversation_id)
        .values("state", "priority", "queued_at", "team_id")
        .first()
    )
    if conversation is None or conversation["state"] != State.QUEUED:
        return None
    ahead = Conversation.objects.filter(state=State.QUEUED).filter(
        Q(priority__gt=conversation["priority"])
        | Q(priority=conversation["priority"], queued_at__lt=conversation["queued_at"])
        | Q(
            priority=conversation["priority"],
            queued_at=conversation["queued_at"],
            pk__lt=conversation_id,
        )
    )
    if conversation["team_id"]:
        ahead = ahead.filter(team_id=conversation["team_id"])
    return ahead.count() + 1
