"""The operator console's websocket frames (docs/console-protocol.md), validated with pydantic.

Transport only: parse_console_frame turns raw JSON into a typed frame or raises
FrameError with a protocol error code; the consumer sends that as an error frame.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    field_validator,
    model_validator,
)

from shop.models import Audience, Category, Material
from shop.selectors import CatalogFilter
from webchat.protocol import MAX_TEXT_CHARS, parse_frame
from webchat.services import RESUME_PATTERN

PUSH_LIMIT = 24

ConversationId = Annotated[int, Field(ge=1)]
ClientMsgId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS)]
Slug = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9-]+$")]
Username = Annotated[str, Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")]
Word = Annotated[str, Field(max_length=30, pattern=r"^[A-Za-z0-9 -]*$")]
FieldName = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
FieldValue = Annotated[str, Field(max_length=200), StringConstraints(strip_whitespace=False)]


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Watch(_Frame):
    type: Literal["watch"]
    conversation: ConversationId
    last_seq: int = Field(default=0, ge=0)


class Unwatch(_Frame):
    type: Literal["unwatch"]
    conversation: ConversationId


class Queue(_Frame):
    type: Literal["queue"]


class TakeOver(_Frame):
    type: Literal["take_over"]
    conversation: ConversationId


class SendMessage(_Frame):
    type: Literal["message"]
    conversation: ConversationId
    client_msg_id: ClientMsgId
    text: Text


class Note(_Frame):
    type: Literal["note"]
    conversation: ConversationId
    client_msg_id: ClientMsgId
    text: Text


class Typing(_Frame):
    type: Literal["typing"]
    conversation: ConversationId
    active: bool


class HandBack(_Frame):
    type: Literal["hand_back"]
    conversation: ConversationId
    resume_at: str = Field(default="", max_length=130, pattern=RESUME_PATTERN)


class Transfer(_Frame):
    type: Literal["transfer"]
    conversation: ConversationId
    team: Slug | None = None
    operator: Username | None = None
    note: str = Field(default="", max_length=1000)

    @model_validator(mode="after")
    def _one_target(self) -> Transfer:
        if (self.team is None) == (self.operator is None):
            raise ValueError("give either a team or an operator")
        return self


class Close(_Frame):
    type: Literal["close"]
    conversation: ConversationId
    outcome: str = Field(default="", max_length=200)


class Filter(_Frame):
    """The operator's catalog filter (also the query of /console/api/catalog/)."""

    category: Word = ""
    audience: Word = ""
    material: Word = ""
    fibre_type: Word = ""
    color: Word = ""
    size: Word = ""
    min_price: Decimal | None = Field(default=None, ge=0, le=100000)
    max_price: Decimal | None = Field(default=None, ge=0, le=100000)
    on_offer: bool = False
    include_unpublished: bool = False

    @field_validator("min_price", "max_price", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return _one_of(value, Category.values)

    @field_validator("audience")
    @classmethod
    def _audience(cls, value: str) -> str:
        return _one_of(value, Audience.values)

    @field_validator("fibre_type")
    @classmethod
    def _fibre(cls, value: str) -> str:
        return _one_of(value, Material.FibreType.values)

    def catalog_filter(self) -> CatalogFilter:
        return CatalogFilter(
            category=self.category,
            audience=self.audience,
            material=self.material,
            fibre_type=self.fibre_type,
            color=self.color,
            size=self.size,
            min_price=self.min_price,
            max_price=self.max_price,
            on_offer=self.on_offer,
            include_unpublished=self.include_unpublished,
        )


def _one_of(value: str, allowed: list[str]) -> str:
    if value and value not in allowed:
        raise ValueError(f"must be one of {', '.join(allowed)}")
    return value


class PushCatalog(_Frame):
    type: Literal["push_catalog"]
    conversation: ConversationId
    client_msg_id: ClientMsgId
    filter: Filter
    text: str = Field(default="", max_length=500)


class PushOrderForm(_Frame):
    type: Literal["push_order_form"]
    conversation: ConversationId
    client_msg_id: ClientMsgId
    sku: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")
    size: str = Field(default="", max_length=10)
    colour: str = Field(default="", max_length=20)
    quantity: int = Field(default=1, ge=1, le=10)


class FormUpdate(_Frame):
    type: Literal["form_update"]
    conversation: ConversationId
    seq: int = Field(ge=1)
    field: FieldName
    value: FieldValue | int | float | None


class Presence(_Frame):
    type: Literal["presence"]
    presence: Literal["online", "away"]


class Ping(_Frame):
    type: Literal["ping"]


AnyConsoleFrame = (
    Watch
    | Unwatch
    | Queue
    | TakeOver
    | SendMessage
    | Note
    | Typing
    | HandBack
    | Transfer
    | Close
    | PushCatalog
    | PushOrderForm
    | FormUpdate
    | Presence
    | Ping
)
ConsoleFrame = Annotated[AnyConsoleFrame, Field(discriminator="type")]
CONSOLE_FRAME_TYPES = {
    "watch",
    "unwatch",
    "queue",
    "take_over",
    "message",
    "note",
    "typing",
    "hand_back",
    "transfer",
    "close",
    "push_catalog",
    "push_order_form",
    "form_update",
    "presence",
    "ping",
}
_adapter: TypeAdapter = TypeAdapter(ConsoleFrame)


def parse_console_frame(raw: str) -> AnyConsoleFrame:
    return parse_frame(raw, known_types=CONSOLE_FRAME_TYPES, adapter=_adapter)


def conversation_of(raw: str) -> int | None:
    """The conversation a refused frame named, so the console can show the error there."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    value = data.get("conversation") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
