"""Session start: language, customer and request context from the web's metadata."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from actions import vocabulary, webapp_client

SUPPORTED_LANGUAGES = ("it", "en")
DEFAULT_LANGUAGE = "it"
# Slots the web sets: a new session always takes them from the metadata.
METADATA_SLOTS = ("language", "customer_id", "ticket", "session_started_metadata")


def language_from_metadata(metadata: dict[str, Any] | None) -> str:
    """The reply language the web asked for; Italian when absent or unsupported."""
    language = str((metadata or {}).get("language", "")).lower()[:2]
    return language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


# The tokenizer's points of evidence (bot/components/bilingual_tokenizer.py) a message needs
# to switch the reply language: more than one marker word ("Hello, where is my order?",
# "vorrei un pullover"), so "blu", "ok", "M" or a lone "thanks" never switch it.
SWITCH_EVIDENCE = 3


def language_switch(latest_message: dict[str, Any], current: str | None) -> str | None:
    """The language to answer in from now on, when the customer clearly wrote another one."""
    detected = latest_message.get("language")
    evidence = latest_message.get("language_evidence") or 0
    if detected in SUPPORTED_LANGUAGES and detected != current and evidence >= SWITCH_EVIDENCE:
        return detected
    return None


def context_search(context: dict[str, Any] | None) -> dict[str, Any]:
    """What an e-mail already told us (e.g. category pullover), as search terms."""
    context = context or {}
    terms: dict[str, Any] = {}
    category = vocabulary.category(str(context.get("category") or ""))
    if category:
        terms["category"] = category
    for name in ("audience", "size"):
        if context.get(name):
            terms[name] = str(context[name])
    if context.get("material"):
        terms["materials"] = [str(context["material"])]
    if context.get("color"):
        terms["colors"] = [str(context["color"])]
    return terms


def context_slots(context: dict[str, Any] | None) -> list[SlotSet]:
    """The e-mail's search terms and topic, as slots of the new session."""
    events = []
    terms = context_search(context)
    if terms:
        events.append(SlotSet("search", terms))
    if (context or {}).get("topic"):
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
        terms = context_search(metadata.get("context"))
        if customer_id and terms and "audience" not in terms:
            # An identified customer who wrote about a garment shops for themselves unless
            # they say otherwise.
            try:
                profile = await webapp_client.customer(customer_id=str(customer_id)) or {}
            except webapp_client.Unavailable:
                profile = {}
            if profile.get("audience_default"):
                terms["audience"] = profile["audience_default"]
        if terms:
            events.append(SlotSet("search", terms))
        if (metadata.get("context") or {}).get("topic"):
            events.append(SlotSet("topic", str(metadata["context"]["topic"])))
        events.append(ActionExecuted("action_listen"))
        return events


class ValidateSlotMappings(ValidationAction):
    """Runs after every customer message (Rasa's action_extract_slots calls it): the reply
    language follows the customer when they clearly write in the other language, whatever
    the page's language was."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        switched = language_switch(tracker.latest_message, tracker.get_slot("language"))
        return {"language": switched} if switched else {}
