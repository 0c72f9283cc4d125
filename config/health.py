"""Health checks.

GET /healthz: is every process the product needs reachable (database, channel layer, the bot
with its model, the action server)? 200 when all are; 503 with the failing ones named
otherwise. Monitoring and `make run`'s smoke test poll it.

GET /healthz/web: can this web process serve (database and channel layer)? A load balancer
polls this one: with the bot down the web still serves (customers are queued for a person),
so a bot outage must not take every web replica out of rotation.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


async def _channel_layer_roundtrip() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    await asyncio.wait_for(layer.receive(channel), timeout=settings.HEALTH_PROBE_TIMEOUT_SECONDS)


def _channel_layer() -> str:
    async_to_sync(_channel_layer_roundtrip)()
    return type(get_channel_layer()).__name__


def _bot() -> str:
    response = httpx.get(
        f"{settings.RASA_URL}/status",
        params={"token": settings.RASA_TOKEN},
        timeout=settings.HEALTH_PROBE_TIMEOUT_SECONDS,
    )
    response.raise_for_status()
    model = response.json().get("model_file") or ""
    if not model:
        raise RuntimeError("Rasa is up but has no model loaded")
    return model.rsplit("/", 1)[-1]


def _actions() -> str:
    response = httpx.get(
        f"{settings.ACTIONS_URL}/health", timeout=settings.HEALTH_PROBE_TIMEOUT_SECONDS
    )
    response.raise_for_status()
    return response.json().get("status", "")


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "channel_layer": _channel_layer,
    "bot": _bot,
    "actions": _actions,
}


WEB_CHECKS = ("database", "channel_layer")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return _report(CHECKS)


@require_GET
def healthz_web(request: HttpRequest) -> JsonResponse:
    return _report({name: CHECKS[name] for name in WEB_CHECKS})


def _report(checks: dict[str, Callable[[], str]]) -> JsonResponse:
    results: dict[str, dict] = {}
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            detail = check()
            results[name] = {"ok": True, "detail": detail}
        except Exception as exc:  # every failure is reported, none hides the others
            results[name] = {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:300]}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    healthy = all(r["ok"] for r in results.values())
    return JsonResponse({"ok": healthy, "checks": results}, status=200 if healthy else 503)
