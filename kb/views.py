"""The KB authoring UI under /kb/: list and search, editor, review, history and diff, preview.

Server-rendered pages; every form works without JavaScript (POST, then back to the
page). kb/static/kb/editor.js autosaves text fields with fetch and asks for JSON
(`Accept: application/json`), which the same views answer with the linter's findings.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from crm.models import Team
from kb import permissions, search, selectors, services
from kb.attachments import MAX_ATTACHMENT_BYTES, AttachmentRejected
from kb.content import LANGUAGES, content_from_yaml, content_to_yaml, nodes_by_key
from kb.diff import content_diff
from kb.lint import Finding
from kb.models import Node, Tree
from kb.rendering import markdown_to_html
from kb.walk import NodeNotFound, match_choice, node_view

FOLLOWUP_FILTER_MAX_LINES = 10


def _kb_view(check: Callable[[Any], bool]):
    """Login required (→ LOGIN_URL), then the permission `check` (→ 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied("not allowed in the knowledge base editor")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _tree(slug: str) -> Tree:
    return get_object_or_404(Tree.objects.select_related("team", "live_version", "root"), slug=slug)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return " ".join(exc.messages)
    if isinstance(exc, services.PublishBlocked):
        return f"{exc} — fix the problems listed by the linter."
    return str(exc)


def _after_edit(
    request: HttpRequest,
    tree: Tree,
    error: Exception | None = None,
    anchor: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """JSON for autosave (ok, findings, status), else back to the editor with a message."""
    if _wants_json(request):
        if error is not None:
            return JsonResponse({"ok": False, "error": _error_text(error)}, status=400)
        tree.refresh_from_db()
        return JsonResponse(
            {
                "ok": True,
                "saved_at": timezone.localtime().strftime("%H:%M:%S"),
                "status": tree.status,
                "findings": [f.as_dict() for f in services.tree_lint(tree=tree)],
                **(extra or {}),
            }
        )
    if error is not None:
        messages.error(request, _error_text(error))
    url = reverse("kb:editor", args=[tree.slug])
    return redirect(f"{url}#{anchor}" if anchor else url)


EDIT_ERRORS = (
    ValidationError,
    services.TreeLocked,
    services.WrongState,
    NodeNotFound,
    AttachmentRejected,
    ValueError,
)


# --- list, search, create ---------------------------------------------------------------


@require_GET
@_kb_view(permissions.can_view)
def tree_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "")
    if status not in Tree.Status.values:
        status = ""
    ask = request.GET.get("ask", "").strip()[:500]
    ask_lang = request.GET.get("ask_lang", "it")
    if ask_lang not in LANGUAGES:
        ask_lang = "it"
    hits = search.kb_search(query=ask, language=ask_lang, limit=5) if ask else []
    return render(
        request,
        "kb/tree_list.html",
        {
            "trees": selectors.tree_list(query=query, status=status),
            "query": query,
            "status": status,
            "statuses": Tree.Status.choices,
            "ask": ask,
            "ask_lang": ask_lang,
            "hits": hits,
            "confident": search.CONFIDENT_SCORE,
            "teams": Team.objects.all(),
            "can_add": permissions.can_add(request.user),
            "can_publish": permissions.can_publish(request.user),
        },
    )


@require_POST
@_kb_view(permissions.can_add)
def tree_new(request: HttpRequest) -> HttpResponse:
    team_id = request.POST.get("team") or None
    try:
        tree = services.tree_create(
            slug=request.POST.get("slug", "").strip().lower(),
            title_it=request.POST.get("title_it", ""),
            title_en=request.POST.get("title_en", ""),
            team_id=int(team_id) if team_id else None,
            author=request.user,
        )
    except (ValidationError, ValueError) as exc:
        messages.error(request, _error_text(exc))
        return redirect("kb:list")
    return redirect("kb:editor", tree.slug)


@require_POST
@_kb_view(permissions.can_add)
def tree_import_upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None or upload.size > 1_000_000:
        messages.error(request, "Choose a YAML file (at most 1 MB).")
        return redirect("kb:list")
    try:
        content = content_from_yaml(upload.read().decode("utf-8"))
        result = services.tree_import(content=content, author=request.user)
    except (services.ContentError, services.TreeLocked, ValidationError, UnicodeDecodeError) as exc:
        messages.error(request, f"Import failed: {_error_text(exc)}")
        return redirect("kb:list")
    messages.success(request, f"Imported {result.tree.slug} as a draft.")
    return redirect("kb:editor", result.tree.slug)


# --- the editor -------------------------------------------------------------------------


def _outline(content: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The tree from its root as nested rows; a node already shown is a reference, not a copy.

    Returns (rows, unreachable keys). Each row: node key, depth, the choice label that
    led there, and `ref` True when the node appears earlier (reuse or a loop).
    """
    nodes = nodes_by_key(content)
    rows: list[dict[str, Any]] = []
    shown: set[str] = set()

    def visit(key: str, depth: int, via: str) -> None:
        if key not in nodes:
            rows.append({"key": None, "depth": depth, "via": via, "ref": False})
            return
        ref = key in shown
        rows.append({"key": key, "node": nodes[key], "depth": depth, "via": via, "ref": ref})
        if ref:
            return
        shown.add(key)
        for number, choice in enumerate(nodes[key].get("choices", []), start=1):
            label = choice["label"].get("it") or choice["label"].get("en") or f"choice {number}"
            visit(choice.get("target") or "", depth + 1, label)

    if content.get("root") in nodes:
        visit(content["root"], 0, "")
    unreachable = [key for key in nodes if key not in shown]
    return rows, unreachable


@require_GET
@_kb_view(permissions.can_view)
def editor(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    content = selectors.tree_draft_content(tree=tree)
    findings = services.tree_lint(tree=tree)
    by_node: dict[str, list[Finding]] = {}
    for finding in findings:
        by_node.setdefault(finding.node or "", []).append(finding)
    rows, unreachable = _outline(content)
    nodes = list(
        tree.nodes.prefetch_related("choices__target", "attachments").order_by("position", "id")
    )
    counters = selectors.node_counters(tree=tree)
    for node in nodes:
        node.findings = by_node.get(node.key, [])
        node.counter = counters.get(node.key)
        node.preview = (
            {
                lang: node_view(content, node_key=node.key, language=lang, version=None)
                for lang in LANGUAGES
            }
            if node.kind == Node.Kind.ANSWER
            else {}
        )
        node.filter_text = "\n".join(f"{k}={v}" for k, v in (node.followup_filter or {}).items())
    can_edit = permissions.can_edit(request.user) and tree.status != Tree.Status.IN_REVIEW
    return render(
        request,
        "kb/editor.html",
        {
            "tree": tree,
            "nodes": nodes,
            "question_nodes": [n for n in nodes if n.kind == Node.Kind.QUESTION],
            "rows": rows,
            "unreachable": unreachable,
            "findings": findings,
            "tree_findings": by_node.get("", []),
            "counters": counters,
            "teams": Team.objects.all(),
            "can_edit": can_edit,
            "can_publish": permissions.can_publish(request.user),
            "has_changes": selectors.tree_has_changes(tree=tree),
            "kinds": Node.Kind.choices,
            "followups": Node.Followup.choices,
            "max_attachment_mb": MAX_ATTACHMENT_BYTES // 1_048_576,
        },
    )


@require_GET
@_kb_view(permissions.can_view)
def lint_json(request: HttpRequest, slug: str) -> JsonResponse:
    tree = _tree(slug)
    return JsonResponse({"findings": [f.as_dict() for f in services.tree_lint(tree=tree)]})


@require_POST
@_kb_view(permissions.can_edit)
def tree_settings(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    post = request.POST
    changes: dict[str, Any] = {
        name: post[name]
        for name in ("title_it", "title_en", "examples_it", "examples_en")
        if name in post
    }
    if "team" in post:
        changes["team_id"] = int(post["team"]) if post["team"].isdigit() else None
    if "root" in post:
        changes["root_key"] = post["root"] or None
    try:
        services.tree_update(tree_id=tree.pk, author=request.user, **changes)
    except EDIT_ERRORS as exc:
        return _after_edit(request, tree, exc)
    return _after_edit(request, tree, anchor="settings")


def _filter_from_text(text: str) -> dict[str, str]:
    """`category=pullover` lines → {"category": "pullover"}."""
    result = {}
    for line in text.splitlines()[:FOLLOWUP_FILTER_MAX_LINES]:
        name, sep, value = line.partition("=")
        if sep and name.strip() and value.strip():
            result[name.strip()[:40]] = value.strip()[:80]
    return result


@require_POST
@_kb_view(permissions.can_edit)
def node_new(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    post = request.POST
    try:
        node = services.node_create(
            tree_id=tree.pk,
            author=request.user,
            key=post.get("key", "").strip().lower(),
            kind=post.get("kind", Node.Kind.QUESTION),
            parent_key=post.get("parent") or None,
            label_it=post.get("label_it", ""),
            label_en=post.get("label_en", ""),
        )
    except EDIT_ERRORS as exc:
        return _after_edit(request, tree, exc)
    return _after_edit(request, tree, anchor=f"node-{node.key}")


@require_POST
@_kb_view(permissions.can_edit)
def node_edit(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    tree = _tree(slug)
    post = request.POST
    changes: dict[str, Any] = {
        name: post[name] for name in ("kind", "text_it", "text_en", "followup") if name in post
    }
    if "new_key" in post:
        changes["new_key"] = post["new_key"].strip().lower()
    if "followup_filter" in post:
        changes["followup_filter"] = _filter_from_text(post["followup_filter"])
    try:
        node = services.node_update(tree_id=tree.pk, author=request.user, key=key, **changes)
    except EDIT_ERRORS as exc:
        return _after_edit(request, tree, exc, anchor=f"node-{key}")
    rendered = {}
    if node.kind == Node.Kind.ANSWER:  # the editor refreshes "as customers see it"
        rendered = {lang: markdown_to_html(getattr(node, f"text_{lang}")) for lang in LANGUAGES}
    return _after_edit(
        request, tree, anchor=f"node-{node.key}", extra={"node": node.key, "rendered": rendered}
    )


@require_POST
@_kb_view(permissions.can_edit)
def node_delete(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    tree = _tree(slug)
    try:
        services.node_delete(tree_id=tree.pk, author=request.user, key=key)
    except EDIT_ERRORS as exc:
        return _after_edit(request, tree, exc)
    messages.success(request, f"Node {key} deleted.")
    return _after_edit(request, tree)


@require_POST
@_kb_view(permissions.can_edit)
def choice_new(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    tree = _tree(slug)
    post = request.POST
    try:
        new_key = post.get("new_key", "").strip().lower()
        if new_key:  # a choice leading to a brand-new node
            services.node_create(
                tree_id=tree.pk,
                author=request.user,
                key=new_key,
                kind=post.get("kind", Node.Kind.ANSWER),
                parent_key=key,
                label_it=post.get("label_it", ""),
                label_en=post.get("label_en", ""),
            )
        else:  # a choice leading to an existing node (reuse) or, for now, nowhere
            services.choice_create(
                tree_id=tree.pk,
                author=request.user,
                node_key=key,
                target_key=post.get("target") or None,
                label_it=post.get("label_it", ""),
                label_en=post.get("label_en", ""),
            )
    except EDIT_ERRORS as exc:
        return _after_edit(request, tree, exc, anchor=f"node-{key}")
    return _after_edit(request, tree, anchor=f"node-{key}")


@require_POST
@_kb_view(permissions.can_edit)
def choice_edit(request: HttpRequest, slug: str, choice_id: int) -> HttpResponse:
    tree = _tree(slug)
    post = request.POST
    changes: dict[str, Any] = {
        name: post[name]
        for name in ("label_it", "label_en", "synonyms_it", "synonyms_en")
        if name in post
    }
    if "target" in post:
        changes["target_key"] = post["target"] or None
    try:
        choice = services.choice_update(
            tree_id=tree.pk, author=request.user, choice_id=choice_id, **changes
        )
    except EDIT_ERRORS as exc:
        return _after_edit(request, tree, exc)
    return _after_edit(request, tree, anchor=f"node-{choice.node.key}")


@require_POST
@_kb_view(permissions.can_edit)
def choice_delete(request: HttpRequest, slug: str, choice_id: int) -> HttpResponse:
    tree = _tree(slug)
    try:
        services.choice_delete(tree_id=tree.pk, author=request.user, choice_id=choice_id)
    except EDIT_ERRORS as exc:
        return _after_edit(request, tree, exc)
    return _after_edit(request, tree)


@require_POST
@_kb_view(permissions.can_edit)
def choice_move(request: HttpRequest, slug: str, choice_id: int) -> HttpResponse:
    tree = _tree(slug)
    try:
        choice = services.choice_move(
            tree_id=tree.pk,
            author=request.user,
            choice_id=choice_id,
            direction=request.POST.get("direction") or None,
            to_node_key=request.POST.get("to_node") or None,
        )
    except EDIT_ERRORS as exc:
        return _after_edit(request, tree, exc)
    return _after_edit(request, tree, anchor=f"node-{choice.node.key}")


@require_POST
@_kb_view(permissions.can_edit)
def attachment_new(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    tree = _tree(slug)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise AttachmentRejected("choose a file")
        if upload.size > MAX_ATTACHMENT_BYTES:  # refuse before reading it all
            raise AttachmentRejected(
                f"the file is larger than {MAX_ATTACHMENT_BYTES // 1_048_576} MB"
            )
        services.attachment_add(
            tree_id=tree.pk,
            author=request.user,
            node_key=key,
            name=request.POST.get("name", "").strip() or upload.name,
            filename=upload.name,
            data=upload.read(),
        )
    except EDIT_ERRORS as exc:
        return _after_edit(request, tree, exc, anchor=f"node-{key}")
    return _after_edit(request, tree, anchor=f"node-{key}")


@require_POST
@_kb_view(permissions.can_edit)
def attachment_delete(request: HttpRequest, slug: str, attachment_id: int) -> HttpResponse:
    tree = _tree(slug)
    try:
        services.attachment_delete(
            tree_id=tree.pk, author=request.user, attachment_id=attachment_id
        )
    except EDIT_ERRORS as exc:
        return _after_edit(request, tree, exc)
    return _after_edit(request, tree)


# --- review workflow -----------------------------------------------------------------------


@require_POST
@_kb_view(permissions.can_edit)
def tree_submit(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    try:
        services.tree_submit(tree_id=tree.pk, author=request.user)
    except (services.PublishBlocked, services.NothingToPublish, services.WrongState) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "Submitted for review.")
    return redirect("kb:editor", tree.slug)


@require_POST
@_kb_view(permissions.can_edit)
def tree_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    try:
        services.tree_withdraw(tree_id=tree.pk, author=request.user)
    except services.WrongState as exc:
        messages.error(request, str(exc))
    return redirect("kb:editor", tree.slug)


@require_GET
@_kb_view(permissions.can_publish)
def review_queue(request: HttpRequest) -> HttpResponse:
    trees = Tree.objects.filter(status=Tree.Status.IN_REVIEW).select_related("submitted_by")
    return render(request, "kb/review_queue.html", {"trees": trees.order_by("submitted_at")})


@require_GET
@_kb_view(permissions.can_view)
def review(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    draft = selectors.tree_draft_content(tree=tree)
    live = tree.live_version.content if tree.live_version else None
    return render(
        request,
        "kb/review.html",
        {
            "tree": tree,
            "changes": content_diff(live, draft),
            "findings": services.tree_lint(tree=tree),
            "can_publish": permissions.can_publish(request.user),
        },
    )


@require_POST
@_kb_view(permissions.can_publish)
def tree_publish(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    try:
        version = services.tree_publish(
            tree_id=tree.pk, reviewer=request.user, comment=request.POST.get("comment", "")
        )
    except (services.PublishBlocked, services.NothingToPublish) as exc:
        messages.error(request, _error_text(exc))
        return redirect("kb:review", tree.slug)
    messages.success(request, f"Published version {version.number}: customers see it now.")
    return redirect("kb:history", tree.slug)


@require_POST
@_kb_view(permissions.can_publish)
def tree_send_back(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    try:
        services.tree_send_back(
            tree_id=tree.pk, reviewer=request.user, comment=request.POST.get("comment", "")
        )
    except (ValidationError, services.WrongState) as exc:
        messages.error(request, _error_text(exc))
        return redirect("kb:review", tree.slug)
    messages.success(request, "Sent back to the authors.")
    return redirect("kb:review-queue")


# --- history, diff, rollback, export ---------------------------------------------------------


@require_GET
@_kb_view(permissions.can_view)
def history(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    return render(
        request,
        "kb/history.html",
        {
            "tree": tree,
            "versions": selectors.tree_versions(tree=tree),
            "can_publish": permissions.can_publish(request.user),
            "has_changes": selectors.tree_has_changes(tree=tree),
        },
    )


def _content_of(tree: Tree, which: str) -> tuple[dict[str, Any] | None, str]:
    """'draft', 'live', '' (nothing) or a version number → (content, label)."""
    if which == "draft":
        return selectors.tree_draft_content(tree=tree), "draft"
    if which == "live":
        if tree.live_version is None:
            raise Http404("never published")
        which = str(tree.live_version.number)
    if not which or which == "0":
        return None, "nothing"
    if not which.isdigit():
        raise Http404("no such version")
    version = get_object_or_404(tree.versions, number=int(which))
    return version.content, f"version {version.number}"


@require_GET
@_kb_view(permissions.can_view)
def diff(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    live = str(tree.live_version.number) if tree.live_version else "0"
    old, old_label = _content_of(tree, request.GET.get("from", live))
    new, new_label = _content_of(tree, request.GET.get("to", "draft"))
    return render(
        request,
        "kb/diff.html",
        {
            "tree": tree,
            "changes": content_diff(old, new),
            "old_label": old_label,
            "new_label": new_label,
            "versions": selectors.tree_versions(tree=tree),
            "from": request.GET.get("from", live),
            "to": request.GET.get("to", "draft"),
        },
    )


@require_POST
@_kb_view(permissions.can_publish)
def tree_rollback(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    try:
        version = services.tree_rollback(
            tree_id=tree.pk,
            reviewer=request.user,
            number=int(request.POST.get("number", "0")),
            comment=request.POST.get("comment", ""),
        )
    except (
        services.PublishBlocked,
        services.NothingToPublish,
        selectors.TreeNotFound,
        ValueError,
    ) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, f"Version {version.number} published, a copy of version {version.rollback_of}."
        )
    return redirect("kb:history", tree.slug)


@require_GET
@_kb_view(permissions.can_view)
def export_yaml(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    content, label = _content_of(tree, request.GET.get("version", "draft"))
    if content is None:
        raise Http404("nothing to export")
    response = HttpResponse(
        content_to_yaml(content), content_type="application/yaml; charset=utf-8"
    )
    name = f"{tree.slug}.yml" if label == "draft" else f"{tree.slug}-v{label.split()[-1]}.yml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- preview: walk the draft (or a version) as a customer --------------------------------------


def _trail(
    content: dict[str, Any], path: list[str], current: str, language: str, version: int | None
) -> list[tuple[Any, str]]:
    """The walk so far: each node passed, with the label of the choice taken from it."""
    nodes = nodes_by_key(content)
    steps = []
    # Each key is paired with the node that came after it (the last with the current one).
    for key, following in zip(path, [*path[1:], current], strict=False):
        if key not in nodes:
            continue
        view = node_view(content, node_key=key, language=language, version=version)
        label = next((c["label"] for c in view.choices if c["target"] == following), "")
        steps.append((view, label))
    return steps


@require_GET
@_kb_view(permissions.can_view)
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    tree = _tree(slug)
    language = request.GET.get("lang", "it")
    if language not in LANGUAGES:
        language = "it"
    which = request.GET.get("version", "draft")
    content, label = _content_of(tree, which)
    if content is None:
        raise Http404("nothing to preview")
    version = None if label == "draft" else int(label.split()[-1])
    path = [key for key in request.GET.get("path", "").split(",") if key][:50]
    node_key = request.GET.get("node") or content.get("root")
    said = request.GET.get("say", "").strip()[:300]
    note = ""
    try:
        if said:
            match = match_choice(content, node_key=node_key, text=said, language=language)
            if match is None:
                note = "no_match"
            else:
                path.append(node_key)
                node_key = match.target
        view = node_view(content, node_key=node_key, language=language, version=version)
    except NodeNotFound:
        view = None
    return render(
        request,
        "kb/preview.html",
        {
            "tree": tree,
            "view": view,
            "label": label,
            "which": which,
            "language": language,
            "path": path,
            "path_param": ",".join(path),
            "path_with_current": ",".join([*path, view.key]) if view else "",
            "trail": _trail(content, path, view.key if view else "", language, version),
            "said": said,
            "note": note,
            "versions": selectors.tree_versions(tree=tree),
        },
    )
