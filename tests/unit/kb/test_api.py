"""The public search endpoint and the internal API of the bot's actions."""

from __future__ import annotations

import pytest

from kb import services
from kb.models import NodeCounter

TOKEN = {"HTTP_AUTHORIZATION": "Bearer test-actions-token"}


@pytest.fixture(autouse=True)
def token(settings):
    settings.ACTIONS_API_TOKEN = "test-actions-token"


def test_public_search_returns_published_trees_best_first(client, demo_trees):
    response = client.get("/api/kb/search", {"q": "quanto costa spedire in Sardegna", "lang": "it"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["slug"] == "shipping" and set(results[0]) == {
        "slug",
        "title",
        "score",
        "node",
    }
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_public_search_never_shows_drafts(client, draft_tree, published_tree_other):
    results = client.get("/api/kb/search", {"q": "confezione regalo", "lang": "it"}).json()
    assert [r["slug"] for r in results["results"]] == ["wrap-published"]


@pytest.fixture
def published_tree_other(reviewer):
    from tests.unit.kb.conftest import valid_content

    tree = services.tree_import(content=valid_content("wrap-published")).tree
    services.tree_publish(tree_id=tree.pk, reviewer=reviewer)
    return tree


def test_a_publish_is_searchable_at_once_without_retraining(client, draft_tree, reviewer):
    assert client.get("/api/kb/search", {"q": "gift wrap", "lang": "en"}).json() == {"results": []}
    services.tree_publish(tree_id=draft_tree.pk, reviewer=reviewer)
    (hit,) = client.get("/api/kb/search", {"q": "gift wrap", "lang": "en"}).json()["results"]
    assert (hit["slug"], hit["title"]) == ("gift-wrap", "Gift wrapping")


@pytest.mark.parametrize("params", [{"q": "x", "lang": "de"}, {"q": "x" * 501, "lang": "it"}])
def test_public_search_refuses_bad_input(client, db, params):
    response = client.get("/api/kb/search", params)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_an_empty_query_finds_nothing(client, demo_trees):
    assert client.get("/api/kb/search", {"q": "  ", "lang": "it"}).json() == {"results": []}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/internal/api/v1/kb/search?q=reso"),
        ("get", "/internal/api/v1/kb/trees/returns"),
        ("get", "/internal/api/v1/kb/trees/returns/nodes/start"),
        ("post", "/internal/api/v1/kb/trees/returns/nodes/start/match"),
        ("post", "/internal/api/v1/kb/trees/returns/nodes/start/counters"),
    ],
)
def test_the_internal_api_needs_the_service_token(client, demo_trees, method, path):
    response = getattr(client, method)(path, HTTP_AUTHORIZATION="Bearer wrong")
    assert response.status_code == 401


def test_internal_search_gives_the_thresholds_with_the_hits(client, demo_trees):
    body = client.get(
        "/internal/api/v1/kb/search",
        {"q": "how can I return what I bought online", "lang": "en", "limit": 2},
        **TOKEN,
    ).json()
    assert body["confident_score"] > body["minimum_score"] > 0
    assert body["results"][0]["slug"] == "returns" and len(body["results"]) <= 2


def test_walking_a_tree_through_the_internal_api(client, demo_trees):
    root = client.get("/internal/api/v1/kb/trees/returns", {"lang": "en"}, **TOKEN).json()
    assert root["key"] == "start" and root["kind"] == "question" and root["is_root"]
    assert root["choices"][0] == {"number": 1, "label": "Return an item", "target": "where-bought"}

    match = client.post(
        "/internal/api/v1/kb/trees/returns/nodes/where-bought/match",
        {"text": "I ordered it on the website", "lang": "en"},
        content_type="application/json",
        **TOKEN,
    ).json()["match"]
    assert match["target"] == "online-return"

    answer = client.get(
        "/internal/api/v1/kb/trees/returns/nodes/online-return", {"lang": "it"}, **TOKEN
    ).json()
    assert "30 giorni" in answer["text"] and "<strong>30 giorni" in answer["html"]
    assert answer["attachments"][0]["content_type"] == "application/pdf"
    assert answer["version"] == 1 and answer["team"] is not None

    response = client.post(
        "/internal/api/v1/kb/trees/returns/nodes/online-return/counters",
        {"event": "resolved"},
        content_type="application/json",
        **TOKEN,
    )
    assert response.status_code == 200
    assert NodeCounter.objects.get(node_key="online-return").resolved == 1


def test_no_match_is_null_not_an_error(client, demo_trees):
    body = client.post(
        "/internal/api/v1/kb/trees/returns/nodes/start/match",
        {"text": "la pizza margherita", "lang": "it"},
        content_type="application/json",
        **TOKEN,
    ).json()
    assert body["match"] is None


@pytest.mark.parametrize(
    "path",
    [
        "/internal/api/v1/kb/trees/nope",
        "/internal/api/v1/kb/trees/returns/nodes/nope",
    ],
)
def test_unknown_trees_and_nodes_are_404(client, demo_trees, path):
    assert client.get(path, **TOKEN).status_code == 404


def test_a_draft_only_tree_is_404_for_the_bot(client, draft_tree):
    assert client.get("/internal/api/v1/kb/trees/gift-wrap", **TOKEN).status_code == 404


@pytest.mark.parametrize(
    "body", ['{"event": "liked"}', "not json", "[1, 2]", '{"event": "visit", "pad": "' + "x" * 5000]
)
def test_counters_refuse_bad_bodies(client, demo_trees, body):
    response = client.post(
        "/internal/api/v1/kb/trees/returns/nodes/start/counters",
        body,
        content_type="application/json",
        **TOKEN,
    )
    assert response.status_code == 400
