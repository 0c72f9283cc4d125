"""Order status: an identified customer's latest orders, or one order by number + check."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import webapp_client
from actions.texts import say


def _order_line(order: dict[str, Any], language: str) -> str:
    return say(
        "order_line",
        language,
        number=order["number"],
        created=order["created_on"],
        status=order["status_label"],
        delivery=order["estimated_delivery"],
    )


class ValidateOrderStatusForm(FormValidationAction):
    """An identified customer needs nothing more; anyone else gives number and check."""

    def name(self) -> str:
        return "validate_order_status_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        return [] if tracker.get_slot("customer_id") else domain_slots

    def validate_order_number(self, value, dispatcher, tracker, domain: DomainDict):
        number = str(value or "").strip().upper()
        if not number or len(number) > 12:
            dispatcher.utter_message(response="utter_invalid_value")
            return {"order_number": None}
        return {"order_number": number}

    def validate_order_check(self, value, dispatcher, tracker, domain: DomainDict):
        return {"order_check": str(value or "").strip()[:120] or None}


class ActionOrderStatus(Action):
    def name(self) -> str:
        return "action_order_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = tracker.get_slot("language") or "it"
        customer_id = tracker.get_slot("customer_id")
        try:
            if customer_id:
                orders = await webapp_client.customer_orders(
                    customer_id=customer_id, language=language
                )
                if not orders:
                    dispatcher.utter_message(text=say("orders_none", language))
                    return []
                lines = [say("orders_intro", language)] + [_order_line(o, language) for o in orders]
                dispatcher.utter_message(text="\n".join(lines))
                return []
            number = tracker.get_slot("order_number") or ""
            order = await webapp_client.order_checked(
                number=number, check=tracker.get_slot("order_check") or "", language=language
            )
        except webapp_client.Unavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if order is None:
            dispatcher.utter_message(
                text=say("order_not_found", language, number=number),
                buttons=[{"title": say("handoff_button", language), "payload": "/request_human"}],
            )
        else:
            dispatcher.utter_message(text=_order_line(order, language))
        # Forget the check: it must be given again for another order.
        return [SlotSet("order_check", None), SlotSet("order_number", None)]
