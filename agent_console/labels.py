"""Operator-facing names for the codes the console shows (states, channels, reasons...).

The codes stay as they are in the database and on the websocket; only what an operator
reads is translated, in the language of the request (Django's LocaleMiddleware).
Unknown codes are shown as they are, so a new one appears instead of vanishing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LABELS: dict[str, dict[str, Any]] = {
    "state": {
        "bot": pgettext_lazy("conversation state", "with the bot"),
        "queued": pgettext_lazy("conversation state", "waiting"),
        "human": pgettext_lazy("conversation state", "with an operator"),
        "closed": pgettext_lazy("conversation state", "closed"),
    },
    "channel": {
        "web": _("web chat"),
        "email": _("e-mail"),
        "phone": _("phone"),
    },
    "reason": {
        "asked": _("asked for a person"),
        "complaint": _("complaint"),
        "bot_unavailable": _("bot unavailable"),
    },
    # The keys of the bot's handoff context card (actions/handoff.py).
    "context": {
        "reason": _("reason"),
        "last_message": _("asked"),
        "topic": _("topic"),
        "kb_path": _("KB path"),
        "shop_assistant": _("shop answers"),
        "products_shown": _("items shown"),
        "order_number": _("order"),
        "ticket": _("request"),
        "transfer": _("transfer"),
    },
    "presence": {
        "online": _("online"),
        "away": _("away"),
        "offline": _("offline"),
    },
    "timeline_kind": {
        "email": _("e-mail"),
        "chat": _("chat"),
        "phone": _("phone"),
        "form": _("form"),
        "order": _("order"),
        "ticket": _("ticket"),
    },
    "sender": {
        "customer": _("customer"),
        "bot": _("bot"),
        "operator": _("operator"),
        "system": _("system"),
    },
    "phone_direction": {
        "in": _("customer called"),
        "out": _("we called"),
    },
    "ticket_status": {
        "open": pgettext_lazy("ticket status", "open"),
        "pending": pgettext_lazy("ticket status", "waiting for the customer"),
        "resolved": pgettext_lazy("ticket status", "resolved"),
        "closed": pgettext_lazy("ticket status", "closed"),
    },
    "order_status": {
        "received": pgettext_lazy("order status", "received"),
        "paid": pgettext_lazy("order status", "paid"),
        "shipped": pgettext_lazy("order status", "shipped"),
        "delivered": pgettext_lazy("order status", "delivered"),
        "cancelled": pgettext_lazy("order status", "cancelled"),
    },
    "payment": {
        "prepaid_card": _("prepaid card"),
        "cod": _("cash on delivery"),
    },
    "category": {
        "pullover": _("pullover"),
        "cardigan": _("cardigan"),
        "shirt": _("shirt"),
        "tshirt": _("t-shirt"),
        "trousers": _("trousers"),
        "jacket": _("jacket"),
        "scarf": _("scarf"),
        "dress": _("dress"),
    },
    "audience": {
        "woman": _("adult woman"),
        "man": _("adult man"),
        "kids": _("kids 0-12"),
    },
    "fibre": {
        "natural": _("natural"),
        "synthetic": _("synthetic"),
        "blend": _("blend"),
    },
}


def label(group: str, code: Any) -> str:
    """The operator's word for `code` in `group`, or the code itself when unknown."""
    text = LABELS.get(group, {}).get(code)
    return str(text) if text is not None else ("" if code is None else str(code))


def choices(group: str, codes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(value, label) pairs with the labels translated; the values are unchanged."""
    return [(value, label(group, value)) for value, _unused in codes]
