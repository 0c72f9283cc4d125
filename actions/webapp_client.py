"""The one client of the web's internal API: URL, service token, timeout, one session.

Actions never touch the database; everything they know comes through here.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp

from actions import config

API_PREFIX = "/internal/api/v1"


class Unavailable(Exception):
    """The web did not answer in time or answered with an error."""


_session: aiohttp.ClientSession | None = None
_session_loop: asyncio.AbstractEventLoop | None = None


def _client() -> aiohttp.ClientSession:
    """One reused session per event loop (the action server has one; tests have many)."""
    global _session, _session_loop
    loop = asyncio.get_running_loop()
    if _session is None or _session.closed or _session_loop is not loop:
        _session_loop = loop
        _session = aiohttp.ClientSession(
            base_url=config.get("WEB_INTERNAL_URL"),
            headers={"Authorization": f"Bearer {config.get('ACTIONS_API_TOKEN')}"},
            timeout=aiohttp.ClientTimeout(total=float(config.get("WEB_TIMEOUT_SECONDS"))),
        )
    return _session


async def _get(path: str) -> dict[str, Any] | None:
    try:
        async with _client().get(f"{API_PREFIX}{path}") as response:
            if response.status == 404:
                return None
            if response.status != 200:
                raise Unavailable(f"GET {path}: HTTP {response.status}")
            return await response.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError) as exc:
        raise Unavailable(f"GET {path}: {exc!r}") from exc


async def customer(*, customer_id: str) -> dict[str, Any] | None:
    """Name, salutation and language of an identified customer, or None."""
    if not customer_id.isdigit():
        return None
    return await _get(f"/customers/{customer_id}")


async def products(*, language: str, **filters: str) -> list[dict[str, Any]]:
    """Product cards for a filter (category, audience, size, color, material, …)."""
    query = urlencode({"lang": language, **{k: v for k, v in filters.items() if v}})
    body = await _get(f"/products?{query}")
    return (body or {}).get("products", [])


async def product_search(*, language: str, **filters: Any) -> dict[str, Any]:
    """{"products": [cards], "total": n} for a search (lists as comma-separated values)."""
    params: dict[str, str] = {"lang": language}
    for name, value in filters.items():
        if value in (None, "", [], False):
            continue
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        elif value is True:
            value = "1"
        params[name] = str(value)
    body = await _get(f"/products?{urlencode(params)}") or {}
    body.setdefault("products", [])
    body.setdefault("total", len(body["products"]))
    return body


async def product_lookup(*, text: str, language: str) -> list[dict[str, Any]]:
    """Products a question names (by SKU or by name), best first."""
    body = await _get(f"/products/lookup?{urlencode({'q': text[:300], 'lang': language})}")
    return (body or {}).get("products", [])


async def kids_new_arrivals(*, language: str) -> list[dict[str, Any]]:
    body = await _get(f"/products/kids-new?{urlencode({'lang': language})}")
    return (body or {}).get("products", [])


async def offers(*, language: str, category: str = "") -> list[dict[str, Any]]:
    query = urlencode({"lang": language, **({"category": category} if category else {})})
    body = await _get(f"/offers?{query}")
    return (body or {}).get("offers", [])


async def customer_orders(*, customer_id: str, language: str) -> list[dict[str, Any]]:
    if not customer_id.isdigit():
        return []
    body = await _get(f"/customers/{customer_id}/orders?{urlencode({'lang': language})}")
    return (body or {}).get("orders", [])


async def order_checked(*, number: str, check: str, language: str) -> dict[str, Any] | None:
    """The order only when `check` (e-mail or postcode) matches; None otherwise."""
    query = urlencode({"lang": language, "check": check})
    body = await _get(f"/orders/{quote(number.strip(), safe='')}?{query}")
    return (body or {}).get("order")


async def _post(path: str, body: dict[str, Any]) -> dict[str, Any] | None:
    try:
        async with _client().post(f"{API_PREFIX}{path}", json=body) as response:
            if response.status == 404:
                return None
            if response.status != 200:
                raise Unavailable(f"POST {path}: HTTP {response.status}")
            return await response.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError) as exc:
        raise Unavailable(f"POST {path}: {exc!r}") from exc


async def kb_search(*, query: str, language: str) -> dict[str, Any]:
    """{"results": [{slug, title, score, node}], "confident_score", "minimum_score"}."""
    body = await _get(f"/kb/search?{urlencode({'q': query[:500], 'lang': language})}")
    return body or {"results": []}


async def kb_node(*, slug: str, key: str | None, language: str) -> dict[str, Any] | None:
    path = f"/kb/trees/{quote(slug)}" + (f"/nodes/{quote(key)}" if key else "")
    return await _get(f"{path}?{urlencode({'lang': language})}")


async def kb_match(*, slug: str, key: str, text: str, language: str) -> dict[str, Any] | None:
    body = await _post(
        f"/kb/trees/{quote(slug)}/nodes/{quote(key)}/match", {"text": text[:500], "lang": language}
    )
    return (body or {}).get("match")


async def kb_count(*, slug: str, key: str, event: str) -> None:
    await _post(f"/kb/trees/{quote(slug)}/nodes/{quote(key)}/counters", {"event": event})
