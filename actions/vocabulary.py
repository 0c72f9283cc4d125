"""Free-text answers to the shop assistant's questions → catalog values.

The NLU's synonyms normalise extracted entities; this covers an answer typed when no
entity was recognised (e.g. "taglia elle", "5 anni", "qualsiasi").
"""

from __future__ import annotations

import re

CATEGORIES = {
    "pullover": ["pullover", "maglione", "maglioncino", "maglia", "golf", "sweater", "jumper"],
    "cardigan": ["cardigan"],
    "shirt": ["camicia", "camicie", "shirt"],
    "tshirt": ["t-shirt", "tshirt", "maglietta"],
    "trousers": ["pantaloni", "pantalone", "trousers", "pants"],
    "jacket": ["giacca", "giubbotto", "giacche", "jacket", "coat"],
    "scarf": ["sciarpa", "sciarpe", "scarf"],
    "dress": ["vestito", "abito", "dress"],
}
AUDIENCES = {
    "kids": ["bimb", "bambin", "figli", "kid", "child", "son", "daughter", "ragazz", "nipot"],
    "woman": ["donna", "lei", "moglie", "woman", "women", "wife", "her", "signora", "mamma"],
    "man": ["uomo", "lui", "marito", "man", "men", "husband", "him", "papà", "papa"],
}
COLOURS = {
    "blue": ["blu", "blue"],
    "navy": ["navy", "blu scuro"],
    "light-blue": ["azzurro", "light blue", "celeste"],
    "grey": ["grigio", "grey", "gray"],
    "red": ["rosso", "red"],
    "green": ["verde", "green"],
    "black": ["nero", "black"],
    "white": ["bianco", "white"],
    "beige": ["beige"],
    "brown": ["marrone", "brown"],
    "pink": ["rosa", "pink"],
    "yellow": ["giallo", "yellow"],
    "burgundy": ["bordeaux", "burgundy"],
    "camel": ["cammello", "camel"],
    "cream": ["panna", "crema", "cream"],
}
ANY = ["qualsiasi", "indifferente", "tutti", "any", "whatever", "no preference", "non importa"]
ADULT_SIZES = ["XXL", "XS", "XL", "S", "M", "L"]
KIDS_AGE_SIZES = [
    (0, "0-6m"),
    (1, "1-2y"),
    (2, "1-2y"),
    (3, "3-4y"),
    (4, "3-4y"),
    (5, "5-6y"),
    (6, "5-6y"),
    (7, "7-8y"),
    (8, "7-8y"),
    (9, "9-10y"),
    (10, "9-10y"),
    (11, "11-12y"),
    (12, "11-12y"),
]


def _lookup(text: str, table: dict[str, list[str]]) -> str | None:
    lowered = text.lower()
    for value, words in table.items():
        if value == lowered or any(re.search(rf"\b{re.escape(w)}", lowered) for w in words):
            return value
    return None


def category(text: str) -> str | None:
    return _lookup(text, CATEGORIES)


def audience(text: str) -> str | None:
    return _lookup(text, AUDIENCES)


def colour(text: str) -> str | None:
    lowered = text.lower()
    if any(word in lowered for word in ANY):
        return "any"
    return _lookup(text, COLOURS)


def size(text: str) -> str | None:
    """'L', 'taglia m', '5 anni', '5-6y', '5 years' → a catalog size."""
    lowered = text.strip().lower()
    if re.fullmatch(r"\d{1,2}\s*-\s*\d{1,2}\s*[ym]", lowered):
        return lowered.replace(" ", "")
    age = re.search(r"\b(\d{1,2})\s*(anni|anno|years?|yrs?|y)\b", lowered)
    if age:
        years = int(age.group(1))
        return dict(KIDS_AGE_SIZES).get(years)
    if re.search(r"\b(\d{1,2})\s*(mesi|months?)\b", lowered):
        return "0-6m" if int(re.search(r"\d+", lowered).group()) < 6 else "6-12m"
    for candidate in ADULT_SIZES:
        if re.search(rf"(^|\b|taglia\s*|size\s*){candidate.lower()}\b", lowered):
            return candidate
    return None
