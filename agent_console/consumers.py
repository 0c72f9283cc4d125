"""The operator console's websocket (docs/console-protocol.md).

Transport only: authenticate (Django session), parse, authorise every frame against
the operator's teams (agent_console.permissions), call one service, shape the reply.
Ownership of a conversation is decided by crm.services; the channel layer only says
"look again" and the database is the record.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth import get_user_model

from agent_console import permissions, protocol
from agent_console import services as console_services
from crm import events
from crm import selectors as crm_selectors
from crm import services as crm_services
from crm.models import Message, Team
from crm.states import IllegalTransition
from shop.selectors import product_by_sku
from webchat import bridge, order_form
from webchat import services as webchat_services
from webchat.consumers import TokenBucket, message_frame
from webchat.protocol import FrameError

logger = logging.getLogger(__name__)

RATE_BURST = 40
RATE_PER_SECOND = 10.0
QUEUE_DEBOUNCE_SECONDS = 0.15
CLOSE_FORBIDDEN = 4403
CLOSE_LOGGED_OUT = 4401


class Refused(Exception):
    """An action was refused: sent as an error frame naming the conversation."""

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra = extra


# --- the database side, once wrapped ----------------------------------------------------

_can_use_console = database_sync_to_async(permissions.can_use_console)
_access = database_sync_to_async(permissions.conversation_access)
_queue = database_sync_to_async(crm_selectors.console_queue)
_take_over = database_sync_to_async(crm_services.conversation_take_over)
_operator_message = database_sync_to_async(console_services.operator_reply)
_note = database_sync_to_async(crm_services.internal_note_append)
_owns_or_raise = database_sync_to_async(crm_services.operator_owns_or_raise)
_hand_back = database_sync_to_async(webchat_services.conversation_hand_back_to_bot)
_close = database_sync_to_async(crm_services.conversation_close)
_push_catalog = database_sync_to_async(console_services.catalog_push)
_push_form = database_sync_to_async(order_form.order_form_push)
_form_update = database_sync_to_async(order_form.order_form_update)
_form_state = database_sync_to_async(order_form.form_state_of)
_presence = database_sync_to_async(crm_services.operator_presence_set)


@database_sync_to_async
def _hello(user_id: int) -> dict[str, Any]:
    user = get_user_model().objects.select_related("operator").get(pk=user_id)
    profile = getattr(user, "operator", None)
    return {
        "type": "hello",
        "operator": {
            "id": user.pk,
            "username": user.get_username(),
            "name": profile.display_name if profile else user.get_username(),
            "presence": profile.presence if profile else "offline",
            "max_chats": profile.max_concurrent_chats if profile else None,
        },
        "teams": list(
            Team.objects.filter(teammembership__user_id=user_id).values_list("slug", flat=True)
        ),
    }


@database_sync_to_async
def _card(conversation_id: int) -> dict[str, Any] | None:
    conversation = crm_selectors.conversation_for_console(conversation_id=conversation_id)
    return crm_selectors.conversation_card(conversation) if conversation else None


@database_sync_to_async
def _messages_after(conversation_id: int, after_seq: int) -> list[dict[str, Any]]:
    return [
        console_message_frame(conversation_id, m)
        for m in crm_selectors.conversation_messages_for_console(
            conversation_id=conversation_id, after_seq=after_seq
        )
    ]


@database_sync_to_async
def _transfer(
    *, conversation_id: int, by_operator_id: int, team: str | None, operator: str | None, note: str
) -> str:
    if team is not None:
        target = Team.objects.filter(slug=team).first()
        if target is None:
            raise Refused("not_found", f"no team {team!r}")
        crm_services.conversation_transfer_to_team(
            conversation_id=conversation_id,
            team_id=target.pk,
            by_operator_id=by_operator_id,
            note=note,
        )
        return target.name
    colleague = get_user_model().objects.filter(username=operator, is_active=True).first()
    if colleague is None or not permissions.can_use_console(colleague):
        raise Refused("not_found", f"no operator {operator!r}")
    if colleague.pk == by_operator_id:
        raise Refused("invalid_frame", "the conversation is already yours")
    try:
        crm_services.conversation_transfer_to_operator(
            conversation_id=conversation_id,
            operator_id=colleague.pk,
            by_operator_id=by_operator_id,
            note=note,
        )
    except crm_services.OverLimit as exc:
        raise Refused("over_limit", str(exc)) from None
    return colleague.get_username()


@database_sync_to_async
def _product_name(sku: str) -> str:
    product = product_by_sku(sku=sku)
    return product.name_it if product else ""


def console_message_frame(conversation_id: int, message: Message) -> dict[str, Any]:
    """The customer's message frame plus the conversation id; internal notes included,
    a form's card code masked."""
    frame = message_frame(message)
    frame["conversation"] = conversation_id
    if message.kind == Message.Kind.FORM:
        frame["payload"] = order_form.mask_form_payload(message.payload or {})
    return frame


