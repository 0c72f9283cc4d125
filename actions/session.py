"""Session start: language, customer and request context from the web's metadata."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import vocabulary, webapp_client

SUPPORTED_LANGUAGES = ("it", "en")
DEFAULT_LANGUAGE = "it"
# Slots the web sets: a new session always takes them from the metadata.
METADATA_SLOTS = ("language", "customer_id", "ticket", "session_started_metadata")


def language_from_metadata(metadata: dict[str, Any] | None) -> str:
    """The reply language the web asked for; Italian when absent or unsupported."""
    language = str((metadata or {}).get("language", "")).lower()[:2]
    return language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def context_slots(context: dict[str, Any] | None) -> list[SlotSet]:
    """What an e-mail already told us (e.g. category pullover, topic offers)."""
    context = context or {}
    events = []
    category = vocabulary.category(str(context.get("category") or ""))
    if category:
        events.append(SlotSet("category", category))
    for slot in ("audience", "material", "color", "size"):
        if context.get(slot):
            events.append(SlotSet(slot, str(context[slot])))
    if context.get("topic"):
        events.append(SlotSet("topic", str(context["topic"])))
    return events


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        metadata = tracker.get_slot("session_started_metadata") or {}
        events: list[EventType] = [SessionStarted()]
        events += [
            SlotSet(name, value)
            for name, value in tracker.current_slot_values().items()
            if name not in METADATA_SLOTS and value is not None
        ]
        events.append(SlotSet("language", language_from_metadata(metadata)))
        customer_id = metadata.get("customer_id")
        events.append(SlotSet("customer_id", str(customer_id) if customer_id else None))
        events.append(
            SlotSet("ticket", str(metadata["ticket"]) if metadata.get("ticket") else None)
        )
        events += context_slots(metadata.get("context"))
        if customer_id and not (metadata.get("context") or {}).get("audience"):
            # An identified customer shops for themselves unless they say otherwise.
            try:
                profile = await webapp_client.customer(customer_id=str(customer_id)) or {}
            except webapp_client.Unavailable:
                profile = {}
            if profile.get("audience_default"):
                events.append(SlotSet("audience", profile["audience_default"]))
        events.append(ActionExecuted("action_listen"))
        return events
