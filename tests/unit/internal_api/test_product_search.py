"""The bot's product search: any-of lists, exclusions, prices as paid today, sort, total."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shop.models import Product

TOKEN = "test-actions-token"


@pytest.fixture
def api(client, settings):
    settings.ACTIONS_API_TOKEN = TOKEN

    def get(path: str, **params):
        return client.get(f"/internal/api/v1/{path}", params, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    return get


def skus(body: dict) -> list[str]:
    return [card["sku"] for card in body["products"]]


def paid(card: dict) -> Decimal:
    return Decimal(card.get("offer_price", card["price"]))


def test_colours_are_any_of(api, demo):
    body = api("products", category="pullover", audience="woman", colors="red,burgundy", limit=24)
    cards = body.json()["products"]
    assert {"PUL-W-005", "PUL-W-001"} <= {c["sku"] for c in cards}  # red only, burgundy only
    assert all({"red", "burgundy"} & set(c["colours"]) for c in cards)


def test_an_unknown_colour_matches_nothing_but_is_no_error(api, demo):
    response = api("products", colors="octarine")
    assert response.status_code == 200
    assert response.json()["products"] == [] and response.json()["total"] == 0
    mixed = api("products", colors="octarine,RED", limit=24).json()
    assert mixed["products"] and all("red" in c["colours"] for c in mixed["products"])


def test_the_single_colour_still_works(api, demo):
    cards = api("products", color="red", limit=24).json()["products"]
    assert cards and all("red" in c["colours"] for c in cards)


def test_materials_are_any_of(api, demo):
    cards = api("products", materials="wool,merino", limit=24, lang="en").json()["products"]
    assert {c["material"] for c in cards} == {"wool", "merino wool"}


def test_no_wool_means_no_wool_merino_or_wool_blend(api, demo):
    body = api(
        "products", category="pullover", exclude_materials="wool,merino,wool-blend", limit=24
    ).json()
    found = set(skus(body))
    assert found and body["total"] == len(found)
    woolly = set(
        Product.objects.filter(material__code__in=("wool", "merino", "wool-blend")).values_list(
            "sku", flat=True
        )
    )
    assert not found & woolly
    assert "PUL-W-003" in found  # cashmere is not wool


def test_max_price_compares_the_price_paid_today(api, demo):
    # The alpaca scarf lists at 55.00 and is 15% off: 46.75 today.
    cards = api("products", category="scarf", max_price="50").json()["products"]
    assert "SCA-M-002" in {c["sku"] for c in cards}
    assert all(paid(c) <= 50 for c in cards)
    assert "SCA-W-001" not in {c["sku"] for c in cards}  # silk, 59.00, no offer


def test_min_price_compares_the_price_paid_today(api, demo):
    # The cashmere scarf lists at 99.00 but costs 84.15 today.
    assert "SCA-W-002" not in skus(api("products", category="scarf", min_price="90").json())
    both = api("products", category="scarf", min_price="80", max_price="85").json()
    assert skus(both) == ["SCA-W-002"] and both["total"] == 1


@pytest.mark.parametrize(("sort", "descending"), [("price", False), ("-price", True)])
def test_sort_by_price_both_ways(api, demo, sort, descending):
    cards = api("products", category="scarf", sort=sort, limit=24).json()["products"]
    prices = [paid(c) for c in cards]
    assert len(prices) > 2 and prices == sorted(prices, reverse=descending)


def test_cheapest_first_is_the_cheapest_of_all_matches(api, demo):
    body = api("products", audience="woman", sort="price", limit=1).json()
    everything = api("products", audience="woman", limit=24).json()
    assert paid(body["products"][0]) == min(paid(c) for c in everything["products"])


def test_total_counts_all_matches_before_the_limit(api, demo):
    body = api("products", category="pullover", audience="woman", limit=2).json()
    expected = Product.objects.filter(
        category="pullover", audience="woman", published=True, stock__gt=0
    ).count()
    assert len(body["products"]) == 2 and body["total"] == expected > 2
    assert api("products", category="pullover", limit=0).json()["products"] == []


def test_a_minimum_above_the_maximum_finds_nothing(api, demo):
    response = api("products", min_price="50", max_price="49.99")
    assert response.status_code == 200 and response.json()["total"] == 0


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"materials": "wool,spaceship"}, "materials: 'spaceship'"),
        ({"exclude_materials": "velvet"}, "exclude_materials: 'velvet'"),
        ({"material": "velvet"}, "material='velvet'"),
        ({"min_price": "cheap"}, "min_price must be a number"),
        ({"max_price": "-5"}, "max_price must be a number of at least 0"),
        ({"max_price": "NaN"}, "max_price must be a number of at least 0"),
        ({"limit": "lots"}, "limit must be a whole number"),
        ({"limit": "-1"}, "limit must be a whole number"),
        ({"sort": "name"}, "sort='name'"),
    ],
)
def test_bad_parameters_are_a_clear_400(api, demo, params, detail):
    response = api("products", **params)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_query" and detail in response.json()["detail"]
