"""The order form inside a chat: pushed by the operator, filled by the customer, live on
both sides, validated by shop.forms.OrderForm, placed by shop.services.order_create.

The form's state lives in its Message's payload, so a reload of either side shows it
as it is now:

    {"form": "order", "sku": "PUL-W-001", "schema": {...}, "values": {...},
     "errors": {field: [messages]}, "status": "open" | "submitted", "version": 3,
     "updated_by": "customer" | "operator", "order_number": null | "A-10064"}

Every change bumps `version` under a row lock and rings crm.events.notify_form after
commit; sockets then send a `form_state` frame (docs/protocol.md, docs/console-protocol.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from crm import events
from crm import services as crm_services
from crm.models import Conversation, Message
from shop import forms as shop_forms
from shop import selectors as shop_selectors
from shop import services as shop_services
from shop.models import Order

FORM_ORDER = "order"
OPEN, SUBMITTED = "open", "submitted"
MAX_VALUE_CHARS = 200
PRIVATE_FIELDS = ("card_code",)  # masked for operators, and for everyone once placed

TEXTS = {
    "it": {
        "intro": "Ecco il modulo d'ordine: controlli i dati e lo invii.",
        "confirmed": "Ordine {number} confermato: totale {total} €, consegna prevista il {date}. "
        "Le abbiamo inviato la conferma per e-mail.",
        "invalid_choice": "Scelta non disponibile per questo articolo.",
        "date_format": "%d/%m/%Y",
    },
    "en": {
        "intro": "Here is the order form: check the details and send it.",
        "confirmed": "Order {number} confirmed: total € {total}, estimated delivery {date}. "
        "We have sent you the confirmation by e-mail.",
        "invalid_choice": "Not available for this item.",
        "date_format": "%d %b %Y",
    },
}


class FormError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class FormState:
    conversation_id: int
    seq: int
    values: dict[str, Any]
    errors: dict[str, list[str]]
    status: str
    version: int
    by: str
    order_number: str | None

    def as_frame(self, *, for_operator: bool = False) -> dict[str, Any]:
        values = mask_private(self.values) if for_operator else self.values
        frame = {
            "type": "form_state",
            "seq": self.seq,
            "values": values,
            "errors": self.errors,
            "status": self.status,
            "version": self.version,
            "by": self.by,
            "order_number": self.order_number,
        }
        if for_operator:
            frame["conversation"] = self.conversation_id
        return frame


def mask_private(values: dict[str, Any]) -> dict[str, Any]:
    masked = dict(values)
    for name in PRIVATE_FIELDS:
        raw = str(masked.get(name) or "")
        if raw:
            masked[name] = "•" * max(len(raw) - 4, 0) + raw[-4:]
    return masked


def mask_form_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A form message's payload as operators see it (card code masked)."""
    if payload.get("form") != FORM_ORDER:
        return payload
    return {**payload, "values": mask_private(payload.get("values") or {})}


def _state(conversation_id: int, message: Message) -> FormState:
    payload = message.payload
    return FormState(
        conversation_id=conversation_id,
        seq=message.seq,
        values=dict(payload.get("values") or {}),
        errors=dict(payload.get("errors") or {}),
        status=str(payload.get("status") or OPEN),
        version=int(payload.get("version") or 1),
        by=str(payload.get("updated_by") or "operator"),
        order_number=payload.get("order_number"),
    )


def form_state_of(*, conversation_id: int, seq: int) -> FormState:
    return _state(conversation_id, _form_message(conversation_id, seq, lock=False))


def _form_message(conversation_id: int, seq: int, *, lock: bool) -> Message:
    messages = Message.objects.filter(
        conversation_id=conversation_id, seq=seq, kind=Message.Kind.FORM
    )
    message = (messages.select_for_update() if lock else messages).first()
    if message is None or (message.payload or {}).get("form") != FORM_ORDER:
        raise FormError("invalid_frame", f"message {seq} is not an order form")
    return message


