"""Session start: take the language and customer from the widget's metadata."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

SUPPORTED_LANGUAGES = ("it", "en")
DEFAULT_LANGUAGE = "it"


def language_from_metadata(metadata: dict[str, Any] | None) -> str:
    """The reply language the web asked for; Italian when absent or unsupported."""
    language = str((metadata or {}).get("language", "")).lower()[:2]
    return language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        metadata = tracker.get_slot("session_started_metadata") or {}
        events: list[EventType] = [SessionStarted()]
        # Carried-over slots first, so the metadata of the new session wins.
        events += [
            SlotSet(name, value)
            for name, value in tracker.current_slot_values().items()
            if name not in ("session_started_metadata", "language", "customer_id")
            and value is not None
        ]
        events.append(SlotSet("language", language_from_metadata(metadata)))
        customer_id = metadata.get("customer_id")
        events.append(SlotSet("customer_id", str(customer_id) if customer_id else None))
        events.append(ActionExecuted("action_listen"))
        return events
