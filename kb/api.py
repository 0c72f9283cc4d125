"""JSON endpoints of the knowledge base (docs/kb-authoring.md lists them with examples).

Public, read-only:  GET /api/kb/search?q=&lang=          published trees only
Internal (the bot's actions, service token):
    GET  /internal/api/v1/kb/search?q=&lang=&limit=
    GET  /internal/api/v1/kb/trees/<slug>?lang=                   the start node
    GET  /internal/api/v1/kb/trees/<slug>/nodes/<key>?lang=
    POST /internal/api/v1/kb/trees/<slug>/nodes/<key>/match      {"text", "lang"}
    POST /internal/api/v1/kb/trees/<slug>/nodes/<key>/counters   {"event"}
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from internal_api.auth import service_token_required
from kb import selectors, services
from kb.content import LANGUAGES
from kb.search import CONFIDENT_SCORE, MINIMUM_SCORE, kb_search
from kb.walk import NodeNotFound

API_VERSION = "1"
MAX_QUERY_CHARS = 500
MAX_BODY_BYTES = 4096
PUBLIC_LIMIT = 5
INTERNAL_MAX_LIMIT = 10


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def _search_args(request: HttpRequest) -> tuple[str, str] | JsonResponse:
    query = request.GET.get("q", "").strip()
    language = request.GET.get("lang", "it")
    if language not in LANGUAGES:
        return _error(400, "invalid_request", f"lang must be one of {', '.join(LANGUAGES)}")
    if len(query) > MAX_QUERY_CHARS:
        return _error(400, "invalid_request", f"q is longer than {MAX_QUERY_CHARS} characters")
    return query, language


@require_GET
def public_search(request: HttpRequest) -> JsonResponse:
    """Anyone may search what is published: {"results": [{slug, title, score, node}]}."""
    args = _search_args(request)
    if isinstance(args, JsonResponse):
        return args
    query, language = args
    hits = kb_search(query=query, language=language, limit=PUBLIC_LIMIT)
    response = JsonResponse({"results": [hit.as_dict() for hit in hits]})
    response["Access-Control-Allow-Origin"] = "*"  # read-only public content, no cookies
    return response


@require_GET
@service_token_required
def internal_search(request: HttpRequest) -> JsonResponse:
    args = _search_args(request)
    if isinstance(args, JsonResponse):
        return args
    query, language = args
    try:
        limit = max(1, min(int(request.GET.get("limit", "3")), INTERNAL_MAX_LIMIT))
    except ValueError:
        return _error(400, "invalid_request", "limit must be a number")
    hits = kb_search(query=query, language=language, limit=limit)
    return JsonResponse(
        {
            "api_version": API_VERSION,
            "confident_score": CONFIDENT_SCORE,
            "minimum_score": MINIMUM_SCORE,
            "results": [hit.as_dict() for hit in hits],
        }
    )


def _language(request: HttpRequest, body: dict[str, Any] | None = None) -> str | None:
    language = (body or {}).get("lang") or request.GET.get("lang", "it")
    return language if language in LANGUAGES else None


@require_GET
@service_token_required
def internal_node(request: HttpRequest, slug: str, key: str | None = None) -> JsonResponse:
    language = _language(request)
    if language is None:
        return _error(400, "invalid_request", f"lang must be one of {', '.join(LANGUAGES)}")
    try:
        view = selectors.tree_node(slug=slug, node_key=key, language=language)
    except (selectors.TreeNotFound, NodeNotFound) as exc:
        return _error(404, "not_found", str(exc))
    return JsonResponse({"api_version": API_VERSION, **view.as_dict()})


def _json_body(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    if len(request.body) > MAX_BODY_BYTES:
        return _error(400, "invalid_request", "request too large")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _error(400, "invalid_request", "the body must be JSON")
    if not isinstance(body, dict):
        return _error(400, "invalid_request", "the body must be a JSON object")
    return body


@csrf_exempt  # bearer-token API, no cookies: CSRF does not apply
@require_POST
@service_token_required
def internal_match(request: HttpRequest, slug: str, key: str) -> JsonResponse:
    body = _json_body(request)
    if isinstance(body, JsonResponse):
        return body
    text = body.get("text")
    language = _language(request, body)
    if not isinstance(text, str) or language is None:
        return _error(400, "invalid_request", "text (string) and lang (it|en) are required")
    try:
        match = selectors.choice_match(
            slug=slug, node_key=key, text=text[:MAX_QUERY_CHARS], language=language
        )
    except (selectors.TreeNotFound, NodeNotFound) as exc:
        return _error(404, "not_found", str(exc))
    return JsonResponse({"api_version": API_VERSION, "match": match.as_dict() if match else None})


@csrf_exempt
@require_POST
@service_token_required
def internal_counters(request: HttpRequest, slug: str, key: str) -> JsonResponse:
    body = _json_body(request)
    if isinstance(body, JsonResponse):
        return body
    event = body.get("event")
    if event not in services.COUNTER_FIELDS:
        return _error(
            400, "invalid_request", f"event must be one of {', '.join(services.COUNTER_FIELDS)}"
        )
    try:
        services.node_counter_record(slug=slug, node_key=key, event=event)
    except (selectors.TreeNotFound, NodeNotFound) as exc:
        return _error(404, "not_found", str(exc))
    return JsonResponse({"api_version": API_VERSION, "recorded": event})