def _language(conversation_id: int) -> str:
    language = Conversation.objects.values_list("language", flat=True).get(pk=conversation_id)
    return language if language in TEXTS else "it"


# --- operator: push ------------------------------------------------------------------------


def order_form_push(
    *,
    conversation_id: int,
    operator_id: int,
    sku: str,
    size: str = "",
    colour: str = "",
    quantity: int = 1,
    client_msg_id: str | None = None,
) -> Message:
    """Put an order form for `sku` into the chat, prefilled from the product and the
    customer's record. Only the conversation's owner pushes (crm.services decides)."""
    crm_services.operator_owns_or_raise(conversation_id=conversation_id, operator_id=operator_id)
    product = shop_selectors.product_by_sku(sku=sku)
    if product is None:
        raise FormError("not_found", f"no product {sku!r}")
    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    language = _language(conversation_id)
    form = shop_forms.OrderForm(product=product, language=language)
    customer = conversation.customer
    values: dict[str, Any] = {
        "sku": product.sku,
        "size": size if size in product.sizes else "",
        "colour": colour if colour in product.colours else "",
        "quantity": max(1, min(int(quantity or 1), shop_forms.MAX_QUANTITY)),
        "shipping_name": customer.full_name if customer else "",
        "shipping_address": customer.address if customer else "",
        "shipping_postcode": customer.postcode if customer else "",
        "shipping_city": customer.city if customer else "",
        "email": customer.email if customer else "",
        "payment_method": "",
        "card_code": "",
    }
    payload = {
        "form": FORM_ORDER,
        "sku": product.sku,
        "schema": shop_forms.order_form_schema(form),
        "values": values,
        "errors": {},
        "status": OPEN,
        "version": 1,
        "updated_by": "operator",
        "order_number": None,
    }
    return crm_services.operator_message_append(
        conversation_id=conversation_id,
        operator_id=operator_id,
        kind=Message.Kind.FORM,
        text=TEXTS[language]["intro"],
        payload=payload,
        client_msg_id=client_msg_id,
    ).message


# --- both sides: a field changes ------------------------------------------------------------


def order_form_update(
    *,
    conversation_id: int,
    seq: int,
    field: str,
    value: Any,
    by: str,
    operator_id: int | None = None,
) -> FormState:
    """One field typed by the customer or corrected by the operator (the owner only)."""
    if by not in ("customer", "operator"):
        raise ValueError(f"unknown side {by!r}")
    with transaction.atomic():
        if by == "operator":
            crm_services.operator_owns_or_raise(
                conversation_id=conversation_id, operator_id=operator_id or 0
            )
        message = _form_message(conversation_id, seq, lock=True)
        payload = dict(message.payload)
        if payload.get("status") != OPEN:
            raise FormError("invalid_frame", "the form was already submitted")
        names = {f["name"] for f in payload["schema"]["fields"]}
        if field not in names:
            raise FormError("invalid_frame", f"the form has no field {field!r}")
        if by == "operator" and field in PRIVATE_FIELDS:
            raise FormError("invalid_frame", f"only the customer fills {field!r}")
        payload["values"] = {**payload["values"], field: _clean_value(value)}
        payload["errors"] = {k: v for k, v in (payload.get("errors") or {}).items() if k != field}
        _save(message, payload, by=by)
    return _state(conversation_id, message)


def _clean_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FormError("invalid_frame", "a field value is text or a number")
    return value[:MAX_VALUE_CHARS] if isinstance(value, str) else value


def _save(message: Message, payload: dict[str, Any], *, by: str) -> None:
    payload["version"] = int(payload.get("version") or 1) + 1
    payload["updated_by"] = by
    message.payload = payload
    message.save(update_fields=["payload"])
    conversation_id, seq = message.conversation_id, message.seq
    transaction.on_commit(lambda: events.notify_form(conversation_id=conversation_id, seq=seq))


