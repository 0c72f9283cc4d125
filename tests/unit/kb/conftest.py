"""Fixtures of the knowledge-base tests: uploads in a temporary folder, authors, reviewers,
a small valid tree, the demo trees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from kb import search, services
from kb.models import Tree

AUTHOR_PERMISSIONS = ("view_tree", "add_tree", "change_tree")
REVIEWER_PERMISSIONS = ("view_tree", "change_tree", "publish_tree")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_search_index():
    # Test transactions roll back, so version ids repeat between tests.
    search.index_reset()
    yield
    search.index_reset()


def give(user, *codenames: str):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="kb", codename__in=codenames)
    )
    # Django caches permissions on the instance: read them again.
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def author(make_operator):
    return give(make_operator("giulia"), *AUTHOR_PERMISSIONS)


@pytest.fixture
def reviewer(make_operator):
    return give(make_operator("anna"), *REVIEWER_PERMISSIONS)


def valid_content(slug: str = "gift-wrap") -> dict:
    """A small tree the linter accepts: a question with two answers, one reused."""
    return {
        "slug": slug,
        "team": None,
        "title": {"it": "Confezione regalo", "en": "Gift wrapping"},
        "examples": {
            "it": ["Potete fare un pacchetto regalo?"],
            "en": ["Can you gift wrap my order?"],
        },
        "root": "start",
        "nodes": [
            {
                "key": "start",
                "kind": "question",
                "text": {"it": "Per quale acquisto?", "en": "For which purchase?"},
                "choices": [
                    {
                        "label": {"it": "Online", "en": "Online"},
                        "synonyms": {"it": ["sito"], "en": ["website"]},
                        "target": "online",
                    },
                    {
                        "label": {"it": "In negozio", "en": "In a shop"},
                        "synonyms": {"it": [], "en": []},
                        "target": "shop",
                    },
                ],
            },
            {
                "key": "online",
                "kind": "answer",
                "text": {
                    "it": "Scegli **confezione regalo** nel carrello: costa 2 €.",
                    "en": "Choose **gift wrapping** in the basket: it costs €2.",
                },
                "attachments": [],
                "followup": None,
            },
            {
                "key": "shop",
                "kind": "answer",
                "text": {"it": "In negozio è gratis.", "en": "In our shops it is free."},
                "attachments": [],
                "followup": {"action": "shop_assistant", "filter": {}},
            },
        ],
    }


@pytest.fixture
def draft_tree(db) -> Tree:
    """The small valid tree as a draft, never published."""
    return services.tree_import(content=valid_content()).tree


@pytest.fixture
def published_tree(draft_tree, reviewer) -> Tree:
    services.tree_publish(tree_id=draft_tree.pk, reviewer=reviewer, comment="first")
    draft_tree.refresh_from_db()
    return draft_tree


@pytest.fixture
def teams(db):
    """The teams the demo trees name as owners (shop.demo creates them in a real install)."""
    from crm.models import Team

    return [
        Team.objects.create(name=name, slug=slug)
        for slug, name in [
            ("assistenza-commerciale", "Assistenza Commerciale"),
            ("customer-care", "Customer Care"),
            ("amministrazione", "Amministrazione"),
        ]
    ]


@pytest.fixture
def demo_trees(teams):
    services.demo_trees_load()
    return Tree.objects.all()
