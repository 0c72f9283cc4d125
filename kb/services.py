"""State changes of the knowledge base: draft edits, review, publish, rollback, import, counters.

The workflow (docs/kb-authoring.md):

    draft ──submit──▶ in_review ──publish──▶ published ──any edit──▶ draft
      ▲                  │ send back (comment) / withdraw
      └──────────────────┘

A publish freezes the draft into a new TreeVersion after the linter found nothing;
a rollback publishes a copy of an older version as a new version and resets the
draft to it. The search index follows by itself (kb.search keys it on the versions).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from crm.models import Team
from kb import permissions, search
from kb.attachments import AttachmentRejected, attachment_store
from kb.content import (
    LANGUAGES,
    SCHEMA,
    ContentError,
    content_from_yaml,
    nodes_by_key,
)
from kb.lint import Finding, lint
from kb.models import Attachment, Choice, Node, NodeCounter, Tree, TreeVersion
from kb.selectors import TreeNotFound, tree_draft_content, tree_live
from kb.walk import NodeNotFound

__all__ = [
    "AttachmentRejected",
    "ContentError",
    "NotAllowed",
    "NothingToPublish",
    "PublishBlocked",
    "TreeLocked",
    "WrongState",
]

DEMO_TREES_DIR = Path(__file__).resolve().parent / "demo_trees"
COUNTER_FIELDS = {"visit": "visits", "resolved": "resolved", "escalated": "escalated"}
_UNCHANGED: Any = object()


class KbError(Exception):
    pass


class PublishBlocked(KbError):
    """The linter found problems; nothing was published (or submitted)."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        codes = ", ".join(sorted({f.code for f in findings}))
        super().__init__(f"{len(findings)} linter finding(s) block publishing: {codes}")


class NothingToPublish(KbError):
    pass


class TreeLocked(KbError):
    """The tree is in review: withdraw it (author) or send it back (reviewer) to edit."""


class WrongState(KbError):
    pass


class NotAllowed(PermissionDenied):
    pass


def _require(user: Any, check: Callable[[Any], bool], action: str) -> None:
    if user is None or not check(user):
        raise NotAllowed(f"{getattr(user, 'username', 'nobody')} may not {action}")


def _file_exists(path: str) -> bool:
    return default_storage.exists(path)


def tree_lint(*, tree: Tree) -> list[Finding]:
    """The linter over the draft, attachments checked in storage (what publish will say)."""
    return lint(tree_draft_content(tree=tree), file_exists=_file_exists)


# --- editing the draft -------------------------------------------------------------


def _editable(tree_id: int, author: Any) -> Tree:
    """Lock the tree row for an edit; refuse while it is in review."""
    _require(author, permissions.can_edit, "edit knowledge-base trees")
    tree = Tree.objects.select_for_update().get(pk=tree_id)
    if tree.status == Tree.Status.IN_REVIEW:
        raise TreeLocked(f"{tree.slug} is in review: withdraw it or have it sent back to edit")
    return tree


def _touched(tree: Tree) -> None:
    tree.status = Tree.Status.DRAFT
    tree.save(update_fields=["status", "updated_at"])


def _node(tree: Tree, key: str) -> Node:
    try:
        return tree.nodes.get(key=key)
    except Node.DoesNotExist:
        raise NodeNotFound(f"{tree.slug} has no node {key!r}") from None


def tree_create(
    *, slug: str, author: Any, title_it: str = "", title_en: str = "", team_id: int | None = None
) -> Tree:
    """A new draft tree with an empty start question (the linter says what is missing)."""
    _require(author, permissions.can_add, "create knowledge-base trees")
    with transaction.atomic():
        tree = Tree(slug=slug, title_it=title_it, title_en=title_en, team_id=team_id)
        tree.full_clean()
        tree.save()
        root = Node.objects.create(tree=tree, key="start", kind=Node.Kind.QUESTION)
        tree.root = root
        tree.save(update_fields=["root"])
    return tree


