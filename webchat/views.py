"""HTTP side of the web chat: session bootstrap (CORS for the widget's origins), demo page."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from crm.models import Customer
from webchat import services

MAX_SESSION_BODY_BYTES = 4096
DEMO_CUSTOMER_EMAIL = "mario.rossi@example.it"


def _cors(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Let pages on the configured widget origins call this endpoint (no cookies involved)."""

    def wrapper(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(status=204) if request.method == "OPTIONS" else view(request)
        origin = request.headers.get("Origin", "").rstrip("/").lower()
        if origin in settings.WIDGET_ALLOWED_ORIGINS:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Content-Type"
            response["Access-Control-Max-Age"] = "600"
            response["Vary"] = "Origin"
        return response

    return wrapper


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


@csrf_exempt
@_cors
def session(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _error(405, "method_not_allowed", "use POST")
    if len(request.body) > MAX_SESSION_BODY_BYTES:
        return _error(400, "invalid_request", "request too large")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _error(400, "invalid_request", "the body must be JSON")
    if not isinstance(body, dict):
        return _error(400, "invalid_request", "the body must be a JSON object")
    fields = {
        "language": body.get("language"),
        "token": body.get("token"),
        "entry": body.get("entry"),
    }
    for name, value in fields.items():
        if value is not None and not isinstance(value, str):
            return _error(400, "invalid_request", f"{name} must be a string")
    identity = body.get("identity")
    if identity is not None and not isinstance(identity, dict):
        return _error(400, "invalid_request", "identity must be an object")
    try:
        opened = services.session_open(
            language=(fields["language"] or "it")[:2].lower(),
            token=fields["token"],
            identity=identity,
            entry=fields["entry"],
        )
    except services.BadIdentity as exc:
        return _error(403, "bad_identity", str(exc))
    except services.InvalidToken as exc:
        return _error(403, "bad_entry", str(exc))
    conversation = opened.conversation
    return JsonResponse(
        {
            "token": opened.token,
            "conversation": conversation.pk,
            "state": conversation.state,
            "language": conversation.language,
            "expires_in": services.VISITOR_TOKEN_MAX_AGE_SECONDS,
            "websocket": "/ws/webchat/",
        }
    )


def demo(request: HttpRequest) -> HttpResponse:
    """A demo shop page with the widget; `?as=mario` browses as the logged-in Mario Rossi."""
    language = request.GET.get("lang", "it")
    language = language if language in services.LANGUAGES else "it"
    identity = None
    if request.GET.get("as") == "mario":
        mario = Customer.objects.filter(email=DEMO_CUSTOMER_EMAIL, verified=True).first()
        if mario is not None:
            identity = {
                "customer_id": mario.pk,
                "signature": services.identity_signature(customer_id=mario.pk),
                "name": mario.full_name,
            }
    return render(
        request,
        "webchat/demo.html",
        {
            "language": language,
            "identity": identity,
            "as": request.GET.get("as", ""),
            "server": settings.PUBLIC_BASE_URL,
        },
    )
