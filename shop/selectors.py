"""Reads of the shop: catalog filters, offers, orders (no side effects).

`product_card` is the one shape of a product shown to a customer (bot proposals,
operator pushes): the widget renders exactly these fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from shop.models import Audience, Offer, Order, Product

NEW_ARRIVAL_DAYS = 30
STATUS_LABELS = {
    "it": {
        "received": "ricevuto",
        "paid": "pagato",
        "shipped": "spedito",
        "delivered": "consegnato",
        "cancelled": "annullato",
    },
    "en": {
        "received": "received",
        "paid": "paid",
        "shipped": "shipped",
        "delivered": "delivered",
        "cancelled": "cancelled",
    },
}


@dataclass(frozen=True)
class CatalogFilter:
    category: str = ""
    audience: str = ""
    size: str = ""
    color: str = ""
    material: str = ""
    fibre_type: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    on_offer: bool = False
    include_unpublished: bool = False
    in_stock: bool = True


def offers_active(*, on: dt.date | None = None) -> QuerySet[Offer]:
    on = on or timezone.localdate()
    return Offer.objects.filter(starts_on__lte=on, ends_on__gte=on)


def offers_current_and_upcoming(*, on: dt.date | None = None, category: str = "") -> list[Offer]:
    on = on or timezone.localdate()
    offers = Offer.objects.filter(ends_on__gte=on).order_by("starts_on")
    if category:
        offers = offers.filter(Q(category=category) | Q(products__category=category)).distinct()
    return list(offers)


def best_offer_for(product: Product, offers: list[Offer]) -> Offer | None:
    matching = [
        o
        for o in offers
        if o.category == product.category or any(p.pk == product.pk for p in o.products.all())
    ]
    return max(matching, key=lambda o: o.discount_percent, default=None)


def products_matching(flt: CatalogFilter, *, limit: int | None = 12) -> list[Product]:
    """Products for a filter, items on offer first, then new arrivals, then by price."""
    products = Product.objects.select_related("material")
    if not flt.include_unpublished:
        products = products.filter(published=True)
    if flt.in_stock:
        products = products.filter(stock__gt=0)
    for field in ("category", "audience"):
        if getattr(flt, field):
            products = products.filter(**{field: getattr(flt, field)})
    if flt.material:
        products = products.filter(material__code=flt.material)
    if flt.fibre_type:
        products = products.filter(material__fibre_type=flt.fibre_type)
    if flt.min_price is not None:
        products = products.filter(price__gte=flt.min_price)
    if flt.max_price is not None:
        products = products.filter(price__lte=flt.max_price)
    candidates = list(products.order_by("price", "sku"))
    # JSON list membership in Python: portable across SQLite and PostgreSQL.
    if flt.size:
        candidates = [p for p in candidates if flt.size.lower() in (s.lower() for s in p.sizes)]
    if flt.color:
        candidates = [p for p in candidates if flt.color.lower() in (c.lower() for c in p.colours)]
    offers = list(offers_active().prefetch_related("products"))
    on_offer = {p.pk for p in candidates if best_offer_for(p, offers)}
    if flt.on_offer:
        candidates = [p for p in candidates if p.pk in on_offer]
    candidates.sort(key=lambda p: (p.pk not in on_offer, p.new_arrival_date is None))
    return candidates[:limit]


def kids_new_arrivals(*, limit: int = 6) -> list[Product]:
    since = timezone.localdate() - dt.timedelta(days=NEW_ARRIVAL_DAYS)
    return list(
        Product.objects.select_related("material")
        .filter(audience=Audience.KIDS, published=True, new_arrival_date__gte=since)
        .filter(new_arrival_date__lte=timezone.localdate())
        .order_by("-new_arrival_date", "sku")[:limit]
    )


def customer_bought_for_kids(*, customer_id: int) -> bool:
    return Order.objects.filter(
        customer_id=customer_id, lines__product__audience=Audience.KIDS
    ).exists()


def product_card(
    product: Product, *, language: str, offers: list[Offer] | None = None
) -> dict[str, Any]:
    if offers is None:
        offers = list(offers_active().prefetch_related("products"))
    offer = best_offer_for(product, offers)
    card: dict[str, Any] = {
        "sku": product.sku,
        "name": product.name(language),
        "category": product.category,
        "audience": product.audience,
        "material": product.material.name(language),
        "fibre_type": product.material.fibre_type,
        "price": str(product.price),
        "sizes": list(product.sizes),
        "colours": list(product.colours),
        "image": product.image.url if product.image else "",
        "published": product.published,
        "new": bool(
            product.new_arrival_date
            and product.new_arrival_date
            >= timezone.localdate() - dt.timedelta(days=NEW_ARRIVAL_DAYS)
        ),
    }
    if offer is not None:
        discounted = product.price * (100 - offer.discount_percent) / 100
        card["offer_price"] = str(discounted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        card["offer_label"] = f"-{offer.discount_percent}%"
    return card


def product_price_now(product: Product, *, offers: list[Offer] | None = None) -> Decimal:
    """What one item costs today: the best running offer applied to the list price."""
    if offers is None:
        offers = list(offers_active().prefetch_related("products"))
    offer = best_offer_for(product, offers)
    if offer is None:
        return product.price
    discounted = product.price * (100 - offer.discount_percent) / 100
    return discounted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def product_by_sku(*, sku: str) -> Product | None:
    """Any product, published or not (operators may offer new items before the site)."""
    return Product.objects.select_related("material").filter(sku=sku).first()


ORDER_STATUS_TOKEN_SALT = "shop.order-status"


def order_status_token(order: Order) -> str:
    """The signed part of the order status link (no expiry: it is the customer's receipt)."""
    return signing.dumps(order.number, salt=ORDER_STATUS_TOKEN_SALT)


def order_status_url(order: Order) -> str:
    path = reverse("shop:order_status", kwargs={"token": order_status_token(order)})
    return f"{settings.PUBLIC_BASE_URL}{path}"


def order_by_status_token(token: str) -> Order | None:
    try:
        number = signing.loads(token, salt=ORDER_STATUS_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(number, str):
        return None
    return (
        Order.objects.select_related("customer")
        .prefetch_related("lines__product")
        .filter(number=number)
        .first()
    )


def order_summary(order: Order, *, language: str) -> dict[str, Any]:
    labels = STATUS_LABELS.get(language, STATUS_LABELS["it"])
    return {
        "number": order.number,
        "status": order.status,
        "status_label": labels[order.status],
        "created_on": timezone.localtime(order.created_at).date().isoformat(),
        "estimated_delivery": order.estimated_delivery.isoformat(),
        "total": str(order.total),
        "lines": [
            {
                "sku": line.product.sku,
                "name": line.product.name(language),
                "size": line.size,
                "colour": line.colour,
                "quantity": line.quantity,
            }
            for line in order.lines.all()
        ],
    }


def customer_orders_latest(*, customer_id: int, limit: int = 3) -> list[Order]:
    return list(
        Order.objects.filter(customer_id=customer_id)
        .prefetch_related("lines__product")
        .order_by("-created_at")[:limit]
    )


def order_find_checked(*, number: str, check: str) -> Order | None:
    """An order by its number, or the orders of a request number, only if `check` (the
    customer's e-mail or postcode) matches: nothing is revealed to a guesser."""
    check = check.strip().lower()
    if not check:
        return None
    candidates = Order.objects.select_related("customer").prefetch_related("lines__product")
    number = number.strip().upper()
    order = candidates.filter(number=number).first() or (
        candidates.filter(ticket__number=number).order_by("-created_at").first()
    )
    if order is None:
        return None
    known = {
        order.customer.email.lower(),
        order.customer.postcode.lower(),
        order.shipping_postcode.lower(),
    }
    return order if check in (known - {""}) else None