# --- the consumer ---------------------------------------------------------------------------


class ConsoleConsumer(AsyncWebsocketConsumer):
    user_id: int
    watched: dict[int, int]  # conversation → highest seq sent to this socket

    async def connect(self) -> None:
        # Accept first so the close code reaches the browser (4403: not an operator).
        await self.accept()
        user = self.scope.get("user")
        if not await _can_use_console(user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user = user
        self.user_id = user.pk
        self.watched = {}
        self.bucket = TokenBucket(burst=RATE_BURST, per_second=RATE_PER_SECOND)
        self.queue_task: asyncio.Task | None = None
        await self.channel_layer.group_add(events.operator_group(self.user_id), self.channel_name)
        await self.channel_layer.group_add(events.QUEUE_GROUP, self.channel_name)
        await self._send(await _hello(self.user_id))
        await self._send_queue()

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "user_id"):
            return
        if self.queue_task is not None:
            self.queue_task.cancel()
        await self.channel_layer.group_discard(
            events.operator_group(self.user_id), self.channel_name
        )
        await self.channel_layer.group_discard(events.QUEUE_GROUP, self.channel_name)
        for conversation_id in list(self.watched):
            await self.channel_layer.group_discard(
                events.conversation_group(conversation_id), self.channel_name
            )

    # --- from the operator -----------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        conversation_id = None
        client_msg_id = None
        try:
            if text_data is None:
                raise FrameError("invalid_json", "binary frames are not accepted")
            conversation_id = protocol.conversation_of(text_data)
            if not self.bucket.take():
                raise FrameError("rate_limited", "too many frames, retry later")
            frame = protocol.parse_console_frame(text_data)
            client_msg_id = getattr(frame, "client_msg_id", None)
            await self._handle(frame)
        except FrameError as error:
            await self._error(error.code, error.detail, conversation_id, error.client_msg_id)
        except Refused as refused:
            await self._error(
                refused.code, refused.detail, conversation_id, client_msg_id, **refused.extra
            )
        except crm_services.NotOwner as exc:
            await self._error(
                "not_owner", str(exc), conversation_id, client_msg_id, owner=exc.owner
            )
        except IllegalTransition as exc:
            await self._error(
                "illegal_state", str(exc), conversation_id, client_msg_id, state=exc.current
            )
        except order_form.FormError as exc:
            await self._error(exc.code, exc.detail, conversation_id, client_msg_id)

    async def _handle(self, frame: Any) -> None:
        if isinstance(frame, protocol.Ping):
            await self._send({"type": "pong"})
            return
        if isinstance(frame, protocol.Queue):
            await self._send_queue()
            return
        if isinstance(frame, protocol.Presence):
            await _presence(user_id=self.user_id, presence=frame.presence)
            await self._send({"type": "presence.ok", "presence": frame.presence})
            return
        if isinstance(frame, protocol.Unwatch):
            await self._unwatch(frame.conversation)
            return
        # Everything else names a conversation of the operator's teams.
        access = await _access(self.user, frame.conversation)
        if not access.exists:
            raise Refused("not_found", f"no conversation {frame.conversation}")
        if access.forbidden:
            raise Refused("forbidden", "this conversation belongs to another team")
        handler = getattr(self, f"_do_{frame.type}")
        await handler(frame)

    async def _do_watch(self, frame: protocol.Watch) -> None:
        conversation_id = frame.conversation
        if conversation_id not in self.watched:
            await self.channel_layer.group_add(
                events.conversation_group(conversation_id), self.channel_name
            )
        self.watched[conversation_id] = frame.last_seq
        await self._send({"type": "watching", "conversation": await _card(conversation_id)})
        await self._send_messages(conversation_id)

    async def _do_take_over(self, frame: protocol.TakeOver) -> None:
        result = await _take_over(conversation_id=frame.conversation, operator_id=self.user_id)
        if result.won:
            await self._send(
                {"type": "take_over.ok", "conversation": frame.conversation, "owner": result.owner}
            )
        else:
            await self._send(
                {
                    "type": "take_over.refused",
                    "conversation": frame.conversation,
                    "owner": result.owner,
                    "reason": result.reason,
                }
            )

    async def _do_message(self, frame: protocol.SendMessage) -> None:
        appended = await _operator_message(
            conversation_id=frame.conversation,
            operator_id=self.user_id,
            text=frame.text,
            client_msg_id=frame.client_msg_id,
        )
        await self._ack(frame.conversation, frame.client_msg_id, appended.message.seq)

    async def _do_note(self, frame: protocol.Note) -> None:
        appended = await _note(
            conversation_id=frame.conversation,
            operator_id=self.user_id,
            text=frame.text,
            client_msg_id=frame.client_msg_id,
        )
        await self._ack(frame.conversation, frame.client_msg_id, appended.message.seq)

    async def _do_typing(self, frame: protocol.Typing) -> None:
        await _owns_or_raise(conversation_id=frame.conversation, operator_id=self.user_id)
        await self.channel_layer.group_send(
            events.conversation_group(frame.conversation),
            events.typing_event(
                conversation_id=frame.conversation, sender="operator", active=frame.active
            ),
        )

    async def _do_hand_back(self, frame: protocol.HandBack) -> None:
        resume = await _hand_back(
            conversation_id=frame.conversation, operator_id=self.user_id, resume_at=frame.resume_at
        )
        if resume is not None:
            bridge.relay_in_background(
                conversation_id=frame.conversation,
                text=resume.text,
                extra_metadata=resume.metadata,
            )
        await self._send(
            {
                "type": "hand_back.ok",
                "conversation": frame.conversation,
                "resume_at": frame.resume_at,
            }
        )

    async def _do_transfer(self, frame: protocol.Transfer) -> None:
        target = await _transfer(
            conversation_id=frame.conversation,
            by_operator_id=self.user_id,
            team=frame.team,
            operator=frame.operator,
            note=frame.note,
        )
        await self._send({"type": "transfer.ok", "conversation": frame.conversation, "to": target})

    async def _do_close(self, frame: protocol.Close) -> None:
        await _close(
            conversation_id=frame.conversation, outcome=frame.outcome, by_operator_id=self.user_id
        )
        await self._send({"type": "close.ok", "conversation": frame.conversation})

    async def _do_push_catalog(self, frame: protocol.PushCatalog) -> None:
        appended = await _push_catalog(
            conversation_id=frame.conversation,
            operator_id=self.user_id,
            flt=frame.filter.catalog_filter(),
            text=frame.text,
            client_msg_id=frame.client_msg_id,
        )
        await self._ack(frame.conversation, frame.client_msg_id, appended.message.seq)

    async def _do_push_order_form(self, frame: protocol.PushOrderForm) -> None:
        message = await _push_form(
            conversation_id=frame.conversation,
            operator_id=self.user_id,
            sku=frame.sku,
            size=frame.size,
            colour=frame.colour,
            quantity=frame.quantity,
            client_msg_id=frame.client_msg_id,
        )
        await self._ack(frame.conversation, frame.client_msg_id, message.seq)

    async def _do_form_update(self, frame: protocol.FormUpdate) -> None:
        await _form_update(
            conversation_id=frame.conversation,
            seq=frame.seq,
            field=frame.field,
            value=frame.value,
            by="operator",
            operator_id=self.user_id,
        )
        # The new state reaches every watcher (this socket too) as a form_state frame.

    async def _unwatch(self, conversation_id: int) -> None:
        if self.watched.pop(conversation_id, None) is not None:
            await self.channel_layer.group_discard(
                events.conversation_group(conversation_id), self.channel_name
            )

    # --- from the channel layer ------------------------------------------------------------

    async def conversation_message(self, event: dict[str, Any]) -> None:
        if event.get("conversation") in self.watched:
            await self._send_messages(event["conversation"])

    async def conversation_state(self, event: dict[str, Any]) -> None:
        conversation_id = event.get("conversation")
        if conversation_id not in self.watched:
            return
        card = await _card(conversation_id)
        access = await _access(self.user, conversation_id)
        if card is None or access.forbidden:
            # Transferred to a team this operator is not in: they no longer see it.
            await self._send({"type": "state", "conversation": card, "readable": False})
            await self._unwatch(conversation_id)
            return
        await self._send({"type": "state", "conversation": card, "readable": True})

    async def conversation_typing(self, event: dict[str, Any]) -> None:
        # The operator's own typing goes to the customer only.
        if event.get("conversation") in self.watched and event["sender"] != "operator":
            await self._send(
                {
                    "type": "typing",
                    "conversation": event["conversation"],
                    "sender": event["sender"],
                    "active": event["active"],
                }
            )

    async def conversation_form(self, event: dict[str, Any]) -> None:
        if event.get("conversation") not in self.watched:
            return
        try:
            state = await _form_state(conversation_id=event["conversation"], seq=event["seq"])
        except order_form.FormError:
            return
        await self._send(state.as_frame(for_operator=True))

    async def conversation_product_opened(self, event: dict[str, Any]) -> None:
        if event.get("conversation") in self.watched:
            await self._send(
                {
                    "type": "product_opened",
                    "conversation": event["conversation"],
                    "sku": event["sku"],
                    "name": await _product_name(event["sku"]),
                }
            )

    async def queue_changed(self, event: dict[str, Any]) -> None:
        # Several changes in a burst (take-over: state + message) → one snapshot.
        if self.queue_task is None or self.queue_task.done():
            self.queue_task = asyncio.get_running_loop().create_task(self._queue_later())

    async def console_logout(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_LOGGED_OUT)

    # --- helpers --------------------------------------------------------------------------

    async def _queue_later(self) -> None:
        await asyncio.sleep(QUEUE_DEBOUNCE_SECONDS)
        try:
            await self._send_queue()
        except Exception:  # the socket closed meanwhile; the next snapshot will do
            logger.debug("queue snapshot not sent", exc_info=True)

    async def _send_queue(self) -> None:
        await self._send({"type": "queue", **(await _queue(user_id=self.user_id))})

    async def _send_messages(self, conversation_id: int) -> None:
        after = self.watched.get(conversation_id, 0)
        for frame in await _messages_after(conversation_id, after):
            await self._send(frame)
            after = max(after, frame["seq"])
        if conversation_id in self.watched:
            self.watched[conversation_id] = after

    async def _ack(self, conversation_id: int, client_msg_id: str, seq: int) -> None:
        await self._send(
            {
                "type": "ack",
                "conversation": conversation_id,
                "client_msg_id": client_msg_id,
                "seq": seq,
            }
        )

    async def _error(
        self,
        code: str,
        detail: str,
        conversation_id: int | None,
        client_msg_id: str | None,
        **extra: Any,
    ) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "detail": detail}
        if conversation_id is not None:
            frame["conversation"] = conversation_id
        if client_msg_id:
            frame["client_msg_id"] = client_msg_id
        frame.update(extra)
        await self._send(frame)

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False, default=str))
