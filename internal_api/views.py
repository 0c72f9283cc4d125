"""The versioned JSON API the bot's actions call (service token, never public).

Transport only: validate the query, call shop/crm selectors, shape JSON. Documented
in docs/internal-api.md.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from crm.models import Customer
from internal_api.auth import service_token_required
from shop import selectors
from shop.models import Audience, Category, Material

API_VERSION = "1"
LANGUAGES = ("it", "en")
AUDIENCE_BY_SALUTATION = {"mr": Audience.MAN, "ms": Audience.WOMAN}
PRODUCTS_LIMIT_DEFAULT = 6
PRODUCTS_LIMIT_MAX = 24
LIST_MAX_VALUES = 20  # in one any-of/none-of parameter
LOOKUP_TEXT_MAX_CHARS = 500


class BadQuery(Exception):
    pass


def _language(request: HttpRequest) -> str:
    language = request.GET.get("lang", "it")
    if language not in LANGUAGES:
        raise BadQuery(f"lang must be one of {', '.join(LANGUAGES)}")
    return language


def _choice(request: HttpRequest, name: str, allowed: set[str]) -> str:
    value = request.GET.get(name, "").strip()
    if value and value not in allowed:
        raise BadQuery(f"{name}={value!r} is not one of {', '.join(sorted(allowed))}")
    return value


def _choices(request: HttpRequest, name: str, allowed: set[str]) -> tuple[str, ...]:
    """A comma-separated list (`materials=wool,merino`); every value must be known."""
    values = _list(request, name)
    for value in values:
        if value not in allowed:
            raise BadQuery(f"{name}: {value!r} is not one of {', '.join(sorted(allowed))}")
    return values


def _list(request: HttpRequest, name: str, *, max_chars: int = 20) -> tuple[str, ...]:
    values = tuple(
        dict.fromkeys(v.strip() for v in request.GET.get(name, "").split(",") if v.strip())
    )
    if len(values) > LIST_MAX_VALUES:
        raise BadQuery(f"{name} takes at most {LIST_MAX_VALUES} values")
    return tuple(v[:max_chars] for v in values)


def _price(request: HttpRequest, name: str) -> Decimal | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        price = Decimal(value)
    except InvalidOperation:
        raise BadQuery(f"{name} must be a number") from None
    if not price.is_finite() or price < 0:
        raise BadQuery(f"{name} must be a number of at least 0")
    return price


def _count(request: HttpRequest, name: str, *, default: int, maximum: int) -> int:
    value = request.GET.get(name, "").strip()
    if not value:
        return default
    if not value.isdecimal():
        raise BadQuery(f"{name} must be a whole number of at least 0")
    return min(int(value), maximum)


def _api(view):
    """Service token, GET only, BadQuery → 400 with a clear detail."""

    @require_GET
    @service_token_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        try:
            body = view(request, *args, **kwargs)
        except BadQuery as exc:
            return JsonResponse({"error": "bad_query", "detail": str(exc)}, status=400)
        if isinstance(body, JsonResponse):
            return body
        return JsonResponse({"api_version": API_VERSION, **body})

    wrapper.__name__ = view.__name__
    return wrapper


def _not_found(detail: str) -> JsonResponse:
    return JsonResponse({"error": "not_found", "detail": detail}, status=404)


@_api
def customer_detail(request: HttpRequest, customer_id: int):
    """What the bot may say to an identified customer, and what it may assume."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        return _not_found("no such customer")
    return {
        "id": customer.pk,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "salutation": customer.salutation_label(),
        "language": customer.language,
        "audience_default": AUDIENCE_BY_SALUTATION.get(customer.salutation, ""),
        "bought_for_kids": selectors.customer_bought_for_kids(customer_id=customer.pk),
    }


@_api
def customer_orders(request: HttpRequest, customer_id: int):
    language = _language(request)
    if not Customer.objects.filter(pk=customer_id).exists():
        return _not_found("no such customer")
    orders = selectors.customer_orders_latest(customer_id=customer_id)
    return {"orders": [selectors.order_summary(o, language=language) for o in orders]}


@_api
def order_detail(request: HttpRequest, number: str):
    """An order (or a request number's latest order) only with a matching e-mail/postcode."""
    language = _language(request)
    order = selectors.order_find_checked(number=number, check=request.GET.get("check", ""))
    if order is None:  # same answer for "no such order" and "wrong check"
        return _not_found("no order with that number and check")
    return {"order": selectors.order_summary(order, language=language)}


@_api
def products(request: HttpRequest):
    """Published, in-stock product cards for a filter; `total` counts all matches."""
    language = _language(request)
    materials = set(Material.objects.values_list("code", flat=True))
    flt = selectors.CatalogFilter(
        category=_choice(request, "category", set(Category.values)),
        audience=_choice(request, "audience", set(Audience.values)),
        material=_choice(request, "material", materials),
        materials=_choices(request, "materials", materials),
        exclude_materials=_choices(request, "exclude_materials", materials),
        fibre_type=_choice(request, "fibre_type", set(Material.FibreType.values)),
        size=request.GET.get("size", "").strip()[:10],
        color=request.GET.get("color", "").strip()[:20],
        # Not checked against a list: an unknown colour simply matches nothing.
        colors=_list(request, "colors"),
        # min_price above max_price is no error: nothing costs that ("cheaper than the
        # cheapest shown" may cross a minimum the customer gave before).
        min_price=_price(request, "min_price"),
        max_price=_price(request, "max_price"),
        on_offer=request.GET.get("on_offer") == "1",
        sort=_choice(request, "sort", set(selectors.SORT_ORDERS) - {""}),
    )
    limit = _count(request, "limit", default=PRODUCTS_LIMIT_DEFAULT, maximum=PRODUCTS_LIMIT_MAX)
    found, total = selectors.products_search(flt, limit=limit)
    offers = list(selectors.offers_active().prefetch_related("products"))
    return {
        "products": [selectors.product_card(p, language=language, offers=offers) for p in found],
        "total": total,
    }


@_api
def product_lookup(request: HttpRequest):
    """The products one question is about: an SKU written anywhere in `q`, else names."""
    language = _language(request)
    text = request.GET.get("q", "").strip()[:LOOKUP_TEXT_MAX_CHARS]
    if not text:
        raise BadQuery("q is required")
    found = selectors.products_lookup(text=text)
    offers = list(selectors.offers_active().prefetch_related("products"))
    return {
        "products": [
            {**selectors.product_details(p, language=language, offers=offers), "score": score}
            for p, score in found
        ]
    }


@_api
def kids_new_arrivals(request: HttpRequest):
    language = _language(request)
    found = selectors.kids_new_arrivals()
    return {"products": [selectors.product_card(p, language=language) for p in found]}


@_api
def offers(request: HttpRequest):
    language = _language(request)
    category = _choice(request, "category", set(Category.values))
    today = timezone.localdate()
    found = selectors.offers_current_and_upcoming(category=category)
    return {
        "offers": [
            {
                "name": offer.name_en if language == "en" else offer.name_it,
                "description": offer.description_en if language == "en" else offer.description_it,
                "category": offer.category,
                "discount_percent": offer.discount_percent,
                "starts_on": offer.starts_on.isoformat(),
                "ends_on": offer.ends_on.isoformat(),
                "active": offer.starts_on <= today,
            }
            for offer in found
        ]
    }
