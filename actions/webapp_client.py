"""The one client of the web's internal API: URL, service token, timeout, one session.

Actions never touch the database; everything they know comes through here.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from actions import config

API_PREFIX = "/internal/api/v1"


class Unavailable(Exception):
    """The web did not answer in time or answered with an error."""


_session: aiohttp.ClientSession | None = None


def _client() -> aiohttp.ClientSession:
    global _session
    if _session is None or _session.closed:
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
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise Unavailable(f"GET {path}: {exc!r}") from exc


async def customer(*, customer_id: str) -> dict[str, Any] | None:
    """Name, salutation and language of an identified customer, or None."""
    if not customer_id.isdigit():
        return None
    return await _get(f"/customers/{customer_id}")
