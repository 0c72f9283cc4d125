"""Group names and the doorbell: tell sockets that something was stored.

The channel layer is only a notification path; the database is the record.
Everything here runs after commit, so no one is told about a row that rolled back.
Every event names its conversation: one console socket listens to several.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# Operator consoles listen here to refresh their queue (state changes, new chats).
QUEUE_GROUP = "console.queue"
# Customers' sockets listen here to refresh their queue position.
QUEUE_WATCHERS_GROUP = "webchat.queue"


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def operator_group(user_id: int) -> str:
    """Every console socket of one operator (closed together on logout)."""
    return f"console.user.{user_id}"


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the record is safe; clients re-sync through replay
        logger.exception("could not notify %s", group)


def notify_message(*, conversation_id: int, seq: int) -> None:
    event = {"type": "conversation.message", "conversation": conversation_id, "seq": seq}
    _send(conversation_group(conversation_id), event)


def notify_state(*, conversation_id: int, state: str) -> None:
    event = {"type": "conversation.state", "conversation": conversation_id, "state": state}
    _send(conversation_group(conversation_id), event)
    _send(QUEUE_GROUP, {"type": "queue.changed", "conversation": conversation_id})
    _send(QUEUE_WATCHERS_GROUP, {"type": "queue.changed"})


def notify_started(*, conversation_id: int) -> None:
    """A chat has its first message: consoles list it among the chats the bot handles."""
    _send(QUEUE_GROUP, {"type": "queue.changed", "conversation": conversation_id})


def notify_typing(*, conversation_id: int, sender: str, active: bool) -> None:
    event = typing_event(conversation_id=conversation_id, sender=sender, active=active)
    _send(conversation_group(conversation_id), event)


def typing_event(*, conversation_id: int, sender: str, active: bool) -> dict:
    return {
        "type": "conversation.typing",
        "conversation": conversation_id,
        "sender": sender,
        "active": active,
    }


def notify_form(*, conversation_id: int, seq: int) -> None:
    """The form in message `seq` changed (a field, its errors, or it was submitted)."""
    event = {"type": "conversation.form", "conversation": conversation_id, "seq": seq}
    _send(conversation_group(conversation_id), event)


def product_opened_event(*, conversation_id: int, sku: str) -> dict:
    """The customer opened a product card (not stored: a live hint for the operator)."""
    return {"type": "conversation.product_opened", "conversation": conversation_id, "sku": sku}


def notify_logout(*, user_id: int) -> None:
    _send(operator_group(user_id), {"type": "console.logout"})
