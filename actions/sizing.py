"""Size advice from height, weight, chest or age, with the size guide's table.

The adult tables are the size guide's (kb/demo_trees/size-guide.yml): chest decides when
given; otherwise weight, nudged up one size for tall people. Children's sizes follow age
(or height). The answer always says it is a guide, not a promise.
"""

from __future__ import annotations

from typing import Any

from actions.texts import say
from actions.understanding import Reading, child_size

ADULT = ("XS", "S", "M", "L", "XL")
# Upper bounds of chest (cm) per size, from the size guide.
CHEST_MAX = {"woman": (84, 88, 96, 102, 108), "man": (90, 96, 104, 110, 116)}
# Upper bounds of weight (kg) per size: a rough fit for a regular build.
WEIGHT_MAX = {"woman": (50, 58, 68, 78, 90), "man": (60, 70, 82, 95, 110)}
TALL_CM = {"woman": 178, "man": 188}
KIDS_HEIGHT = (
    (68, "0-6m"),
    (80, "6-12m"),
    (92, "1-2y"),
    (104, "3-4y"),
    (116, "5-6y"),
    (128, "7-8y"),
    (140, "9-10y"),
    (152, "11-12y"),
)
TABLES = {
    "woman": {
        "it": "Taglie donna (torace cm): XS 80-84 · S 84-88 · M 88-96 · L 96-102 · XL 102-108",
        "en": "Women's sizes (bust cm): XS 80-84 · S 84-88 · M 88-96 · L 96-102 · XL 102-108",
    },
    "man": {
        "it": "Taglie uomo (torace cm): XS 86-90 · S 90-96 · M 96-104 · L 104-110 · XL 110-116",
        "en": "Men's sizes (chest cm): XS 86-90 · S 90-96 · M 96-104 · L 104-110 · XL 110-116",
    },
    "kids": {
        "it": "Taglie bambino (altezza cm): 0-6m 56-68 · 6-12m 68-80 · 1-2y 80-92 · 3-4y 98-104 "
        "· 5-6y 110-116 · 7-8y 122-128 · 9-10y 134-140 · 11-12y 146-152",
        "en": "Kids' sizes (height cm): 0-6m 56-68 · 6-12m 68-80 · 1-2y 80-92 · 3-4y 98-104 "
        "· 5-6y 110-116 · 7-8y 122-128 · 9-10y 134-140 · 11-12y 146-152",
    },
}
WHO = {
    "it": {"woman": "taglie donna", "man": "taglie uomo"},
    "en": {"woman": "women's sizes", "man": "men's sizes"},
}


def _index(value: float, bounds: tuple[int, ...]) -> int:
    for index, bound in enumerate(bounds):
        if value <= bound:
            return index
    return len(bounds) - 1


def adult_size(
    *, audience: str, height_cm: int | None, weight_kg: int | None, chest_cm: int | None
) -> str | None:
    if chest_cm:
        return ADULT[_index(chest_cm, CHEST_MAX[audience])]
    if weight_kg:
        index = _index(weight_kg, WEIGHT_MAX[audience])
        if height_cm and height_cm >= TALL_CM[audience] and index < len(ADULT) - 1:
            index += 1
        return ADULT[index]
    if height_cm:
        # Height alone: a middle build.
        bounds = (158, 166, 174, 182, 999) if audience == "woman" else (168, 175, 183, 190, 999)
        return ADULT[_index(height_cm, bounds)]
    return None


def kids_size(reading: Reading) -> str | None:
    size = child_size(years=reading.age_years, months=reading.age_months)
    if size:
        return size
    if reading.height_cm and reading.height_cm <= 152:
        return next(s for bound, s in KIDS_HEIGHT if reading.height_cm <= bound or s == "11-12y")
    return None


def _measures(reading: Reading, language: str) -> str:
    parts = []
    if reading.height_cm:
        parts.append(f"{reading.height_cm} cm")
    if reading.weight_kg:
        parts.append(f"{reading.weight_kg} kg")
    if reading.chest_cm:
        parts.append(("torace " if language == "it" else "chest ") + f"{reading.chest_cm} cm")
    if reading.age_years is not None:
        parts.append(f"{reading.age_years} " + ("anni" if language == "it" else "years"))
    if reading.age_months is not None:
        parts.append(f"{reading.age_months} " + ("mesi" if language == "it" else "months"))
    return (" e " if language == "it" else " and ").join(parts)


def advise(reply: Any, reading: Reading, state: dict[str, Any]) -> None:
    """Say the size to take, the table it comes from and the caveat."""
    language = "en" if reply.language == "en" else "it"
    audience = reading.audience or state.get("audience")
    is_child = (
        audience == "kids"
        or (reading.age_years is not None and reading.age_years < 13)
        or reading.age_months is not None
    )
    if is_child:
        size = kids_size(reading)
        if size is None:
            reply.text("size_need_data")
            return
        text = say("size_advice_kids", language, measures=_measures(reading, language), size=size)
        table = TABLES["kids"][language]
    else:
        audience = (
            audience
            if audience in ("woman", "man")
            else (
                "man"
                if (reading.height_cm or 0) >= 175 or (reading.weight_kg or 0) >= 80
                else "woman"
            )
        )
        size = adult_size(
            audience=audience,
            height_cm=reading.height_cm,
            weight_kg=reading.weight_kg,
            chest_cm=reading.chest_cm,
        )
        if size is None:
            reply.text("size_need_data")
            return
        text = say(
            "size_advice",
            language,
            measures=_measures(reading, language),
            size=size,
            who=WHO[language][audience],
        )
        table = TABLES[audience][language]
    reply.dispatcher.utter_message(
        json_message={
            "type": "text",
            "text": f"{text}\n\n{table}\n\n{say('size_caveat', language)}",
        }
    )