def tree_update(
    *,
    tree_id: int,
    author: Any,
    title_it: str = _UNCHANGED,
    title_en: str = _UNCHANGED,
    examples_it: str = _UNCHANGED,
    examples_en: str = _UNCHANGED,
    team_id: int | None = _UNCHANGED,
    root_key: str | None = _UNCHANGED,
) -> Tree:
    with transaction.atomic():
        tree = _editable(tree_id, author)
        changes = {
            "title_it": title_it,
            "title_en": title_en,
            "examples_it": examples_it,
            "examples_en": examples_en,
            "team_id": team_id,
        }
        for name, value in changes.items():
            if value is not _UNCHANGED:
                setattr(tree, name, value.strip() if isinstance(value, str) else value)
        if root_key is not _UNCHANGED:
            tree.root = _node(tree, root_key) if root_key else None
        tree.status = Tree.Status.DRAFT
        tree.full_clean()
        tree.save()
    return tree


def node_create(
    *,
    tree_id: int,
    author: Any,
    key: str,
    kind: str = Node.Kind.QUESTION,
    text_it: str = "",
    text_en: str = "",
    parent_key: str | None = None,
    label_it: str = "",
    label_en: str = "",
) -> Node:
    """A new node; with `parent_key`, also a choice on that question leading to it."""
    with transaction.atomic():
        tree = _editable(tree_id, author)
        position = (tree.nodes.aggregate(m=Max("position"))["m"] or 0) + 1
        node = Node(
            tree=tree, key=key, kind=kind, text_it=text_it, text_en=text_en, position=position
        )
        node.full_clean()
        node.save()
        if parent_key:
            parent = _node(tree, parent_key)
            _choice_add(parent, target=node, label_it=label_it, label_en=label_en)
        if tree.root_id is None:
            tree.root = node
            tree.save(update_fields=["root"])
        _touched(tree)
    return node


def node_update(
    *,
    tree_id: int,
    author: Any,
    key: str,
    new_key: str = _UNCHANGED,
    kind: str = _UNCHANGED,
    text_it: str = _UNCHANGED,
    text_en: str = _UNCHANGED,
    followup: str = _UNCHANGED,
    followup_filter: dict[str, Any] = _UNCHANGED,
) -> Node:
    with transaction.atomic():
        tree = _editable(tree_id, author)
        node = _node(tree, key)
        if kind is not _UNCHANGED and kind != node.kind:
            if kind == Node.Kind.ANSWER and node.choices.exists():
                raise ValidationError({"kind": "Delete the choices before making this an answer."})
            if kind == Node.Kind.QUESTION and node.attachments.exists():
                raise ValidationError(
                    {"kind": "Delete the attachments before making this a question."}
                )
            node.kind = kind
        for name, value in {
            "text_it": text_it,
            "text_en": text_en,
            "followup": followup,
            "followup_filter": followup_filter,
        }.items():
            if value is not _UNCHANGED:
                setattr(node, name, value)
        if node.kind == Node.Kind.QUESTION:
            node.followup, node.followup_filter = "", {}
        if node.followup != Node.Followup.CATALOG:
            node.followup_filter = {}
        renamed = new_key is not _UNCHANGED and new_key != key
        if renamed:
            node.key = new_key
        node.full_clean()
        node.save()
        if renamed:  # the counters follow the node
            NodeCounter.objects.filter(tree=tree, node_key=key).update(node_key=new_key)
        _touched(tree)
    return node


def node_delete(*, tree_id: int, author: Any, key: str) -> None:
    """Delete a node; choices that led to it are left without a target (the linter says so)."""
    with transaction.atomic():
        tree = _editable(tree_id, author)
        _node(tree, key).delete()
        tree.refresh_from_db(fields=["root"])
        _touched(tree)


def _choice_add(node: Node, *, target: Node | None, **fields: str) -> Choice:
    if node.kind != Node.Kind.QUESTION:
        raise ValidationError({"node": "Only question nodes have choices."})
    position = (node.choices.aggregate(m=Max("position"))["m"] or 0) + 1
    choice = Choice(node=node, target=target, position=position, **fields)
    choice.full_clean()
    choice.save()
    return choice