# --- customer: submit -------------------------------------------------------------------------


def order_form_submit(*, conversation_id: int, seq: int, values: dict[str, Any]) -> FormState:
    """Validate on the server; if valid, place the order, confirm it in the chat (both
    sides) and by e-mail. Invalid input comes back as field errors and creates nothing.
    A second submit of a placed form returns its state (no second order)."""
    language = _language(conversation_id)
    with transaction.atomic():
        message = _form_message(conversation_id, seq, lock=True)
        payload = dict(message.payload)
        if payload.get("status") == SUBMITTED:
            return _state(conversation_id, message)
        names = [f["name"] for f in payload["schema"]["fields"]]
        merged = {**payload["values"]}
        for name in names:
            if name in values:
                merged[name] = _clean_value(values[name])
        payload["values"] = merged
        product = shop_selectors.product_by_sku(sku=payload["sku"])
        if product is None:
            raise FormError("not_found", "the product of this form no longer exists")
        form = shop_forms.OrderForm(data=merged, product=product, language=language)
        if not form.is_valid():
            payload["errors"] = form.errors_by_field()
            _save(message, payload, by="customer")
            return _state(conversation_id, message)
        try:
            with transaction.atomic():  # a refused order leaves no customer row behind either
                order = _place(conversation_id, form)
        except shop_services.OrderRefused as refused:
            payload["errors"] = {refused.field: [_refusal_text(language, refused)]}
            _save(message, payload, by="customer")
            return _state(conversation_id, message)
        payload.update(
            status=SUBMITTED,
            errors={},
            order_number=order.number,
            submitted_at=timezone.now().isoformat(),
            values=mask_private(merged),  # the card code is not kept in the chat
        )
        _save(message, payload, by="customer")
        crm_services.message_append_system(
            conversation_id=conversation_id, event="form_submitted", data={"seq": seq}
        )
        texts = TEXTS[language]
        crm_services.message_append_system(
            conversation_id=conversation_id,
            event="order_created",
            data={
                "order_number": order.number,
                "estimated_delivery": order.estimated_delivery.isoformat(),
                "total": str(order.total),
                "text": texts["confirmed"].format(
                    number=order.number,
                    total=order.total,
                    date=order.estimated_delivery.strftime(texts["date_format"]),
                ),
            },
        )
    return _state(conversation_id, message)


def _place(conversation_id: int, form: shop_forms.OrderForm) -> Order:
    data = form.cleaned_data
    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    customer = conversation.customer
    if customer is None:
        # An anonymous visitor: a new, unverified record (a typed address is never identity).
        first, _, last = data["shipping_name"].partition(" ")
        customer = crm_services.customer_create(
            first_name=first,
            last_name=last,
            email=data["email"],
            address=data["shipping_address"],
            postcode=data["shipping_postcode"],
            city=data["shipping_city"],
            language=conversation.language,
        )
        crm_services.conversation_customer_link(
            conversation_id=conversation_id, customer_id=customer.pk
        )
    line = shop_services.OrderLineInput(
        product=form.product,
        size=data["size"],
        colour=data["colour"],
        quantity=data["quantity"],
        unit_price=form.unit_price(),
    )
    return shop_services.order_create(
        customer=customer,
        lines=[line],
        shipping=shop_services.Shipping(
            name=data["shipping_name"],
            address=data["shipping_address"],
            postcode=data["shipping_postcode"],
            city=data["shipping_city"],
        ),
        payment_method=data["payment_method"],
        card_code=data.get("card_code") or "",
        contact_email=data["email"],
        conversation_id=conversation_id,
        ticket_id=conversation.ticket_id,
    )


def _refusal_text(language: str, refused: shop_services.OrderRefused) -> str:
    if refused.code in shop_forms.MESSAGES["it"]:
        return shop_forms.message(language, refused.code, **refused.values)
    return TEXTS[language]["invalid_choice"]
