"""The bridge to Rasa: one customer message in, the bot's answers stored and announced.

Runs as its own asyncio task (started by the consumer), so the customer's socket keeps
receiving operator pushes while Rasa thinks. A per-conversation lock keeps replies in
order when a customer sends faster than the bot answers.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

import httpx
from channels.db import database_sync_to_async
from django.conf import settings

from config import http
from crm import events
from webchat import services

logger = logging.getLogger(__name__)

_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
_tasks: set[asyncio.Task] = set()  # strong references until each relay finishes

_metadata = database_sync_to_async(services.bot_metadata)
_store = database_sync_to_async(services.bot_responses_store)
_unavailable = database_sync_to_async(services.bot_unavailable)
_notify_typing = database_sync_to_async(events.notify_typing)


def relay_in_background(
    *, conversation_id: int, text: str, extra_metadata: dict[str, Any] | None = None
) -> asyncio.Task:
    task = asyncio.get_running_loop().create_task(
        relay(conversation_id=conversation_id, text=text, extra_metadata=extra_metadata)
    )
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return task


async def relay(
    *, conversation_id: int, text: str, extra_metadata: dict[str, Any] | None = None
) -> None:
    lock = _locks.get(conversation_id)
    if lock is None:
        lock = _locks[conversation_id] = asyncio.Lock()
    async with lock:
        await _notify_typing(conversation_id=conversation_id, sender="bot", active=True)
        try:
            metadata = await _metadata(conversation_id=conversation_id)
            metadata.update(extra_metadata or {})  # e.g. where a hand-back resumes
            responses = await rasa_send(
                sender=f"conversation-{conversation_id}", text=text, metadata=metadata
            )
            await _store(conversation_id=conversation_id, responses=responses)
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("bot unavailable for conversation %s: %r", conversation_id, exc)
            await _unavailable(conversation_id=conversation_id)
        finally:
            # After the answers are stored and announced: "typing… stopped" ends the turn.
            await _notify_typing(conversation_id=conversation_id, sender="bot", active=False)


async def rasa_send(*, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
    """POST to Rasa's REST channel; raises httpx errors on timeout or failure."""
    async with httpx.AsyncClient(
        timeout=settings.RASA_TIMEOUT_SECONDS, verify=http.tls_context()
    ) as client:
        response = await client.post(
            f"{settings.RASA_URL}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, "metadata": metadata},
        )
        response.raise_for_status()
        body = response.json()
    if not isinstance(body, list):
        raise ValueError(f"unexpected Rasa response: {str(body)[:200]}")
    return [item for item in body if isinstance(item, dict)]
