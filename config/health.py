"""GET /healthz: is every dependency the web needs reachable?

200 when all are; 503 with the failing ones named otherwise. Load balancers and
`make run`'s smoke test poll it.
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


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            results[name] = {"ok": True, "detail": detail}
        except Exception as exc:  # every failure is reported, none hides the others
            results[name] = {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:300]}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    healthy = all(r["ok"] for r in results.values())
    return JsonResponse({"ok": healthy, "checks": results}, status=200 if healthy else 503)