def choice_create(
    *,
    tree_id: int,
    author: Any,
    node_key: str,
    target_key: str | None = None,
    label_it: str = "",
    label_en: str = "",
    synonyms_it: str = "",
    synonyms_en: str = "",
) -> Choice:
    """A new choice on a question; `target_key` may name any node (reuse) or none yet."""
    with transaction.atomic():
        tree = _editable(tree_id, author)
        node = _node(tree, node_key)
        target = _node(tree, target_key) if target_key else None
        choice = _choice_add(
            node,
            target=target,
            label_it=label_it,
            label_en=label_en,
            synonyms_it=synonyms_it,
            synonyms_en=synonyms_en,
        )
        _touched(tree)
    return choice


def _choice(tree: Tree, choice_id: int) -> Choice:
    try:
        return Choice.objects.select_related("node").get(pk=choice_id, node__tree=tree)
    except Choice.DoesNotExist:
        raise NodeNotFound(f"{tree.slug} has no choice {choice_id}") from None


def choice_update(
    *,
    tree_id: int,
    author: Any,
    choice_id: int,
    label_it: str = _UNCHANGED,
    label_en: str = _UNCHANGED,
    synonyms_it: str = _UNCHANGED,
    synonyms_en: str = _UNCHANGED,
    target_key: str | None = _UNCHANGED,
) -> Choice:
    with transaction.atomic():
        tree = _editable(tree_id, author)
        choice = _choice(tree, choice_id)
        for name, value in {
            "label_it": label_it,
            "label_en": label_en,
            "synonyms_it": synonyms_it,
            "synonyms_en": synonyms_en,
        }.items():
            if value is not _UNCHANGED:
                setattr(choice, name, value.strip())
        if target_key is not _UNCHANGED:
            choice.target = _node(tree, target_key) if target_key else None
        choice.full_clean()
        choice.save()
        _touched(tree)
    return choice


def choice_delete(*, tree_id: int, author: Any, choice_id: int) -> None:
    with transaction.atomic():
        tree = _editable(tree_id, author)
        _choice(tree, choice_id).delete()
        _touched(tree)


def choice_move(
    *,
    tree_id: int,
    author: Any,
    choice_id: int,
    direction: str | None = None,
    to_node_key: str | None = None,
) -> Choice:
    """Move a choice up/down among its siblings, or (with the branch it leads to) to another
    question node."""
    with transaction.atomic():
        tree = _editable(tree_id, author)
        choice = _choice(tree, choice_id)
        if to_node_key:
            node = _node(tree, to_node_key)
            if node.kind != Node.Kind.QUESTION:
                raise ValidationError({"node": "Only question nodes have choices."})
            choice.node = node
            choice.position = (node.choices.aggregate(m=Max("position"))["m"] or 0) + 1
            choice.save()
        elif direction in ("up", "down"):
            siblings = list(choice.node.choices.order_by("position", "id"))
            index = siblings.index(choice)
            other = index - 1 if direction == "up" else index + 1
            if 0 <= other < len(siblings):
                siblings[index], siblings[other] = siblings[other], siblings[index]
                for position, sibling in enumerate(siblings, start=1):
                    Choice.objects.filter(pk=sibling.pk).update(position=position)
        else:
            raise ValueError("give a direction (up/down) or a node to move to")
        _touched(tree)
    choice.refresh_from_db()
    return choice


def attachment_add(
    *, tree_id: int, author: Any, node_key: str, name: str, data: bytes, filename: str = ""
) -> Attachment:
    """Attach a PDF or image to an answer; raises AttachmentRejected (type, size)."""
    stored = attachment_store(name=filename or name, data=data)
    with transaction.atomic():
        tree = _editable(tree_id, author)
        node = _node(tree, node_key)
        if node.kind != Node.Kind.ANSWER:
            raise ValidationError({"node": "Only answers have attachments."})
        attachment = Attachment(
            node=node,
            name=(name or stored.filename)[:200],
            filename=stored.filename,
            file=stored.path,
            content_type=stored.content_type,
            size_bytes=stored.size,
            sha256=stored.sha256,
            position=(node.attachments.aggregate(m=Max("position"))["m"] or 0) + 1,
        )
        attachment.full_clean()
        attachment.save()
        _touched(tree)
    return attachment


