"""Offers: what runs now and what is coming, from the shop's data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from actions import webapp_client
from actions.texts import say

MONTHS_IT = (
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"
).split()


def _date(iso: str, language: str) -> str:
    day = dt.date.fromisoformat(iso)
    if language == "en":
        return day.strftime("%-d %B %Y")
    return f"{day.day} {MONTHS_IT[day.month - 1]} {day.year}"


async def offers_say(reply: Any, state: dict[str, Any]) -> None:
    """What runs now and what is coming (for the garment being searched, if any)."""
    language = reply.language
    category = state.get("category") or ""
    offers = await webapp_client.offers(language=language, category=category)
    running = [o for o in offers if o["active"]]
    upcoming = [o for o in offers if not o["active"]]
    lines: list[str] = []
    for title, group in (("offers_running", running), ("offers_upcoming", upcoming)):
        if group:
            lines.append(say(title, language))
            lines += [
                say(
                    "offer_line",
                    language,
                    name=o["name"],
                    discount=o["discount_percent"],
                    starts=_date(o["starts_on"], language),
                    ends=_date(o["ends_on"], language),
                )
                + (f" — {o['description']}" if o.get("description") else "")
                for o in group
            ]
    if not lines:
        lines.append(say("offers_none", language))
    reply.dispatcher.utter_message(
        text="\n".join(lines),
        buttons=[{"title": say("show_products_button", language), "payload": "/browse_products"}],
    )
    reply.set("topic", "offers")
