"""Greeting: by name when the web identified the customer, plain otherwise."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import webapp_client


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        customer_id = tracker.get_slot("customer_id")
        profile = None
        if customer_id:
            try:
                profile = await webapp_client.customer(customer_id=customer_id)
            except webapp_client.Unavailable:
                profile = None  # a plain greeting is better than none
        if profile and profile.get("first_name"):
            dispatcher.utter_message(response="utter_greet_named", first_name=profile["first_name"])
        else:
            dispatcher.utter_message(response="utter_greet")
        return []
