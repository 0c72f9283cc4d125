"""Canned responses with placeholders filled from the customer and their orders.

Placeholders (unknown ones are left as typed, so a typo shows instead of vanishing):

    {customer.salutation}  Sig. / Sig.ra / Mr / Ms      {customer.first_name}
    {customer.last_name}   {customer.name}              {customer.email}
    {order.last.number}    {order.last.status}          {order.last.estimated_delivery}
    {order.last.total}     {ticket.number}              {operator.name}
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q

from agent_console.models import CannedResponse
from crm.models import Conversation
from shop.selectors import STATUS_LABELS, customer_orders_latest

PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)+)\}")
DATE_FORMATS = {"it": "%d/%m/%Y", "en": "%d %b %Y"}


def placeholder_values(*, conversation: Conversation, operator_name: str) -> dict[str, str]:
    language = conversation.language if conversation.language in DATE_FORMATS else "it"
    values = {"operator.name": operator_name}
    if conversation.ticket_id:
        values["ticket.number"] = conversation.ticket.number
    customer = conversation.customer
    if customer is None:
        return values
    values |= {
        "customer.salutation": customer.salutation_label(language),
        "customer.first_name": customer.first_name,
        "customer.last_name": customer.last_name,
        "customer.name": customer.full_name,
        "customer.email": customer.email,
    }
    latest = customer_orders_latest(customer_id=customer.pk, limit=1)
    if latest:
        order = latest[0]
        values |= {
            "order.last.number": order.number,
            "order.last.status": STATUS_LABELS[language][order.status],
            "order.last.estimated_delivery": order.estimated_delivery.strftime(
                DATE_FORMATS[language]
            ),
            "order.last.total": str(order.total),
        }
    return values


def canned_fill(template: str, values: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        return values.get(match.group(1), match.group(0))

    filled = PLACEHOLDER.sub(replace, template)
    return re.sub(r"[ \t]{2,}", " ", filled).replace(" ,", ",").strip()


def canned_for_conversation(
    *, conversation: Conversation, operator_name: str
) -> list[dict[str, Any]]:
    values = placeholder_values(conversation=conversation, operator_name=operator_name)
    responses = CannedResponse.objects.filter(
        Q(team__isnull=True) | Q(team_id=conversation.team_id)
    )
    return [
        {
            "title": response.title,
            "shortcut": response.shortcut,
            "text": canned_fill(response.text(conversation.language), values),
        }
        for response in responses
    ]
