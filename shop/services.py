"""State changes of the shop: orders, their payment and their confirmation."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from crm.models import Customer
from shop.models import Order, OrderLine, PrepaidCard, Product

logger = logging.getLogger(__name__)

DELIVERY_WORKING_DAYS = 3

# Italian national holidays with a fixed date (month, day); Easter Monday is added per year.
_FIXED_HOLIDAYS = {
    (1, 1),
    (1, 6),
    (4, 25),
    (5, 1),
    (6, 2),
    (8, 15),
    (11, 1),
    (12, 8),
    (12, 25),
    (12, 26),
}


def _easter_sunday(year: int) -> dt.date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's name)
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = ((h + l - 7 * m + 114) % 31) + 1
    return dt.date(year, month, day)


def is_working_day(day: dt.date) -> bool:
    if day.weekday() >= 5 or (day.month, day.day) in _FIXED_HOLIDAYS:
        return False
    return day != _easter_sunday(day.year) + dt.timedelta(days=1)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (weekends and Italian holidays skipped)."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def estimated_delivery(*, ordered_on: dt.date) -> dt.date:
    return add_working_days(ordered_on, DELIVERY_WORKING_DAYS)


# --- orders ---------------------------------------------------------------------------

ORDER_NUMBER_PREFIX = "A-"
ORDER_NUMBER_FIRST = 10001
ORDER_NUMBER_ATTEMPTS = 5


class OrderRefused(Exception):
    """The order cannot be placed; `field` and `code` say why (shop.forms.MESSAGES)."""

    def __init__(self, *, field: str, code: str, **values: object) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code
        self.values = values


@dataclass(frozen=True)
class OrderLineInput:
    product: Product
    size: str
    colour: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Shipping:
    name: str
    address: str
    postcode: str
    city: str


def order_create(
    *,
    customer: Customer,
    lines: list[OrderLineInput],
    shipping: Shipping,
    payment_method: str,
    card_code: str = "",
    contact_email: str = "",
    conversation_id: int | None = None,
    ticket_id: int | None = None,
) -> Order:
    """Place an order: stock taken, the prepaid card debited, order and lines stored.

    All or nothing in one transaction. Stock and card balance move with conditional
    UPDATEs (`stock >= n`, `balance >= total`), so two orders racing for the last item
    or the last euro cannot both pass. The confirmation e-mail goes out after commit.
    """
    if not lines:
        raise ValueError("an order needs at least one line")
    total = sum((line.unit_price * line.quantity for line in lines), Decimal("0"))
    with transaction.atomic():
        for line in lines:
            if line.size not in line.product.sizes:
                raise OrderRefused(field="size", code="invalid_choice")
            if line.colour not in line.product.colours:
                raise OrderRefused(field="colour", code="invalid_choice")
            taken = Product.objects.filter(pk=line.product.pk, stock__gte=line.quantity).update(
                stock=F("stock") - line.quantity
            )
            if taken != 1:
                stock = Product.objects.values_list("stock", flat=True).get(pk=line.product.pk)
                raise OrderRefused(field="quantity", code="out_of_stock", stock=stock)
        card = None
        if payment_method == Order.Payment.PREPAID_CARD:
            card = _card_debit(code=card_code, amount=total)
        elif payment_method != Order.Payment.CASH_ON_DELIVERY:
            raise OrderRefused(field="payment_method", code="invalid_choice")
        now = timezone.now()
        order = _order_insert(
            customer=customer,
            conversation_id=conversation_id,
            ticket_id=ticket_id,
            status=Order.Status.PAID if card else Order.Status.RECEIVED,
            shipping_name=shipping.name,
            shipping_address=shipping.address,
            shipping_postcode=shipping.postcode,
            shipping_city=shipping.city,
            contact_email=contact_email or customer.email,
            payment_method=payment_method,
            prepaid_card=card,
            total=total,
            estimated_delivery=estimated_delivery(ordered_on=timezone.localdate(now)),
            created_at=now,
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    product=line.product,
                    size=line.size,
                    colour=line.colour,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                )
                for line in lines
            ]
        )
        order_id = order.pk
        # robust: a mail server hiccup must not turn a placed order into an error.
        transaction.on_commit(lambda: order_confirmation_send(order_id=order_id), robust=True)
    return order


def _card_debit(*, code: str, amount: Decimal) -> PrepaidCard:
    debited = PrepaidCard.objects.filter(code=code, active=True, balance__gte=amount).update(
        balance=F("balance") - amount
    )
    if debited != 1:
        exists = PrepaidCard.objects.filter(code=code, active=True).exists()
        raise OrderRefused(
            field="card_code", code="card_insufficient" if exists else "card_invalid"
        )
    return PrepaidCard.objects.get(code=code)


def _order_insert(**fields: object) -> Order:
    for _ in range(ORDER_NUMBER_ATTEMPTS):
        order = Order(number=order_number_next(), **fields)
        order.full_clean(exclude=["customer", "prepaid_card"], validate_unique=False)
        try:
            with transaction.atomic():
                order.save(force_insert=True)
            return order
        except IntegrityError:
            if not Order.objects.filter(number=order.number).exists():
                raise
    raise RuntimeError(f"no free order number after {ORDER_NUMBER_ATTEMPTS} attempts")


def order_number_next() -> str:
    """A-10064 after A-10063: readable on the phone; a racing insert retries."""
    numbers = Order.objects.filter(number__startswith=ORDER_NUMBER_PREFIX).values_list(
        "number", flat=True
    )
    highest = max(
        (int(n[len(ORDER_NUMBER_PREFIX) :]) for n in numbers if re.fullmatch(r"A-[0-9]+", n)),
        default=ORDER_NUMBER_FIRST - 1,
    )
    return f"{ORDER_NUMBER_PREFIX}{highest + 1}"


CONFIRMATION = {
    "it": {
        "subject": "Conferma dell'ordine {number}",
        "body": (
            "{greeting}\n\n"
            "grazie per il suo ordine {number} del {date}.\n\n"
            "{lines}\n\n"
            "Totale: {total} € ({payment})\n"
            "Spedizione a: {name}, {address}, {postcode} {city}\n"
            "Consegna prevista: {delivery}\n\n"
            "Può seguire lo stato dell'ordine qui:\n{url}\n\n"
            "Sportello Moda — servizio clienti"
        ),
        "greeting": "Gentile {name},",
        "prepaid_card": "pagato con carta prepagata",
        "cod": "pagamento in contrassegno",
    },
    "en": {
        "subject": "Confirmation of your order {number}",
        "body": (
            "{greeting}\n\n"
            "thank you for your order {number} of {date}.\n\n"
            "{lines}\n\n"
            "Total: € {total} ({payment})\n"
            "Shipping to: {name}, {address}, {postcode} {city}\n"
            "Estimated delivery: {delivery}\n\n"
            "You can follow your order here:\n{url}\n\n"
            "Sportello Moda — customer service"
        ),
        "greeting": "Dear {name},",
        "prepaid_card": "paid with a prepaid card",
        "cod": "cash on delivery",
    },
}


def order_confirmation_send(*, order_id: int) -> None:
    """The confirmation e-mail, in the customer's language, with the order status link."""
    from shop.selectors import order_status_url

    order = (
        Order.objects.select_related("customer", "ticket", "conversation__ticket")
        .prefetch_related("lines__product")
        .get(pk=order_id)
    )
    recipient = order.contact_email or order.customer.email
    if not recipient:
        logger.info("order %s: no e-mail address, no confirmation sent", order.number)
        return
    language = order.customer.language if order.customer.language in CONFIRMATION else "it"
    texts = CONFIRMATION[language]
    lines = "\n".join(
        f"- {line.quantity} × {line.product.name(language)} ({line.size}, {line.colour})"
        for line in order.lines.all()
    )
    date_format = "%d/%m/%Y" if language == "it" else "%d %b %Y"
    body = texts["body"].format(
        greeting=texts["greeting"].format(name=order.shipping_name),
        number=order.number,
        date=timezone.localtime(order.created_at).strftime(date_format),
        lines=lines,
        total=order.total,
        payment=texts[order.payment_method],
        name=order.shipping_name,
        address=order.shipping_address,
        postcode=order.shipping_postcode,
        city=order.shipping_city,
        delivery=order.estimated_delivery.strftime(date_format),
        url=order_status_url(order),
    )
    from mail_channel.services import email_notify  # the e-mail channel records every mail

    conversation = order.conversation
    email_notify(
        customer=order.customer,
        to=recipient,
        subject=texts["subject"].format(number=order.number),
        text=body,
        ticket=order.ticket or (conversation.ticket if conversation is not None else None),
        conversation=conversation,
    )
