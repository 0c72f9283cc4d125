"""Handoff to a person, with the context card the operator sees first."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

REASON_BY_INTENT = {"request_human": "asked", "complain": "complaint"}
FALLBACKS_BEFORE_HANDOFF = 2
SHOP_SLOTS = ("category", "audience", "size", "color", "material")


def context_card(tracker: Tracker, reason: str) -> dict[str, Any]:
    """Why, what the customer asked, what they answered and saw: for the operator."""
    return {
        "reason": reason,
        "last_message": (tracker.latest_message or {}).get("text", ""),
        "kb_path": tracker.get_slot("kb_path") or [],
        "shop_assistant": {s: tracker.get_slot(s) for s in SHOP_SLOTS if tracker.get_slot(s)},
        "products_shown": tracker.get_slot("products_shown") or [],
        "order_number": tracker.get_slot("order_number"),
        "ticket": tracker.get_slot("ticket"),
        "topic": tracker.get_slot("topic"),
    }


def handoff(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> None:
    dispatcher.utter_message(response="utter_handoff")
    dispatcher.utter_message(
        json_message={"type": "handoff", "reason": reason, "context": context_card(tracker, reason)}
    )


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message or {}).get("intent", {}).get("name", "")
        handoff(dispatcher, tracker, REASON_BY_INTENT.get(intent, "asked"))
        return [SlotSet("fallback_count", 0)]


class ActionFallback(Action):
    """Not understood: offer the KB's best matches (or ask to rephrase) once, then hand
    off (low confidence)."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        from actions import kb_trees, webapp_client

        count = int(tracker.get_slot("fallback_count") or 0) + 1
        if count >= FALLBACKS_BEFORE_HANDOFF:
            handoff(dispatcher, tracker, "low_confidence")
            return [SlotSet("fallback_count", 0)]
        text = (tracker.latest_message or {}).get("text", "")
        try:
            events = await kb_trees.kb_start(
                dispatcher, text=text, language=tracker.get_slot("language") or "it"
            )
        except webapp_client.Unavailable:
            events = None
        if events is None:
            dispatcher.utter_message(response="utter_default")
            return [SlotSet("fallback_count", count)]
        return [SlotSet("fallback_count", count), *events]
