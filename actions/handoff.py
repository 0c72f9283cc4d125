"""Handoff to a person, with the context card the operator sees first."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.search import filters_of

HANDOFF_TEXT = {
    "it": "Ti metto in contatto con un nostro operatore: vedrà quello che ci siamo detti finora.",
    "en": "I'm putting you through to one of our operators: they will see what we said so far.",
}
REASON_BY_INTENT = {"request_human": "asked", "complain": "complaint"}


def shop_answers(search: dict[str, Any]) -> dict[str, Any]:
    """The search terms the customer gave, as the operator reads them."""
    answers = filters_of(search)
    for name, key in (("colors", "color"), ("materials", "material")):
        if name in answers:
            answers[key] = ", ".join(answers.pop(name))
    if "exclude_materials" in answers:
        answers["exclude_materials"] = ", ".join(answers["exclude_materials"])
    return answers


def context_card(tracker: Tracker, reason: str) -> dict[str, Any]:
    """Why, what the customer asked, what they answered and saw: for the operator."""
    return {
        "reason": reason,
        "last_message": (tracker.latest_message or {}).get("text", ""),
        "kb_path": tracker.get_slot("kb_path") or [],
        "shop_assistant": shop_answers(tracker.get_slot("search") or {}),
        "products_shown": tracker.get_slot("products_shown") or [],
        "order_number": tracker.get_slot("order_number"),
        "ticket": tracker.get_slot("ticket"),
        "topic": tracker.get_slot("topic"),
    }


def handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, language: str | None = None
) -> None:
    if language and language != tracker.get_slot("language"):
        dispatcher.utter_message(text=HANDOFF_TEXT[language])
    else:
        dispatcher.utter_message(response="utter_handoff")
    dispatcher.utter_message(
        json_message={"type": "handoff", "reason": reason, "context": context_card(tracker, reason)}
    )
