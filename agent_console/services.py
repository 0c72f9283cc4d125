"""What an operator pushes into a customer's chat, composed from the shop and the CRM.

Ownership is decided by crm.services.operator_message_append; products come from
shop.selectors (operators may include new items not yet on the website).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from crm import services as crm_services
from crm.models import Channel, Conversation, Message
from shop import selectors as shop_selectors

CATALOG_PUSH_LIMIT = 24
CATALOG_TEXT = {
    "it": "Ecco una selezione di capi per lei:",
    "en": "Here is a selection of items for you:",
}


def catalog_preview(
    *, flt: shop_selectors.CatalogFilter, language: str = "it", limit: int = CATALOG_PUSH_LIMIT
) -> dict[str, Any]:
    """How many products match (the live count) and the first ones as cards."""
    products = shop_selectors.products_matching(flt, limit=None)
    offers = list(shop_selectors.offers_active().prefetch_related("products"))
    return {
        "count": len(products),
        "products": [
            shop_selectors.product_card(p, language=language, offers=offers)
            for p in products[:limit]
        ],
    }


def catalog_push(
    *,
    conversation_id: int,
    operator_id: int,
    flt: shop_selectors.CatalogFilter,
    text: str = "",
    client_msg_id: str | None = None,
) -> crm_services.Appended:
    """The filtered catalog as one message, shown at once in the customer's widget."""
    language = Conversation.objects.values_list("language", flat=True).get(pk=conversation_id)
    preview = catalog_preview(flt=flt, language=language)
    return crm_services.operator_message_append(
        conversation_id=conversation_id,
        operator_id=operator_id,
        kind=Message.Kind.CATALOG,
        text=text or CATALOG_TEXT.get(language, CATALOG_TEXT["it"]),
        payload={"products": preview["products"], "filter": _filter_json(flt)},
        client_msg_id=client_msg_id,
    )


def _filter_json(flt: shop_selectors.CatalogFilter) -> dict[str, Any]:
    return {
        key: (str(value) if value is not None and not isinstance(value, bool) else value)
        for key, value in flt.__dict__.items()
        if value not in ("", None, False)
    }


def operator_reply(
    *, conversation_id: int, operator_id: int, text: str, client_msg_id: str | None
) -> crm_services.Appended:
    """What the owner writes to the customer: a chat message, and on an e-mail
    conversation also an e-mail in the request's thread."""
    from mail_channel import services as mail_services

    with transaction.atomic():
        appended = crm_services.operator_message_append(
            conversation_id=conversation_id,
            operator_id=operator_id,
            text=text,
            client_msg_id=client_msg_id,
        )
        channel = Conversation.objects.values_list("channel", flat=True).get(pk=conversation_id)
        if appended.created and channel == Channel.EMAIL:
            mail_services.email_reply_from_operator(message=appended.message)
    return appended
