"""Reads of the knowledge base (no side effects).

The customer-facing reads (`tree_node`, `choice_match`, kb.search.kb_search) see only
PUBLISHED versions; the authoring reads see drafts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kb import walk
from kb.content import LANGUAGES, SCHEMA, lines
from kb.models import NodeCounter, Tree, TreeVersion
from kb.walk import ChoiceMatch, NodeNotFound, NodeView

__all__ = ["NodeNotFound", "TreeNotFound", "tree_node", "choice_match"]


class TreeNotFound(LookupError):
    pass


# --- published content (the bot, the e-mail auto-reply, the console) -------------------


def tree_live(*, slug: str) -> TreeVersion:
    """The version customers see now, or TreeNotFound (no such tree, or never published)."""
    tree = Tree.objects.filter(slug=slug).select_related("live_version").first()
    if tree is None or tree.live_version is None:
        raise TreeNotFound(f"no published tree {slug!r}")
    return tree.live_version


def tree_node(*, slug: str, node_key: str | None, language: str) -> NodeView:
    """One node of a published tree as the customer sees it (node_key None: the start).

    Raises TreeNotFound or NodeNotFound.
    """
    _check_language(language)
    version = tree_live(slug=slug)
    return walk.node_view(
        version.content, node_key=node_key, language=language, version=version.number
    )


def choice_match(
    *, slug: str, node_key: str | None, text: str, language: str
) -> ChoiceMatch | None:
    """Which choice of a published question node the customer's free text picks, or None."""
    _check_language(language)
    version = tree_live(slug=slug)
    return walk.match_choice(version.content, node_key=node_key, text=text, language=language)


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")


# --- drafts (the editor) ------------------------------------------------------------


def tree_draft_content(*, tree: Tree) -> dict[str, Any]:
    """The draft as tree content: what a publish would freeze."""
    nodes = list(
        tree.nodes.prefetch_related("choices__target", "attachments").order_by("position", "id")
    )
    content: dict[str, Any] = {
        "schema": SCHEMA,
        "slug": tree.slug,
        "team": tree.team.slug if tree.team_id else None,
        "title": {lang: getattr(tree, f"title_{lang}") for lang in LANGUAGES},
        "examples": {lang: lines(getattr(tree, f"examples_{lang}")) for lang in LANGUAGES},
        "root": tree.root.key if tree.root_id else None,
        "nodes": [],
    }
    for node in nodes:
        item: dict[str, Any] = {
            "key": node.key,
            "kind": node.kind,
            "text": {lang: getattr(node, f"text_{lang}").strip() for lang in LANGUAGES},
        }
        if node.kind == node.Kind.QUESTION:
            item["choices"] = [
                {
                    "label": {lang: getattr(c, f"label_{lang}").strip() for lang in LANGUAGES},
                    "synonyms": {lang: lines(getattr(c, f"synonyms_{lang}")) for lang in LANGUAGES},
                    "target": c.target.key if c.target_id else None,
                }
                for c in sorted(node.choices.all(), key=lambda c: (c.position, c.id))
            ]
        else:
            item["attachments"] = [
                {
                    "name": a.name,
                    "filename": a.filename,
                    "file": a.file.name,
                    "content_type": a.content_type,
                    "size": a.size_bytes,
                    "sha256": a.sha256,
                }
                for a in sorted(node.attachments.all(), key=lambda a: (a.position, a.id))
            ]
            item["followup"] = (
                {"action": node.followup, "filter": dict(node.followup_filter or {})}
                if node.followup
                else None
            )
        content["nodes"].append(item)
    return content


def tree_has_changes(*, tree: Tree) -> bool:
    """True when the draft differs from what customers see (or nothing is published yet)."""
    if tree.live_version_id is None:
        return True
    return tree_draft_content(tree=tree) != tree.live_version.content


def tree_list(*, query: str = "", status: str = "") -> QuerySet[Tree]:
    trees = Tree.objects.select_related("team", "live_version").order_by("slug")
    if status:
        trees = trees.filter(status=status)
    for word in query.split():
        trees = trees.filter(
            Q(slug__icontains=word)
            | Q(title_it__icontains=word)
            | Q(title_en__icontains=word)
            | Q(examples_it__icontains=word)
            | Q(examples_en__icontains=word)
            | Q(nodes__text_it__icontains=word)
            | Q(nodes__text_en__icontains=word)
        ).distinct()
    return trees


def tree_versions(*, tree: Tree) -> QuerySet[TreeVersion]:
    return tree.versions.select_related("published_by").order_by("-number")


def node_counters(*, tree: Tree) -> dict[str, NodeCounter]:
    return {c.node_key: c for c in NodeCounter.objects.filter(tree=tree)}
