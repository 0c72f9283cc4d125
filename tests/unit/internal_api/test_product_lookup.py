"""Questions about one product: an SKU anywhere in the sentence, else its name."""

from __future__ import annotations

import pytest

TOKEN = "test-actions-token"


@pytest.fixture
def lookup(client, settings):
    settings.ACTIONS_API_TOKEN = TOKEN

    def get(q: str | None, lang: str = "it"):
        params = {"lang": lang} if q is None else {"q": q, "lang": lang}
        return client.get(
            "/internal/api/v1/products/lookup", params, HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
        )

    return get


def skus(response) -> list[str]:
    assert response.status_code == 200
    return [p["sku"] for p in response.json()["products"]]


def test_the_lookup_needs_the_token(client, demo):
    assert client.get("/internal/api/v1/products/lookup", {"q": "PUL-W-003"}).status_code == 401


@pytest.mark.parametrize("q", ["il PUL-W-003 è di cashmere?", "pul-w-003", "PULW003", "pul w 003"])
def test_an_sku_anywhere_in_the_sentence(lookup, demo, q):
    assert skus(lookup(q)) == ["PUL-W-003"]


def test_the_answer_holds_the_card_the_description_stock_and_offer(lookup, demo):
    (product,) = lookup("il PUL-W-003 è di cashmere?").json()["products"]
    assert product["name"] == "Dolcevita in cashmere" and product["material"] == "cashmere"
    assert product["description"] == "Puro cashmere, collo alto morbido."
    assert (product["in_stock"], product["stock_level"]) == (True, "available")
    assert "offer" in product and "price" in product and "colours" in product


def test_an_unpublished_sku_is_not_revealed(lookup, demo):
    assert "PUL-W-009" not in skus(lookup("quando arriva il PUL-W-009?"))


def test_by_english_name(lookup, demo):
    products = lookup("is the ribbed merino pullover itchy?", lang="en").json()["products"]
    assert products[0]["sku"] == "PUL-W-002" and products[0]["score"] == 1.0
    assert products[0]["description"] == "Extra-fine merino, light and never itchy."
    assert len(products) <= 3


def test_by_italian_name_with_the_offer(lookup, demo):
    products = lookup("la sciarpa in cashmere è in offerta?").json()["products"]
    assert products[0]["sku"] == "SCA-W-002"
    assert products[0]["offer"]["label"] == "-15%" and products[0]["offer"]["ends_on"]
    assert products[0]["offer_price"] == "84.15"


def test_out_of_stock_is_said_so(lookup, demo):
    products = lookup("the long cashmere cardigan", lang="en").json()["products"]
    assert products[0]["sku"] == "CAR-W-002"
    assert (products[0]["in_stock"], products[0]["stock_level"]) == (False, "out")
    assert products[0]["offer"] is None


@pytest.mark.parametrize("q", ["spedite su Marte?", "pullover", "do you sell wool?"])
def test_nothing_fits_gives_an_empty_list(lookup, demo, q):
    assert skus(lookup(q)) == []


def test_no_question_is_a_400(lookup, demo):
    assert lookup(None).status_code == 400
    assert lookup("   ").status_code == 400
