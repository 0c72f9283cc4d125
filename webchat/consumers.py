"""The customer's websocket (docs/protocol.md). Transport only: parse, authorise, call
webchat.services / the bridge, shape frames. The database is the record; channel-layer
events only say "look again"."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from crm import events, selectors
from crm.models import Conversation, Message
from crm.states import IllegalTransition
from webchat import bridge, order_form, protocol, services

RATE_BURST = 10
RATE_PER_SECOND = 2.0
# Filling a form sends a frame per field change: its own bucket, so typing an address
# never uses up the allowance for chat messages.
FORM_RATE_BURST = 30
FORM_RATE_PER_SECOND = 8.0

_messages_after = database_sync_to_async(selectors.conversation_messages_after)
_queue_position = database_sync_to_async(selectors.queue_position)
_receive = database_sync_to_async(services.customer_message_receive)
_request_human = database_sync_to_async(services.conversation_request_human)
_csat = database_sync_to_async(services.csat_record)
_form_update = database_sync_to_async(order_form.order_form_update)
_form_submit = database_sync_to_async(order_form.order_form_submit)
_form_state = database_sync_to_async(order_form.form_state_of)


@database_sync_to_async
def _conversation_snapshot(conversation_id: int) -> dict[str, Any] | None:
    return (
        Conversation.objects.filter(pk=conversation_id)
        .values("state", "language", "last_seq", "entry_pending")
        .first()
    )


def message_frame(message: Message) -> dict[str, Any]:
    author = ""
    if message.author is not None:
        profile = getattr(message.author, "operator", None)
        author = profile.display_name if profile else message.author.get_username()
    return {
        "type": "message",
        "seq": message.seq,
        "sender": message.sender,
        "kind": message.kind,
        "text": message.text,
        "payload": message.payload,
        "created_at": message.created_at.isoformat(),
        "author": author,
        **({"client_msg_id": message.client_msg_id} if message.client_msg_id else {}),
    }


class TokenBucket:
    def __init__(self, *, burst: int, per_second: float) -> None:
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.per_second = per_second
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class CustomerConsumer(AsyncWebsocketConsumer):
    conversation_id: int
    state: str
    sent_seq: int | None  # highest seq sent to this socket; None until the client resumes

    async def connect(self) -> None:
        await self.accept()
        # Accept first so the close code reaches the widget (4403 stop, 4401 new session).
        if not self._origin_allowed():
            await self.close(code=4403)
            return
        token = parse_qs(self.scope.get("query_string", b"").decode()).get("token", [""])[0]
        try:
            self.conversation_id = services.visitor_token_read(token)
        except services.InvalidToken:
            await self.close(code=4401)
            return
        snapshot = await _conversation_snapshot(self.conversation_id)
        if snapshot is None:
            await self.close(code=4401)
            return
        self.state = snapshot["state"]
        self.sent_seq = None
        self.bucket = TokenBucket(burst=RATE_BURST, per_second=RATE_PER_SECOND)
        self.form_bucket = TokenBucket(burst=FORM_RATE_BURST, per_second=FORM_RATE_PER_SECOND)
        self.group = events.conversation_group(self.conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(events.QUEUE_WATCHERS_GROUP, self.channel_name)
        self.position = await _queue_position(conversation_id=self.conversation_id)
        await self._send(
            {
                "type": "welcome",
                "conversation": self.conversation_id,
                "state": self.state,
                "language": snapshot["language"],
                "last_seq": snapshot["last_seq"],
                "position": self.position,
            }
        )
        # Opened from an e-mail link: the bot picks the request up now and its first
        # question reaches this socket live, without the customer saying anything.
        if snapshot["entry_pending"]:  # checked first: most connects have nothing to claim
            opening = await database_sync_to_async(services.entry_opening_claim)(
                conversation_id=self.conversation_id
            )
            if opening is not None:
                bridge.relay_in_background(conversation_id=self.conversation_id, text=opening)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(events.QUEUE_WATCHERS_GROUP, self.channel_name)
            await self.channel_layer.group_send(
                self.group,
                events.typing_event(
                    conversation_id=self.conversation_id, sender="customer", active=False
                ),
            )

    def _origin_allowed(self) -> bool:
        headers = dict(self.scope.get("headers", []))
        origin = headers.get(b"origin", b"").decode("latin-1").rstrip("/").lower()
        return bool(origin) and origin in settings.WIDGET_ALLOWED_ORIGINS

    # --- from the client ----------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            if text_data is None:
                raise protocol.FrameError("invalid_json", "binary frames are not accepted")
            bucket = self.form_bucket if _is_form_update(text_data) else self.bucket
            if not bucket.take():
                client_id = _client_id_of(text_data)
                raise protocol.FrameError("rate_limited", "too many frames, retry later", client_id)
            frame = protocol.parse_client_frame(text_data)
            await self._handle(frame)
        except protocol.FrameError as error:
            await self._send(error.as_frame())

    async def _handle(self, frame: Any) -> None:
        if isinstance(frame, protocol.Resume):
            await self._send_messages_after(frame.last_seq)
        elif isinstance(frame, protocol.Message):
            await self._customer_text(frame.client_msg_id, frame.text, frame.text, {})
        elif isinstance(frame, protocol.Postback):
            await self._customer_text(
                frame.client_msg_id, frame.title, frame.payload, {"postback": frame.payload}
            )
        elif isinstance(frame, protocol.LiveInteraction):
            try:
                received = await _request_human(
                    conversation_id=self.conversation_id, client_msg_id=frame.client_msg_id
                )
            except services.ConversationClosed:
                raise protocol.FrameError(
                    "closed", "the conversation is closed", frame.client_msg_id
                ) from None
            await self._ack(frame.client_msg_id, received.seq)
        elif isinstance(frame, protocol.Typing):
            await self.channel_layer.group_send(
                self.group,
                events.typing_event(
                    conversation_id=self.conversation_id, sender="customer", active=frame.active
                ),
            )
        elif isinstance(frame, protocol.FormUpdate):
            try:
                await _form_update(
                    conversation_id=self.conversation_id,
                    seq=frame.seq,
                    field=frame.field,
                    value=frame.value,
                    by="customer",
                )
            except order_form.FormError as error:
                raise protocol.FrameError("invalid_frame", error.detail) from None
            # Everyone (this socket too) gets the new state as a form_state frame.
        elif isinstance(frame, protocol.FormSubmit):
            try:
                state = await _form_submit(
                    conversation_id=self.conversation_id, seq=frame.seq, values=frame.values
                )
            except order_form.FormError as error:
                raise protocol.FrameError(
                    "invalid_frame", error.detail, frame.client_msg_id
                ) from None
            await self._send({**state.as_frame(), "client_msg_id": frame.client_msg_id})
        elif isinstance(frame, protocol.ProductOpened):
            await self.channel_layer.group_send(
                self.group,
                events.product_opened_event(conversation_id=self.conversation_id, sku=frame.sku),
            )
        elif isinstance(frame, protocol.Csat):
            try:
                await _csat(
                    conversation_id=self.conversation_id, score=frame.score, comment=frame.comment
                )
            except (IllegalTransition, services.ConversationClosed):
                raise protocol.FrameError(
                    "invalid_frame", "satisfaction is asked once the conversation is closed"
                ) from None
            await self._send({"type": "csat.ok"})
        elif isinstance(frame, protocol.Ping):
            await self._send({"type": "pong"})

    async def _customer_text(
        self, client_msg_id: str, text: str, bot_text: str, payload: dict[str, Any]
    ) -> None:
        try:
            received = await _receive(
                conversation_id=self.conversation_id,
                text=text,
                client_msg_id=client_msg_id,
                payload=payload,
            )
        except services.ConversationClosed:
            raise protocol.FrameError(
                "closed", "the conversation is closed", client_msg_id
            ) from None
        await self._ack(client_msg_id, received.seq)
        if received.forward_to_bot:
            bridge.relay_in_background(conversation_id=self.conversation_id, text=bot_text)

    async def _ack(self, client_msg_id: str, seq: int) -> None:
        await self._send({"type": "ack", "client_msg_id": client_msg_id, "seq": seq})

    # --- from the channel layer ---------------------------------------------------

    async def conversation_message(self, event: dict[str, Any]) -> None:
        if self.sent_seq is not None and event["seq"] > self.sent_seq:
            await self._send_messages_after(self.sent_seq)

    async def conversation_state(self, event: dict[str, Any]) -> None:
        if event.get("conversation") != self.conversation_id:
            return
        self.state = event["state"]
        self.position = await _queue_position(conversation_id=self.conversation_id)
        await self._send({"type": "state", "state": self.state, "position": self.position})

    async def conversation_typing(self, event: dict[str, Any]) -> None:
        if event["sender"] != "customer":
            await self._send(
                {"type": "typing", "sender": event["sender"], "active": event["active"]}
            )

    async def conversation_form(self, event: dict[str, Any]) -> None:
        try:
            state = await _form_state(conversation_id=self.conversation_id, seq=event["seq"])
        except order_form.FormError:
            return
        await self._send(state.as_frame())

    async def conversation_product_opened(self, event: dict[str, Any]) -> None:
        pass  # for the operator's console; the customer knows what they opened

    async def queue_changed(self, event: dict[str, Any]) -> None:
        if self.state != "queued":
            return
        position = await _queue_position(conversation_id=self.conversation_id)
        if position != self.position:
            self.position = position
            await self._send({"type": "state", "state": self.state, "position": position})

    async def _send_messages_after(self, after_seq: int) -> None:
        messages = await _messages_after(conversation_id=self.conversation_id, after_seq=after_seq)
        last = after_seq
        for message in messages:
            await self._send(message_frame(message))
            last = message.seq
        self.sent_seq = max(last, self.sent_seq or 0)

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))


def _is_form_update(text_data: str) -> bool:
    # The bucket is chosen before the frame is validated (a flood costs no validation).
    if len(text_data) > protocol.MAX_FRAME_BYTES:
        return False
    try:
        data = json.loads(text_data)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("type") == "form_update"


def _client_id_of(text_data: str) -> str | None:
    try:
        data = json.loads(text_data)
    except ValueError:
        return None
    value = data.get("client_msg_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else None
