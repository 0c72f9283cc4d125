"""The shop assistant as a search: what the customer said so far, merged turn by turn.

The search state lives in one slot (`search`, a dict of terms). `merge` applies a new
message's terms to it (a follow-up refines: "solo quelli verdi", "e in lino?"); `run`
asks the catalogue, shows what matches and asks at most one refining question, only
when the results are too many to show or there are none.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions import webapp_client
from actions.texts import say
from actions.understanding import Reading

SHOWN = 6
# Search terms kept in the slot; underscore keys are bookkeeping, not filters.
FILTERS = (
    "category",
    "audience",
    "size",
    "colors",
    "materials",
    "exclude_materials",
    "fibre_type",
    "min_price",
    "max_price",
    "sort",
    "on_offer",
)
CATEGORY_NAMES = {
    "it": {
        "pullover": "pullover",
        "cardigan": "cardigan",
        "shirt": "camicie",
        "tshirt": "t-shirt",
        "trousers": "pantaloni",
        "jacket": "giacche",
        "scarf": "sciarpe",
        "dress": "vestiti",
    },
    "en": {
        "pullover": "pullovers",
        "cardigan": "cardigans",
        "shirt": "shirts",
        "tshirt": "T-shirts",
        "trousers": "trousers",
        "jacket": "jackets",
        "scarf": "scarves",
        "dress": "dresses",
    },
}
AUDIENCE_NAMES = {
    "it": {"woman": "da donna", "man": "da uomo", "kids": "per bambini"},
    "en": {"woman": "for women", "man": "for men", "kids": "for children"},
}
MATERIAL_NAMES = {
    "it": {
        "wool": "lana",
        "merino": "merino",
        "cashmere": "cashmere",
        "cotton": "cotone",
        "cotton-blend": "cotone misto",
        "linen": "lino",
        "silk": "seta",
        "alpaca": "alpaca",
        "polyester": "poliestere",
        "acrylic": "acrilico",
        "nylon": "nylon",
        "wool-blend": "lana e acrilico",
    },
    "en": {
        "wool": "wool",
        "merino": "merino",
        "cashmere": "cashmere",
        "cotton": "cotton",
        "cotton-blend": "cotton blend",
        "linen": "linen",
        "silk": "silk",
        "alpaca": "alpaca",
        "polyester": "polyester",
        "acrylic": "acrylic",
        "nylon": "nylon",
        "wool-blend": "wool blend",
    },
}
COLOUR_NAMES = {
    "it": {
        "red": "rosso",
        "burgundy": "bordeaux",
        "blue": "blu",
        "navy": "blu navy",
        "light-blue": "azzurro",
        "green": "verde",
        "grey": "grigio",
        "black": "nero",
        "white": "bianco",
        "cream": "panna",
        "brown": "marrone",
        "camel": "cammello",
        "beige": "beige",
        "pink": "rosa",
        "yellow": "giallo",
        "orange": "arancione",
        "purple": "viola",
    },
    "en": {},
}


def merge(current: dict[str, Any] | None, reading: Reading) -> dict[str, Any]:
    """The search after this message: new terms replace old ones of the same kind."""
    state = dict(current or {})
    new = reading.search_terms()
    if "category" in new and new["category"] != state.get("category"):
        # Another kind of garment: the person and their size stay, the rest was about
        # the other garment.
        for name in ("colors", "color_words", "materials", "min_price", "max_price", "sort"):
            state.pop(name, None)
        state.pop("_asked", None)
    if "audience" in new and new["audience"] != state.get("audience") and "size" not in new:
        state.pop("size", None)
    if reading.any_colour:
        state.pop("colors", None)
        state.pop("color_words", None)
        state["any_colour"] = True
    if reading.any_size:
        state.pop("size", None)
    if reading.any_price:
        state.pop("min_price", None)
        state.pop("max_price", None)
    if reading.any_material:
        state.pop("materials", None)
        state.pop("fibre_type", None)
    for name, value in new.items():
        if name in ("any_colour",):
            continue
        if name == "exclude_materials":
            state[name] = sorted(set(state.get(name, [])) | set(value))
            state["materials"] = [m for m in state.get("materials", []) if m not in value]
            if not state["materials"]:
                state.pop("materials")
        elif name == "materials":
            state[name] = value
            excluded = [m for m in state.get("exclude_materials", []) if m not in value]
            state["exclude_materials"] = excluded
            if not excluded:
                state.pop("exclude_materials")
        else:
            state[name] = value
    if "colors" in new:
        state.pop("any_colour", None)
    if reading.cheaper and state.get("_cheapest_shown"):
        cheapest = Decimal(state["_cheapest_shown"])
        state["max_price"] = str(max(cheapest - Decimal("0.01"), Decimal("0")))
        state["sort"] = "price"
    return state


def relax(state: dict[str, Any]) -> dict[str, Any]:
    """The search without the filter the bot offered to drop ("yes, show me those")."""
    state = dict(state)
    dimension = state.pop("_relax", None)
    if dimension:
        state.pop(dimension, None)
        if dimension == "max_price":
            state.pop("min_price", None)
        if dimension == "colors":
            state.pop("color_words", None)
    return state


def filters_of(state: dict[str, Any]) -> dict[str, Any]:
    return {name: state[name] for name in FILTERS if state.get(name) not in (None, "", [])}


def has_filters(state: dict[str, Any] | None) -> bool:
    return bool(filters_of(state or {}))


def describe(state: dict[str, Any], language: str) -> str:
    """ "pullover da uomo, senza lana, fino a 60 €" — what the search is, in words."""
    lang = "en" if language == "en" else "it"
    parts: list[str] = []
    category = state.get("category")
    parts.append(
        CATEGORY_NAMES[lang].get(category, "")
        if category
        else ("capi" if lang == "it" else "garments")
    )
    if state.get("audience"):
        parts.append(AUDIENCE_NAMES[lang][state["audience"]])
    extras: list[str] = []
    words = state.get("color_words") or []
    if words:
        extras.append(("colore " if lang == "it" else "colour ") + "/".join(words))
    elif state.get("colors"):
        names = [COLOUR_NAMES[lang].get(c, c) for c in state["colors"]]
        extras.append(("colore " if lang == "it" else "colour ") + "/".join(names))
    if state.get("materials"):
        names = [MATERIAL_NAMES[lang].get(m, m) for m in state["materials"]]
        extras.append(("in " if lang == "it" else "in ") + " / ".join(dict.fromkeys(names)))
    if state.get("fibre_type") == "natural":
        extras.append("in fibre naturali" if lang == "it" else "in natural fibres")
    if state.get("exclude_materials"):
        main = _main_exclusion(state["exclude_materials"])
        name = (
            MATERIAL_NAMES[lang].get(main, main)
            if main != "synthetic"
            else ("fibre sintetiche" if lang == "it" else "synthetic fibres")
        )
        extras.append(("senza " if lang == "it" else "without ") + name)
    if state.get("size"):
        extras.append(("taglia " if lang == "it" else "size ") + state["size"])
    if state.get("min_price") and state.get("max_price"):
        extras.append(
            f"tra {state['min_price']} e {state['max_price']} €"
            if lang == "it"
            else f"between €{state['min_price']} and €{state['max_price']}"
        )
    elif state.get("max_price"):
        extras.append(
            f"fino a {state['max_price']} €" if lang == "it" else f"up to €{state['max_price']}"
        )
    elif state.get("min_price"):
        extras.append(
            f"da {state['min_price']} €" if lang == "it" else f"from €{state['min_price']}"
        )
    if state.get("on_offer"):
        extras.append("in offerta" if lang == "it" else "on offer")
    if state.get("sort") == "price":
        extras.append("dal meno caro" if lang == "it" else "cheapest first")
    elif state.get("sort") == "-price":
        extras.append("dal più caro" if lang == "it" else "most expensive first")
    head = " ".join(p for p in parts if p)
    return head + (", " + ", ".join(extras) if extras else "")


def _main_exclusion(excluded: list[str]) -> str:
    if {"polyester", "acrylic", "nylon"} <= set(excluded):
        return "synthetic"
    for code in ("wool", "cashmere", "cotton", "linen", "silk", "alpaca", "merino"):
        if code in excluded:
            return code
    return excluded[0]


def _effective_price(card: dict[str, Any]) -> Decimal:
    return Decimal(str(card.get("offer_price") or card.get("price") or "0"))


ASK_ORDER = ("category", "audience", "size")
RELAX_ORDER = ("colors", "size", "max_price", "materials", "fibre_type", "on_offer")
RELAX_REPLIES = {
    "colors": {"it": "qualsiasi colore", "en": "any colour"},
    "size": {"it": "qualsiasi taglia", "en": "any size"},
    "max_price": {"it": "qualsiasi prezzo", "en": "any price"},
    "materials": {"it": "qualsiasi materiale", "en": "any material"},
    "fibre_type": {"it": "qualsiasi materiale", "en": "any material"},
    "on_offer": {"it": "anche non in offerta", "en": "not only on offer"},
}


async def run(
    dispatcher: CollectingDispatcher,
    *,
    state: dict[str, Any],
    language: str,
    ask_above: int = SHOWN,
) -> tuple[dict[str, Any], dict[str, Any] | None, list[str]]:
    """Show what matches `state`. Returns (new state, the refining question to ask last or
    None, the SKUs shown)."""
    filters = filters_of(state)
    body = await webapp_client.product_search(language=language, limit=str(SHOWN), **filters)
    found, total = body["products"], int(body["total"])
    state = dict(state)
    description = describe(state, language)
    if not found:
        state.pop("_cheapest_shown", None)
        relaxed = await _closest(state, language)
        if relaxed is None:
            dispatcher.utter_message(text=say("search_none", language, what=description))
            return state, None, []
        dimension, count = relaxed
        reply = RELAX_REPLIES[dimension][language if language == "en" else "it"]
        state["_relax"] = dimension  # a plain "yes" drops this filter
        return (
            state,
            {
                "type": "buttons",
                "text": say("search_none_but", language, what=description, count=count),
                "buttons": [
                    {"title": reply.capitalize(), "payload": reply},
                    {"title": say("handoff_button", language), "payload": "/request_human"},
                ],
                "asks": "relax",
            },
            [],
        )
    state["_cheapest_shown"] = str(min(_effective_price(p) for p in found))
    key = "search_found_many" if total > len(found) else "search_found"
    dispatcher.utter_message(
        json_message={
            "type": "catalog",
            "text": say(key, language, what=description, total=total, shown=len(found)),
            "products": found,
        }
    )
    asked = None
    already = set(state.get("_asked", []))
    if total > ask_above and not already:
        for dimension in ASK_ORDER:
            if state.get(dimension):
                continue
            if dimension == "size" and state.get("category") == "scarf":
                continue
            asked = dimension
            break
        if asked:
            state["_asked"] = [*already, asked]
    return state, question(asked, language) if asked else None, [p["sku"] for p in found]


async def _closest(state: dict[str, Any], language: str) -> tuple[str, int] | None:
    """The one constraint whose removal finds something, and how many, or None."""
    for dimension in RELAX_ORDER:
        if not state.get(dimension):
            continue
        trial = {k: v for k, v in filters_of(state).items() if k != dimension}
        if dimension == "max_price":
            trial.pop("min_price", None)
        body = await webapp_client.product_search(language=language, limit="1", **trial)
        if body["total"]:
            return dimension, int(body["total"])
    return None


QUESTIONS = {
    "category": {
        "it": (
            "Che tipo di capo cerchi?",
            ["Pullover", "Cardigan", "Camicie", "Pantaloni", "Giacche", "Sciarpe"],
        ),
        "en": (
            "What kind of garment are you looking for?",
            ["Pullovers", "Cardigans", "Shirts", "Trousers", "Jackets", "Scarves"],
        ),
    },
    "audience": {
        "it": ("Per chi è?", ["Donna", "Uomo", "Bambini 0-12"]),
        "en": ("Who is it for?", ["Woman", "Man", "Kids 0-12"]),
    },
    "size": {
        "it": ('Che taglia? (per i bambini basta l\'età, per esempio "5 anni")', []),
        "en": ('Which size? (for children, the age is fine, e.g. "5 years")', []),
    },
}


def question(dimension: str, language: str) -> dict[str, Any]:
    text, labels = QUESTIONS[dimension]["en" if language == "en" else "it"]
    return {
        "type": "buttons",
        "text": text,
        "buttons": [{"title": label, "payload": label} for label in labels],
        "asks": dimension,
    }
