"""Group names and the doorbell: tell sockets that something was stored.

The channel layer is only a notification path; the database is the record.
Everything here runs after commit, so no one is told about a row that rolled back.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

QUEUE_GROUP = "console.queue"
# Customers' sockets listen here to refresh their queue position.
QUEUE_WATCHERS_GROUP = "webchat.queue"


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the record is safe; clients re-sync through replay
        logger.exception("could not notify %s", group)


def notify_message(*, conversation_id: int, seq: int) -> None:
    _send(conversation_group(conversation_id), {"type": "conversation.message", "seq": seq})


def notify_state(*, conversation_id: int, state: str) -> None:
    event = {"type": "conversation.state", "conversation": conversation_id, "state": state}
    _send(conversation_group(conversation_id), event)
    _send(QUEUE_GROUP, event)
    _send(QUEUE_WATCHERS_GROUP, {"type": "queue.changed"})


def notify_typing(*, conversation_id: int, sender: str, active: bool) -> None:
    event = {"type": "conversation.typing", "sender": sender, "active": active}
    _send(conversation_group(conversation_id), event)
