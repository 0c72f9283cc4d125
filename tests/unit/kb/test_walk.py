"""Walking a tree: free text → a choice (numbers, labels, synonyms, lemmas)."""

from __future__ import annotations

import pytest

from kb import selectors


@pytest.mark.parametrize(
    ("node", "lang", "text", "target"),
    [
        ("start", "it", "2", "exchange"),
        ("start", "it", "Restituire un articolo", "where-bought"),
        ("start", "it", "reso", "where-bought"),
        ("start", "it", "vorrei fare un reso per favore", "where-bought"),
        ("start", "it", "il capo è arrivato rotto", "faulty"),
        ("start", "en", "where's my refund?", "refund-status"),
        ("where-bought", "it", "l'ho comprato in negozio", "store-return"),
        ("where-bought", "en", "on the website", "online-return"),
    ],
)
def test_free_text_picks_the_choice_it_means(demo_trees, node, lang, text, target):
    match = selectors.choice_match(slug="returns", node_key=node, text=text, language=lang)
    assert match is not None and match.target == target, match


@pytest.mark.parametrize("text", ["", "9", "qualcosa di completamente diverso", "?!"])
def test_unrelated_text_matches_nothing(demo_trees, text):
    assert (
        selectors.choice_match(slug="returns", node_key="start", text=text, language="it") is None
    )


def test_a_node_view_has_plain_text_and_sanitised_html(demo_trees):
    view = selectors.tree_node(slug="shipping", node_key="costs", language="en")
    assert "<table>" in view.html and "€4.90" in view.text and "<" not in view.text
    root = selectors.tree_node(slug="shipping", node_key=None, language="en")
    assert root.key == "start" and root.title == "Shipping and delivery"
