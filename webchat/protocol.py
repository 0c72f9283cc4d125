"""The customer websocket's frames (docs/protocol.md), validated with pydantic.

Transport only: parse_client_frame turns raw JSON into a typed frame or raises
FrameError with a protocol error code; the consumer sends that as an error frame.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

MAX_FRAME_BYTES = 8 * 1024
MAX_TEXT_CHARS = 2000
MAX_FORM_VALUE_CHARS = 200
MAX_FORM_FIELDS = 30
ClientMsgId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class FrameError(Exception):
    def __init__(self, code: str, detail: str, client_msg_id: str | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.client_msg_id = client_msg_id

    def as_frame(self) -> dict[str, Any]:
        frame = {"type": "error", "code": self.code, "detail": self.detail}
        if self.client_msg_id:
            frame["client_msg_id"] = self.client_msg_id
        return frame


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Resume(_Frame):
    type: Literal["resume"]
    last_seq: int = Field(ge=0)


class Message(_Frame):
    type: Literal["message"]
    client_msg_id: ClientMsgId
    text: str = Field(min_length=1)


class Postback(_Frame):
    type: Literal["postback"]
    client_msg_id: ClientMsgId
    title: str = Field(min_length=1, max_length=200)
    payload: str = Field(min_length=1, max_length=500)


class LiveInteraction(_Frame):
    type: Literal["live_interaction"]
    client_msg_id: ClientMsgId


class Typing(_Frame):
    type: Literal["typing"]
    active: bool


class Csat(_Frame):
    type: Literal["csat"]
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class Ping(_Frame):
    type: Literal["ping"]


FieldName = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
# Not stripped: the customer is typing, a trailing space is part of what they typed.
FieldValue = Annotated[
    str, Field(max_length=MAX_FORM_VALUE_CHARS), StringConstraints(strip_whitespace=False)
]


class FormUpdate(_Frame):
    type: Literal["form_update"]
    seq: int = Field(ge=1)
    field: FieldName
    value: FieldValue | int | float | None


class FormSubmit(_Frame):
    type: Literal["form_submit"]
    client_msg_id: ClientMsgId
    seq: int = Field(ge=1)
    values: dict[FieldName, FieldValue | int | float | None] = Field(max_length=MAX_FORM_FIELDS)


class ProductOpened(_Frame):
    type: Literal["product_opened"]
    sku: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")


AnyClientFrame = (
    Resume
    | Message
    | Postback
    | LiveInteraction
    | Typing
    | Csat
    | Ping
    | FormUpdate
    | FormSubmit
    | ProductOpened
)
ClientFrame = Annotated[AnyClientFrame, Field(discriminator="type")]
CLIENT_FRAME_TYPES = {
    "resume",
    "message",
    "postback",
    "live_interaction",
    "typing",
    "csat",
    "ping",
    "form_update",
    "form_submit",
    "product_opened",
}
_adapter: TypeAdapter = TypeAdapter(ClientFrame)


def parse_client_frame(raw: str) -> AnyClientFrame:
    return parse_frame(raw, known_types=CLIENT_FRAME_TYPES, adapter=_adapter)


def parse_frame(raw: str, *, known_types: set[str], adapter: TypeAdapter) -> Any:
    """Raw websocket text → a typed frame, or FrameError with the protocol's error code.

    Shared by the customer and the console sockets: size, JSON, type, text length, schema,
    checked in that order so the error names the first problem.
    """
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise FrameError("too_long", f"frames are limited to {MAX_FRAME_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise FrameError("invalid_json", "the frame is not valid JSON") from None
    if not isinstance(data, dict):
        raise FrameError("invalid_json", "the frame must be a JSON object")
    client_msg_id = (
        data.get("client_msg_id") if isinstance(data.get("client_msg_id"), str) else None
    )
    if data.get("type") not in known_types:
        raise FrameError(
            "unknown_type", f"unknown frame type {str(data.get('type'))[:40]!r}", client_msg_id
        )
    if isinstance(data.get("text"), str) and len(data["text"]) > MAX_TEXT_CHARS:
        raise FrameError(
            "too_long", f"text is longer than {MAX_TEXT_CHARS} characters", client_msg_id
        )
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"][1:]) or "frame"
        raise FrameError("invalid_frame", f"{where}: {first['msg']}", client_msg_id) from None