def attachment_delete(*, tree_id: int, author: Any, attachment_id: int) -> None:
    """Remove from the draft; the file stays for the published versions that show it."""
    with transaction.atomic():
        tree = _editable(tree_id, author)
        Attachment.objects.filter(pk=attachment_id, node__tree=tree).delete()
        _touched(tree)


# --- review and publishing -----------------------------------------------------------


def tree_submit(*, tree_id: int, author: Any) -> Tree:
    """Ask for review; refused while the linter finds anything (it would block publish)."""
    _require(author, permissions.can_edit, "submit knowledge-base trees")
    with transaction.atomic():
        tree = Tree.objects.select_for_update().get(pk=tree_id)
        if tree.status == Tree.Status.IN_REVIEW:
            raise WrongState(f"{tree.slug} is already in review")
        content = tree_draft_content(tree=tree)
        findings = lint(content, file_exists=_file_exists)
        if findings:
            raise PublishBlocked(findings)
        if tree.live_version_id and tree.live_version.content == content:
            raise NothingToPublish(f"{tree.slug}: the draft is the same as the live version")
        tree.status = Tree.Status.IN_REVIEW
        tree.submitted_by = author
        tree.submitted_at = timezone.now()
        tree.full_clean()
        tree.save()
    return tree


def tree_withdraw(*, tree_id: int, author: Any) -> Tree:
    _require(author, permissions.can_edit, "withdraw knowledge-base trees")
    with transaction.atomic():
        tree = Tree.objects.select_for_update().get(pk=tree_id)
        if tree.status != Tree.Status.IN_REVIEW:
            raise WrongState(f"{tree.slug} is not in review")
        tree.status = Tree.Status.DRAFT
        tree.save(update_fields=["status", "updated_at"])
    return tree


def tree_send_back(*, tree_id: int, reviewer: Any, comment: str) -> Tree:
    """The reviewer returns the draft to its authors with what to change."""
    _require(reviewer, permissions.can_publish, "review knowledge-base trees")
    if not comment.strip():
        raise ValidationError({"comment": "Say what should change."})
    with transaction.atomic():
        tree = Tree.objects.select_for_update().get(pk=tree_id)
        if tree.status != Tree.Status.IN_REVIEW:
            raise WrongState(f"{tree.slug} is not in review")
        tree.status = Tree.Status.DRAFT
        tree.review_comment = comment.strip()
        tree.reviewed_by = reviewer
        tree.reviewed_at = timezone.now()
        tree.save()
    return tree


def tree_publish(*, tree_id: int, reviewer: Any, comment: str = "") -> TreeVersion:
    """Freeze the draft as the next version, live at once (no bot retraining).

    Raises NotAllowed without kb.publish_tree, PublishBlocked with the linter's
    findings, NothingToPublish when the draft equals the live version.
    """
    _require(reviewer, permissions.can_publish, "publish knowledge-base trees")
    with transaction.atomic():
        tree = Tree.objects.select_for_update().get(pk=tree_id)
        version = _publish(tree, tree_draft_content(tree=tree), user=reviewer, comment=comment)
        tree.review_comment = ""
        tree.reviewed_by = reviewer
        tree.reviewed_at = version.published_at
        tree.save()
    return version


def tree_rollback(*, tree_id: int, reviewer: Any, number: int, comment: str = "") -> TreeVersion:
    """Publish a copy of version `number` as a new version; the draft becomes that copy."""
    _require(reviewer, permissions.can_publish, "roll back knowledge-base trees")
    with transaction.atomic():
        tree = Tree.objects.select_for_update().get(pk=tree_id)
        old = tree.versions.filter(number=number).first()
        if old is None:
            raise TreeNotFound(f"{tree.slug} has no version {number}")
        comment = comment.strip() or f"Rollback to version {number}"
        version = _publish(tree, old.content, user=reviewer, comment=comment, rollback_of=number)
        _draft_replace(tree, old.content)
        tree.status = Tree.Status.PUBLISHED
        tree.save()
    return version


