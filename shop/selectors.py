"""Reads of the shop: catalog filters, offers, orders (no side effects).

`product_card` is the one shape of a product shown to a customer (bot proposals,
operator pushes): the widget renders exactly these fields.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
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
SORT_ORDERS = ("", "price", "-price")  # "": on offer first, then new arrivals, then price
LOW_STOCK_MAX = 5  # at most this many items left: "low" stock
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
    """What a customer or an operator asks for. Every field narrows the result;
    the tuples are any-of lists (`exclude_materials`: none-of). Prices compare what
    an item costs today (`product_price_now`), offers applied."""

    category: str = ""
    audience: str = ""
    size: str = ""
    color: str = ""
    colors: tuple[str, ...] = ()
    material: str = ""
    materials: tuple[str, ...] = ()
    exclude_materials: tuple[str, ...] = ()
    fibre_type: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    on_offer: bool = False
    include_unpublished: bool = False
    in_stock: bool = True
    sort: str = ""  # one of SORT_ORDERS


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
    """Products for a filter, in the filter's order (see `products_search`)."""
    found, _ = products_search(flt, limit=limit)
    return found


def products_search(flt: CatalogFilter, *, limit: int | None = 12) -> tuple[list[Product], int]:
    """The first `limit` products for a filter and how many match in all.

    Default order: items on offer first, then new arrivals, then by price;
    `sort="price"` cheapest first, `sort="-price"` most expensive first.
    """
    if flt.sort not in SORT_ORDERS:
        raise ValueError(f"sort must be one of {SORT_ORDERS}")
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
    if flt.materials:
        products = products.filter(material__code__in=flt.materials)
    if flt.exclude_materials:
        products = products.exclude(material__code__in=flt.exclude_materials)
    if flt.fibre_type:
        products = products.filter(material__fibre_type=flt.fibre_type)
    if flt.min_price is not None:
        # An offer only lowers a price: below the minimum at list price, below it today.
        products = products.filter(price__gte=flt.min_price)
    candidates = list(products.order_by("price", "sku"))
    # JSON list membership in Python: portable across SQLite and PostgreSQL.
    if flt.size:
        candidates = [p for p in candidates if flt.size.lower() in _lowered(p.sizes)]
    if flt.color:
        candidates = [p for p in candidates if flt.color.lower() in _lowered(p.colours)]
    if flt.colors:
        wanted = {c.lower() for c in flt.colors}
        candidates = [p for p in candidates if wanted & _lowered(p.colours)]
    offers = list(offers_active().prefetch_related("products"))
    price_now = {p.pk: product_price_now(p, offers=offers) for p in candidates}
    if flt.min_price is not None:
        candidates = [p for p in candidates if price_now[p.pk] >= flt.min_price]
    if flt.max_price is not None:
        candidates = [p for p in candidates if price_now[p.pk] <= flt.max_price]
    on_offer = {p.pk for p in candidates if best_offer_for(p, offers)}
    if flt.on_offer:
        candidates = [p for p in candidates if p.pk in on_offer]
    if flt.sort == "price":
        candidates.sort(key=lambda p: (price_now[p.pk], p.sku))
    elif flt.sort == "-price":
        candidates.sort(key=lambda p: (-price_now[p.pk], p.sku))
    else:
        candidates.sort(key=lambda p: (p.pk not in on_offer, p.new_arrival_date is None))
    return candidates[:limit], len(candidates)


def _lowered(values: list[str]) -> set[str]:
    return {str(v).lower() for v in values}


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


# --- one product asked about in free text ------------------------------------------------

LOOKUP_LIMIT = 3
# A name matches when the text holds at least this share of the name's words, and at
# least two of them (or all, for a one-word name): "pullover" alone names no product.
LOOKUP_MIN_SCORE = 0.6
LOOKUP_MIN_WORDS = 2
_SKU_SEPARATOR = r"[\s._-]?"  # "PUL-W-003", "pul w 003", "PULW003"
_WORD = re.compile(r"[^\W_]+")
STOP_WORDS = frozenset(
    # Italian
    "il lo la gli le un uno una di da in con su per tra fra del della dello dei degli delle"
    " al allo alla ai agli alle dal dalla dai nel nella nei nelle sul sulla col che chi cosa"
    " come quanto quanta quanti quante costa costano mi ti si ci vi ne non ma anche se"
    " questo questa questi queste quello quella quelli quelle avete hai ha hanno ho sono"
    " era vostro vostra vostri vostre mio mia tuo tua suo sua ed"
    # English
    " the an of on with for to and or is are was it its this that these those do does did"
    " you your have has had what which how much many any my me can could would there"
    " be by at from as about".split()
)


def products_lookup(*, text: str, limit: int = LOOKUP_LIMIT) -> list[tuple[Product, float]]:
    """The published products a customer's sentence is about, best first, with a score
    in 0..1: every SKU written in the text (score 1, in the order written), else the
    products whose name (Italian or English) shares enough words with the text."""
    published = list(Product.objects.select_related("material").filter(published=True))
    by_position = sorted(
        (match.start(), product.sku, product)
        for product in published
        if (match := _sku_pattern(product.sku).search(text))
    )
    if by_position:
        return [(product, 1.0) for _, _, product in by_position[:limit]]
    said = _stems(text)
    scored = []
    for product in published:
        score, shared = max(_name_score(product.name(lang), said) for lang in ("it", "en"))
        if score >= LOOKUP_MIN_SCORE:
            scored.append((score, shared, product))
    scored.sort(key=lambda s: (-s[0], -s[1], s[2].sku))
    return [(product, round(score, 2)) for score, _, product in scored[:limit]]


def _sku_pattern(sku: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in re.findall(r"[A-Za-z]+|\d+", sku)]
    return re.compile(rf"(?<![^\W_]){_SKU_SEPARATOR.join(parts)}(?![^\W_])", re.IGNORECASE)


def _name_score(name: str, said: set[str]) -> tuple[float, int]:
    """(share of the name's words in the text, how many); 0 below LOOKUP_MIN_WORDS."""
    words = _stems(name)
    shared = len(words & said)
    if not words or shared < min(LOOKUP_MIN_WORDS, len(words)):
        return 0.0, shared
    return shared / len(words), shared


def _stems(text: str) -> set[str]:
    """Content words, accents folded and crudely stemmed so that plurals and the
    Italian endings meet: "sciarpe"/"sciarpa", "pullovers"/"pullover"."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return {
        _stem(word) for word in _WORD.findall(folded) if len(word) > 1 and word not in STOP_WORDS
    }


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("s"):
        word = word[:-1]
    if len(word) > 4 and word[-1] in "aeio":
        word = word[:-1]
    return word


def product_details(
    product: Product, *, language: str, offers: list[Offer] | None = None
) -> dict[str, Any]:
    """A product card plus what a customer asks about one product: the description,
    whether it is in stock (never the number) and the offer that applies."""
    if offers is None:
        offers = list(offers_active().prefetch_related("products"))
    offer = best_offer_for(product, offers)
    if product.stock <= 0:
        stock_level = "out"
    elif product.stock <= LOW_STOCK_MAX:
        stock_level = "low"
    else:
        stock_level = "available"
    return {
        **product_card(product, language=language, offers=offers),
        "description": product.description_en if language == "en" else product.description_it,
        "in_stock": product.stock > 0,
        "stock_level": stock_level,
        "offer": (
            None
            if offer is None
            else {"label": f"-{offer.discount_percent}%", "ends_on": offer.ends_on.isoformat()}
        ),
    }


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
