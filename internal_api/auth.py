"""The service token the bot's action server presents on every internal API call."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def service_token_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.encode(), settings.ACTIONS_API_TOKEN.encode()
        ):
            return JsonResponse(
                {"error": "unauthorized", "detail": "a valid service token is required"},
                status=401,
            )
        return view(request, *args, **kwargs)

    return wrapper