def _publish(
    tree: Tree,
    content: dict[str, Any],
    *,
    user: Any,
    comment: str,
    rollback_of: int | None = None,
) -> TreeVersion:
    """Lint, number and store a version; the caller holds the tree's row lock."""
    findings = lint(content, file_exists=_file_exists)
    if findings:
        raise PublishBlocked(findings)
    if tree.live_version_id and tree.live_version.content == content:
        raise NothingToPublish(f"{tree.slug}: the content is the same as the live version")
    number = (tree.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = TreeVersion(
        tree=tree,
        number=number,
        content=content,
        published_by=user,
        published_at=timezone.now(),
        comment=comment.strip(),
        rollback_of=rollback_of,
    )
    version.full_clean(exclude=["tree", "published_by"])
    version.save()
    tree.live_version = version
    tree.status = Tree.Status.PUBLISHED
    tree.save(update_fields=["live_version", "status", "updated_at"])
    # This process rebuilds at once; the others see the new version id on their next search.
    transaction.on_commit(search.index_invalidate)
    return version


# --- import / export -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    tree: Tree
    created: bool  # the tree is new
    changed: bool  # the draft changed
    version: TreeVersion | None  # the version published by this import, if any


def _resolve_attachments(content: dict[str, Any], base_dir: Path | None) -> dict[str, Any]:
    """Attachments referenced by path (YAML) → stored files (content-addressed, checked)."""
    for node in content["nodes"]:
        resolved = []
        for attachment in node.get("attachments", []):
            if attachment.get("sha256") and default_storage.exists(attachment["file"]):
                resolved.append(attachment)  # already stored (a version's content)
                continue
            if base_dir is None:
                raise ContentError(f"node {node['key']}: attachment files need the YAML's folder")
            path = (base_dir / attachment["file"]).resolve()
            if not path.is_relative_to(base_dir.resolve()) or not path.is_file():
                raise ContentError(f"node {node['key']}: no file {attachment['file']}")
            try:
                stored = attachment_store(name=path.name, data=path.read_bytes())
            except AttachmentRejected as exc:
                raise ContentError(f"node {node['key']}, {attachment['file']}: {exc}") from exc
            resolved.append(
                {
                    "name": attachment["name"],
                    "filename": stored.filename,
                    "file": stored.path,
                    "content_type": stored.content_type,
                    "size": stored.size,
                    "sha256": stored.sha256,
                }
            )
        if node["kind"] == "answer":
            node["attachments"] = resolved
    return content


def _draft_replace(tree: Tree, content: dict[str, Any]) -> None:
    """Make the draft rows say exactly `content` (attachments already stored)."""
    tree.nodes.all().delete()
    tree.title_it, tree.title_en = (content["title"][lang] for lang in LANGUAGES)
    tree.examples_it, tree.examples_en = (
        "\n".join(content["examples"][lang]) for lang in LANGUAGES
    )
    tree.team = Team.objects.filter(slug=content.get("team") or "").first()
    created: dict[str, Node] = {}
    for position, item in enumerate(content["nodes"], start=1):
        followup = item.get("followup") or {}
        node = Node(
            tree=tree,
            key=item["key"],
            kind=item["kind"],
            text_it=item["text"]["it"],
            text_en=item["text"]["en"],
            followup=followup.get("action", ""),
            followup_filter=followup.get("filter") or {},
            position=position,
        )
        node.full_clean(exclude=["tree"])
        node.save()
        created[node.key] = node
    for item in content["nodes"]:
        node = created[item["key"]]
        for position, choice in enumerate(item.get("choices", []), start=1):
            Choice.objects.create(
                node=node,
                target=created.get(choice["target"] or ""),
                label_it=choice["label"]["it"],
                label_en=choice["label"]["en"],
                synonyms_it="\n".join(choice["synonyms"]["it"]),
                synonyms_en="\n".join(choice["synonyms"]["en"]),
                position=position,
            )
        for position, attachment in enumerate(item.get("attachments", []), start=1):
            Attachment.objects.create(
                node=node,
                name=attachment["name"],
                filename=attachment["filename"],
                file=attachment["file"],
                content_type=attachment["content_type"],
                size_bytes=attachment["size"],
                sha256=attachment["sha256"],
                position=position,
            )
    tree.root = created.get(content.get("root") or "")
    tree.full_clean()
    tree.save()


def tree_import(
    *,
    content: dict[str, Any],
    base_dir: Path | None = None,
    author: Any = None,
    publish: bool = False,
    comment: str = "",
) -> ImportResult:
    """Create or replace a tree's draft from validated content (kb.content.content_validate).

    `author` None is the system (manage.py kb_import, the demo loader); a person needs
    kb.add_tree, and kb.publish_tree to publish. Publishing an unchanged tree is a no-op.
    """
    if author is not None:
        _require(author, permissions.can_add, "import knowledge-base trees")
        if publish:
            _require(author, permissions.can_publish, "publish knowledge-base trees")
    content = _resolve_attachments(copy.deepcopy(content), base_dir)
    if content.get("team") and not Team.objects.filter(slug=content["team"]).exists():
        content["team"] = None  # an unknown team is not an error: the tree has no owner yet
    content["schema"] = SCHEMA
    with transaction.atomic():
        tree, created = Tree.objects.select_for_update().get_or_create(slug=content["slug"])
        if tree.status == Tree.Status.IN_REVIEW:
            raise TreeLocked(f"{tree.slug} is in review: withdraw it before importing over it")
        changed = created or tree_draft_content(tree=tree) != content
        if changed:
            _draft_replace(tree, content)
            tree.status = Tree.Status.DRAFT
            tree.save(update_fields=["status", "updated_at"])
    version = None
    if publish:  # separately: a draft the linter refuses stays imported
        with transaction.atomic():
            tree = Tree.objects.select_for_update().get(pk=tree.pk)
            draft = tree_draft_content(tree=tree)
            if tree.live_version_id is None or tree.live_version.content != draft:
                version = _publish(tree, draft, user=author, comment=comment or "Imported")
            elif tree.status != Tree.Status.PUBLISHED:
                tree.status = Tree.Status.PUBLISHED
                tree.save(update_fields=["status", "updated_at"])
    return ImportResult(tree=tree, created=created, changed=changed, version=version)


def tree_import_yaml(
    *, path: Path, author: Any = None, publish: bool = False, comment: str = ""
) -> ImportResult:
    content = content_from_yaml(path.read_text(encoding="utf-8"))
    return tree_import(
        content=content, base_dir=path.parent, author=author, publish=publish, comment=comment
    )


def demo_trees_load() -> dict[str, int]:
    """Load the demo trees from kb/demo_trees/*.yml and publish them (idempotent).

    A demo tree that people have since edited or published is left alone, so running
    `load_demo` again never throws away an author's work. Call it after the teams exist.
    """
    loaded = 0
    for path in sorted(DEMO_TREES_DIR.glob("*.yml")):
        content = content_from_yaml(path.read_text(encoding="utf-8"))
        tree = Tree.objects.filter(slug=content["slug"]).first()
        if tree is not None and (
            tree.status != Tree.Status.PUBLISHED
            or tree.versions.filter(published_by__isnull=False).exists()
        ):
            continue
        tree_import(content=content, base_dir=path.parent, publish=True, comment="Demo tree")
        loaded += 1
    slugs = [path.stem for path in DEMO_TREES_DIR.glob("*.yml")]
    return {
        "kb.Tree (demo, published)": Tree.objects.filter(slug__in=slugs)
        .exclude(live_version=None)
        .count(),
        "kb.TreeVersion (demo)": TreeVersion.objects.filter(tree__slug__in=slugs).count(),
        "kb demo trees (re)loaded now": loaded,
    }


# --- counters from bot walks -----------------------------------------------------------


def node_counter_record(*, slug: str, node_key: str, event: str) -> None:
    """Count a bot walk's visit to a node of a published tree, or how it ended there.

    event: "visit" | "resolved" | "escalated". Raises TreeNotFound / NodeNotFound.
    """
    field = COUNTER_FIELDS.get(event)
    if field is None:
        raise ValueError(f"event must be one of {', '.join(COUNTER_FIELDS)}")
    version = tree_live(slug=slug)
    if node_key not in nodes_by_key(version.content):
        raise NodeNotFound(f"{slug} has no node {node_key!r}")
    counter, _ = NodeCounter.objects.get_or_create(tree_id=version.tree_id, node_key=node_key)
    NodeCounter.objects.filter(pk=counter.pk).update(**{field: F(field) + 1})
