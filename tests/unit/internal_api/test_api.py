"""The internal API the bot's actions call: token, filters, and what it never reveals."""

from __future__ import annotations

import pytest

from crm.models import Customer

TOKEN = "test-actions-token"


@pytest.fixture
def api(client, settings):
    settings.ACTIONS_API_TOKEN = TOKEN

    def get(path: str, **params):
        return client.get(f"/internal/api/v1/{path}", params, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    return get


def mario() -> Customer:
    return Customer.objects.get(email="mario.rossi@example.it", verified=True)


def test_every_endpoint_needs_the_token(client, demo):
    for path in ("products", "offers", "products/kids-new", f"customers/{mario().pk}/orders"):
        assert client.get(f"/internal/api/v1/{path}").status_code == 401


def test_kids_wool_pullovers_are_only_kids_wool_pullovers(api, demo):
    body = api("products", category="pullover", audience="kids", material="wool", lang="it").json()
    assert body["products"]
    for card in body["products"]:
        assert (card["category"], card["audience"], card["material"]) == (
            "pullover",
            "kids",
            "lana",
        )
        assert card["published"] is True


def test_items_on_offer_come_first(api, demo):
    cards = api("products", category="scarf").json()["products"]
    flags = ["offer_price" in card for card in cards]
    assert any(flags) and flags == sorted(flags, reverse=True)


def test_an_unknown_filter_value_is_a_clear_400(api, demo):
    response = api("products", category="spaceship")
    assert response.status_code == 400
    assert "category='spaceship'" in response.json()["detail"]


def test_offers_include_the_upcoming_june_pullover_offer(api, demo):
    offers = api("offers", category="pullover", lang="it").json()["offers"]
    june = [o for o in offers if o["starts_on"].endswith("-06-01")]
    assert june and june[0]["active"] is False and june[0]["discount_percent"] == 20


def test_mario_is_known_to_have_bought_for_kids(api, demo):
    body = api(f"customers/{mario().pk}").json()
    assert body["bought_for_kids"] is True and body["audience_default"] == "man"


def test_an_order_is_revealed_only_with_the_matching_email_or_postcode(api, demo):
    order = mario().orders.first()
    assert api(f"orders/{order.number}", check="someone@else.it").status_code == 404
    assert api(f"orders/{order.number}").status_code == 404
    ok = api(f"orders/{order.number}", check="MARIO.ROSSI@example.it", lang="en")
    assert ok.status_code == 200 and ok.json()["order"]["number"] == order.number
    assert ok.json()["order"]["status_label"] in {"received", "paid", "shipped", "delivered"}


def test_a_customers_latest_orders_newest_first(api, demo):
    orders = api(f"customers/{mario().pk}/orders", lang="it").json()["orders"]
    assert len(orders) == 3
    assert [o["created_on"] for o in orders] == sorted(
        (o["created_on"] for o in orders), reverse=True
    )
