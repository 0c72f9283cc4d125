"""The shop assistant: a form for what the customer wants, then matching products.

Skips what is already known: entities from earlier messages, the e-mail's context
(prefilled at session start), and the audience an identified customer's profile implies.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import vocabulary, webapp_client
from actions.texts import say

CATALOG_LIMIT = 6


class ValidateShopAssistantForm(FormValidationAction):
    def name(self) -> str:
        return "validate_shop_assistant_form"

    def _normalised(self, value: Any, normalise, dispatcher: CollectingDispatcher, slot: str):
        text = value[0] if isinstance(value, list) and value else value
        result = normalise(str(text or ""))
        if result is None:
            dispatcher.utter_message(response="utter_invalid_value")
        return {slot: result}

    def validate_category(self, value, dispatcher, tracker, domain: DomainDict):
        return self._normalised(value, vocabulary.category, dispatcher, "category")

    def validate_audience(self, value, dispatcher, tracker, domain: DomainDict):
        return self._normalised(value, vocabulary.audience, dispatcher, "audience")

    def validate_size(self, value, dispatcher, tracker, domain: DomainDict):
        result = self._normalised(value, vocabulary.size, dispatcher, "size")
        # A child's age answers "who is it for" too.
        if result["size"] and result["size"][-1] in "ym" and not tracker.get_slot("audience"):
            result["audience"] = "kids"
        return result

    def validate_color(self, value, dispatcher, tracker, domain: DomainDict):
        return self._normalised(value, vocabulary.colour, dispatcher, "color")


def _filters(tracker: Tracker) -> dict[str, str]:
    color = tracker.get_slot("color")
    return {
        "category": tracker.get_slot("category") or "",
        "audience": tracker.get_slot("audience") or "",
        "size": tracker.get_slot("size") or "",
        "color": "" if color in (None, "any") else color,
        "material": tracker.get_slot("material") or "",
    }


class ActionProposeProducts(Action):
    def name(self) -> str:
        return "action_propose_products"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = tracker.get_slot("language") or "it"
        filters = _filters(tracker)
        try:
            found = await webapp_client.products(
                language=language, limit=str(CATALOG_LIMIT), **filters
            )
            relaxed = False
            if not found and (filters["color"] or filters["size"]):
                # Nothing in that colour/size: show the same kind of garment anyway.
                found = await webapp_client.products(
                    language=language,
                    limit=str(CATALOG_LIMIT),
                    **{**filters, "color": "", "size": ""},
                )
                relaxed = bool(found)
            profile = await _profile(tracker)
            kids_new = (
                await webapp_client.kids_new_arrivals(language=language)
                if profile.get("bought_for_kids")
                else []
            )
        except webapp_client.Unavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        shown = [p["sku"] for p in found]
        if found:
            key = "products_relaxed" if relaxed else "products_intro"
            dispatcher.utter_message(
                json_message={
                    "type": "catalog",
                    "text": say(key, language, details=""),
                    "products": found,
                }
            )
        else:
            dispatcher.utter_message(text=say("products_none", language))
        if kids_new:
            dispatcher.utter_message(
                json_message={
                    "type": "catalog",
                    "text": say("kids_new", language),
                    "products": kids_new,
                }
            )
            shown += [p["sku"] for p in kids_new]
        dispatcher.utter_message(
            text=say("live_offer", language),
            buttons=[{"title": say("live_button", language), "payload": "/request_human"}],
        )
        previously = tracker.get_slot("products_shown") or []
        return [SlotSet("products_shown", previously + [s for s in shown if s not in previously])]


async def _profile(tracker: Tracker) -> dict[str, Any]:
    customer_id = tracker.get_slot("customer_id")
    if not customer_id:
        return {}
    return await webapp_client.customer(customer_id=customer_id) or {}
