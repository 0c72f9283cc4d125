"""The catalogue selectors: one place filters, the count comes with the page."""

from __future__ import annotations

from shop import selectors
from shop.models import Product


def test_products_matching_keeps_its_signature_and_order(demo):
    flt = selectors.CatalogFilter(category="scarf")
    found, total = selectors.products_search(flt, limit=2)
    assert selectors.products_matching(flt, limit=2) == found and total > 2
    assert len(selectors.products_matching(flt, limit=None)) == total


def test_colour_lists_and_the_single_colour_narrow_together(demo):
    flt = selectors.CatalogFilter(color="grey", colors=("red", "burgundy"), category="scarf")
    found = selectors.products_matching(flt, limit=None)
    assert {p.sku for p in found} == {"SCA-W-002", "SCA-W-003", "SCA-M-001"}


def test_stock_levels(demo):
    product = Product.objects.get(sku="PUL-M-003")
    levels = []
    for stock in (0, selectors.LOW_STOCK_MAX, selectors.LOW_STOCK_MAX + 1):
        product.stock = stock
        details = selectors.product_details(product, language="en")
        levels.append((details["in_stock"], details["stock_level"]))
    assert levels == [(False, "out"), (True, "low"), (True, "available")]


def test_plurals_and_italian_endings_meet():
    assert selectors._stems("Sciarpe in lana") == selectors._stems("sciarpa lana")
    assert selectors._stems("the pullovers") == selectors._stems("Pullover")


def test_several_skus_come_in_the_order_written(demo):
    found = selectors.products_lookup(text="meglio SCA-M-001 o pul-w-001?")
    assert [(p.sku, score) for p, score in found] == [("SCA-M-001", 1.0), ("PUL-W-001", 1.0)]


def test_the_better_name_match_comes_first(demo):
    found = selectors.products_lookup(text="the merino V-neck pullover for men")
    assert found[0][0].sku == "PUL-M-002"
    assert [score for _, score in found] == sorted((s for _, s in found), reverse=True)
