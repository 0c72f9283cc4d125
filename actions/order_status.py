"""Order status: an identified customer's latest orders, or one order by number + check."""

from __future__ import annotations

import re
from typing import Any

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


ORDER_NUMBER = re.compile(r"\b([a-z]-?\d{5}|\d{5,8})\b", re.IGNORECASE)
CHECK = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}|\b\d{5}\b", re.IGNORECASE)


async def order_status_turn(reply: Any, turn: Any) -> None:
    """An identified customer's orders at once; anyone else gives number, then a check."""
    language, tracker = reply.language, reply.tracker
    customer_id = tracker.get_slot("customer_id")
    if customer_id:
        orders = await webapp_client.customer_orders(customer_id=customer_id, language=language)
        reply.set("pending", None)
        if not orders:
            reply.text("orders_none")
            return
        lines = [say("orders_intro", language)] + [_order_line(o, language) for o in orders]
        reply.dispatcher.utter_message(text="\n".join(lines))
        return
    pending = tracker.get_slot("pending")
    number = tracker.get_slot("order_number")
    text = "" if turn.payload else turn.text
    found = ORDER_NUMBER.search(text)
    if found and pending != "order_check":
        number = found.group(1).upper()
        if re.fullmatch(r"[A-Z]\d{5}", number):
            number = f"{number[0]}-{number[1:]}"
        reply.set("order_number", number)
    if not number:
        reply.set("pending", "order_number")
        reply.asked = "order_number"
        reply.dispatcher.utter_message(response="utter_ask_order_number")
        return
    check = CHECK.search(text) if pending == "order_check" else None
    if pending == "order_check" and check is None and text.strip():
        check_value = text.strip()[:120]
    elif check is not None:
        check_value = check.group(0)
    else:
        reply.set("pending", "order_check")
        reply.asked = "order_check"
        reply.dispatcher.utter_message(response="utter_ask_order_check")
        return
    order = await webapp_client.order_checked(number=number, check=check_value, language=language)
    if order is None:
        reply.dispatcher.utter_message(
            text=say("order_not_found", language, number=number),
            buttons=[{"title": say("handoff_button", language), "payload": "/request_human"}],
        )
    else:
        reply.dispatcher.utter_message(text=_order_line(order, language))
    # Forget the check: it must be given again for another order.
    reply.set("pending", None)
    reply.set("order_number", None)
