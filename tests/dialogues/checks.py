"""The dialogue suite's expectations, evaluated on the frames of one customer turn.

Pure Python (no Django, no network): `test_dialogues.py` drives the real stack and hands
the frames it received to `check_turn`; `test_checks.py` tests the logic on synthetic
frames. The vocabulary is documented in tests/dialogues/README.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

DIALOGUES_DIR = Path(__file__).parent

CLASSES = (
    "needless_questions",
    "constraints",
    "understanding",
    "product_questions",
    "unsold",
    "size_advice",
    "kb_direct",
    "missing_content",
    "digressions",
    "language_switch",
    "complaint",
    "bad_input",
)
LANGUAGES = ("it", "en")
MIN_DIALOGUES_PER_CLASS_AND_LANGUAGE = 10
# One socket per dialogue: the widget's rate limit allows a burst of 10 frames
# (resume + a message and a ping per turn), so a dialogue has at most 4 turns.
MAX_TURNS = 4
PASS_RATE_REQUIRED = 0.90

# (code, name_it, name_en, fibre_type), as shop/demo.py MATERIALS (a unit test keeps them equal).
MATERIALS: tuple[tuple[str, str, str, str], ...] = (
    ("wool", "lana", "wool", "natural"),
    ("merino", "lana merino", "merino wool", "natural"),
    ("cashmere", "cashmere", "cashmere", "natural"),
    ("cotton", "cotone", "cotton", "natural"),
    ("linen", "lino", "linen", "natural"),
    ("silk", "seta", "silk", "natural"),
    ("alpaca", "alpaca", "alpaca", "natural"),
    ("polyester", "poliestere", "polyester", "synthetic"),
    ("acrylic", "acrilico", "acrylic", "synthetic"),
    ("nylon", "nylon", "nylon", "synthetic"),
    ("wool-blend", "lana e acrilico", "wool and acrylic", "blend"),
    ("cotton-blend", "cotone misto", "cotton blend", "blend"),
)
MATERIAL_CODES = {code for code, *_ in MATERIALS}

# docs/conversation-design.md: what a colour word covers.
COLOUR_FAMILIES: dict[str, set[str]] = {
    "red": {"red", "burgundy"},
    "blue": {"blue", "navy", "light-blue"},
    "green": {"green"},
    "grey": {"grey", "gray"},
    "black": {"black"},
    "white": {"white", "cream"},
    "brown": {"brown", "camel"},
    "beige": {"beige", "camel", "cream"},
    "pink": {"pink"},
    "yellow": {"yellow"},
    "navy": {"navy"},
    "light-blue": {"light-blue"},
    "burgundy": {"burgundy"},
    "camel": {"camel"},
    "cream": {"cream"},
}

SKU_CATEGORIES = {
    "PUL": "pullover",
    "CAR": "cardigan",
    "SHI": "shirt",
    "TSH": "tshirt",
    "TRO": "trousers",
    "JAC": "jacket",
    "SCA": "scarf",
    "DRE": "dress",
}
SKU_AUDIENCES = {"W": "woman", "M": "man", "K": "kids"}
ASK_DIMENSIONS = ("category", "audience", "size", "color")

PRODUCT_KEYS = {
    "category",
    "audience",
    "size",
    "material",
    "not_material",
    "fibre_type",
    "color",
    "max_price",
    "min_price",
    "sku",
    "on_offer",
}
EXPECT_KEYS = {
    "contains_any",
    "contains_all",
    "not_contains",
    "matches_any",
    "products",
    "order",
    "cheaper_than_before",
    "no_products",
    "no_search_question",
    "asks",
    "handoff",
    "offers_person",
    "reply_language",
    "size_in",
    "no_form",
}
TURN_KEYS = {"say", "repeat_to", "expect"}
DIALOGUE_KEYS = {"id", "language", "as", "note", "turns"}


# --- text -----------------------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u02bc`"), "'")


def normalise(text: str) -> str:
    """Lowercase, no accents, plain dashes and apostrophes, no markdown emphasis,
    single spaces: what `contains_*` compare."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.translate(_DASHES).translate(_QUOTES).replace("*", "")
    return re.sub(r"\s+", " ", plain).strip().lower()


MATERIAL_BY_NAME = {
    normalise(name): code for code, it, en, _ in MATERIALS for name in (code, it, en)
}


# --- what one turn showed ---------------------------------------------------------------


def bot_messages(frames: Iterable[dict]) -> list[dict]:
    return [f for f in frames if f.get("type") == "message" and f.get("sender") == "bot"]


def system_events(frames: Iterable[dict]) -> list[str]:
    return [
        str((f.get("payload") or {}).get("event", ""))
        for f in frames
        if f.get("type") == "message" and f.get("sender") == "system"
    ]


def catalogs(frames: Iterable[dict]) -> list[list[dict]]:
    return [
        list((m.get("payload") or {}).get("products") or [])
        for m in bot_messages(frames)
        if m.get("kind") == "catalog"
    ]


def cards(frames: Iterable[dict]) -> list[dict]:
    return [card for catalog in catalogs(frames) for card in catalog]


def buttons(message: dict) -> list[dict]:
    return list((message.get("payload") or {}).get("buttons") or [])


def bot_text(frames: Iterable[dict]) -> str:
    """Everything the customer reads: texts, button titles, product names."""
    parts: list[str] = []
    for message in bot_messages(frames):
        parts.append(str(message.get("text") or ""))
        parts.extend(str(b.get("title") or "") for b in buttons(message))
        for card in (message.get("payload") or {}).get("products") or []:
            parts.append(str(card.get("name") or ""))
    return "\n".join(p for p in parts if p)


def asked(message: dict) -> str | None:
    """The search dimension a bot message asks for (`payload.asks`), if any."""
    payload = message.get("payload") or {}
    value = payload.get("asks")
    if value is None and isinstance(payload.get("custom"), dict):
        value = payload["custom"].get("asks")
    return str(value) if value else None


def questions(frames: Iterable[dict]) -> list[str]:
    """The bot's questions this turn (normalised text), to catch one asked over and over:
    every search question (`payload.asks`), and any other question in a turn that showed
    no products (a turn with products made progress, whatever it offers next)."""
    frames = list(frames)
    progress = bool(cards(frames))
    found = []
    for message in bot_messages(frames):
        text = normalise(str(message.get("text") or ""))
        if asked(message) or ("?" in text and not progress):
            found.append(text)
    return found


def handed_off(frames: Iterable[dict]) -> bool:
    frames = list(frames)
    return any(f.get("type") == "state" and f.get("state") == "queued" for f in frames) or (
        "handoff" in system_events(frames)
    )


PERSON_WORDS = (
    "operatore",
    "operatrice",
    "collega",
    "persona",
    "assistenza umana",
    "operator",
    "colleague",
    "a person",
    "human",
    "agent",
    "someone from",
    "member of staff",
    "staff",
)


def offers_person(frames: Iterable[dict]) -> bool:
    """A handoff happened, a button leads to a person, or the text offers one."""
    frames = list(frames)
    if handed_off(frames):
        return True
    for message in bot_messages(frames):
        for button in buttons(message):
            if "request_human" in str(button.get("payload", "")) or "live" in str(
                button.get("payload", "")
            ):
                return True
    text = normalise(bot_text(frames))
    return any(word in text for word in PERSON_WORDS)


# --- language ---------------------------------------------------------------------------

ITALIAN_WORDS = set(
    "il lo la le gli di che per non sono con una un uno ecco puoi ti del della dei delle "
    "questi questo questa hai ci mi anche sul nel nella taglia colore grazie prodotti vuoi "
    "posso cerchi negozio giorni consegna reso abbiamo vendiamo operatore collega certo "
    "perfetto piu e ho sei cosa come quale quali tuo tua tuoi vorresti ecco qui ciao "
    "scusa capito aiutarti dimmi oppure altro ancora solo tutti taglie colori".split()
)
ENGLISH_WORDS = set(
    "the you your for and with here are is can what size colour color thanks of to we our "
    "do this these it would like which sizes colours any or also only all sorry understand "
    "help tell me my hello hi there have has that about how from be will".split()
)


def language_of(text: str) -> str | None:
    words = re.findall(r"[a-z']+", normalise(text))
    italian = sum(w in ITALIAN_WORDS for w in words)
    english = sum(w in ENGLISH_WORDS for w in words)
    if italian == english:
        return None
    return "it" if italian > english else "en"


# --- products ---------------------------------------------------------------------------


def price(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None


def effective_price(card: dict) -> Decimal:
    """What the product costs today: the offer price when there is one."""
    offer = price(card.get("offer_price"))
    listed = price(card.get("price"))
    if offer is not None:
        return offer
    return listed if listed is not None else Decimal("0")


def card_category(card: dict) -> str:
    return str(card.get("category") or SKU_CATEGORIES.get(str(card.get("sku", ""))[:3], ""))


def card_audience(card: dict) -> str:
    if card.get("audience"):
        return str(card["audience"])
    parts = str(card.get("sku", "")).split("-")
    return SKU_AUDIENCES.get(parts[1], "") if len(parts) > 1 else ""


def card_material(card: dict) -> str:
    if card.get("material_code"):
        return str(card["material_code"])
    name = normalise(str(card.get("material") or ""))
    return MATERIAL_BY_NAME.get(name, name)


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, list | tuple | set) else [value]


def card_problems(card: dict, spec: dict) -> list[str]:
    """How `card` breaks the product constraints `spec` (empty: it satisfies them all)."""
    problems = []
    sku = card.get("sku", "?")
    if "sku" in spec and sku not in _as_list(spec["sku"]):
        problems.append(f"{sku} is not {spec['sku']}")
    if "category" in spec and card_category(card) not in _as_list(spec["category"]):
        problems.append(f"{sku} is a {card_category(card)}, not {spec['category']}")
    if "audience" in spec and card_audience(card) not in _as_list(spec["audience"]):
        problems.append(f"{sku} is for {card_audience(card)}, not {spec['audience']}")
    if "size" in spec:
        sizes = {str(s) for s in card.get("sizes") or []}
        if not sizes & {str(s) for s in _as_list(spec["size"])}:
            problems.append(f"{sku} has no size {spec['size']} (sizes {sorted(sizes)})")
    material = card_material(card)
    if "material" in spec and material not in _as_list(spec["material"]):
        problems.append(f"{sku} is {material}, not {spec['material']}")
    if "not_material" in spec and material in _as_list(spec["not_material"]):
        problems.append(f"{sku} is {material}, excluded")
    if "fibre_type" in spec and card.get("fibre_type") not in _as_list(spec["fibre_type"]):
        problems.append(f"{sku} is {card.get('fibre_type')}, not {spec['fibre_type']}")
    if "color" in spec:
        wanted = set().union(*(COLOUR_FAMILIES.get(c, {c}) for c in _as_list(spec["color"])))
        colours = {str(c) for c in card.get("colours") or []}
        if not colours & wanted:
            problems.append(f"{sku} comes in {sorted(colours)}, none {spec['color']}")
    cost = effective_price(card)
    if "max_price" in spec and cost > Decimal(str(spec["max_price"])):
        problems.append(f"{sku} costs {cost}, over {spec['max_price']}")
    if "min_price" in spec and cost < Decimal(str(spec["min_price"])):
        problems.append(f"{sku} costs {cost}, under {spec['min_price']}")
    if spec.get("on_offer") and price(card.get("offer_price")) is None:
        problems.append(f"{sku} is not on offer")
    return problems


# --- sizes in a reply ---------------------------------------------------------------------

_SIZE_WORDS = {"extra small": "XS", "small": "S", "medium": "M", "large": "L", "extra large": "XL"}


def _size_pattern(size: str) -> re.Pattern:
    kids = re.fullmatch(r"(\d+)-(\d+)([ym])", size)
    if kids:
        low, high, _ = kids.groups()
        return re.compile(rf"(?<!\d){low}\s*[-/]\s*{high}(?!\d)")
    # "L'altezza" is not a size L
    return re.compile(rf"(?<![\w\-/']){re.escape(size)}(?![\w\-/'\u2019])")


def sizes_named(text: str, sizes: Iterable[str]) -> list[str]:
    """Which of `sizes` the text recommends (lines of a size table do not count)."""
    prose = "\n".join(line for line in text.splitlines() if "|" not in line)
    prose = prose.replace("\u2013", "-")
    named = [s for s in sizes if _size_pattern(s).search(prose)]
    lowered = normalise(prose)
    for word, size in _SIZE_WORDS.items():
        if size in sizes and size not in named and re.search(rf"\b{word}\b", lowered):
            if word in ("small", "large") and f"extra {word}" in lowered:
                continue
            named.append(size)
    return named


# --- the expectations ---------------------------------------------------------------------


@dataclass
class History:
    """What earlier turns of the dialogue showed."""

    questions: Counter = field(default_factory=Counter)
    last_cards: list[dict] = field(default_factory=list)
    handoff_turn: int | None = None


def _contains(text: str, item: str | list[str]) -> bool:
    return any(normalise(str(alt)) in text for alt in _as_list(item))


def check_global(frames: list[dict], history: History) -> list[str]:
    """What every turn must respect, stated or not."""
    failures = []
    errors = [f for f in frames if f.get("type") == "error"]
    if errors:
        failures.append(f"error: {errors[0].get('code')} {errors[0].get('detail', '')}".strip())
    if "bot_unavailable" in system_events(frames):
        failures.append("error: bot_unavailable (the bot did not answer)")
    if not any(
        str(m.get("text") or "").strip() or m.get("kind") in ("catalog", "buttons", "form")
        for m in bot_messages(frames)
    ):
        failures.append("silence: no bot message")
    for question in questions(frames):
        history.questions[question] += 1
        if history.questions[question] > 2:
            failures.append(f"repeated_question: asked a third time: {question[:120]!r}")
            break
    return failures


def check_turn(
    expect: dict[str, Any], frames: list[dict], history: History, catalogue: list[dict]
) -> list[str]:
    """The stated expectations of one turn, in a fixed order; each failure reads
    `<expectation>: <why>`."""
    failures: list[str] = []
    text = normalise(bot_text(frames))
    shown = cards(frames)

    if "contains_any" in expect and not any(_contains(text, i) for i in expect["contains_any"]):
        failures.append(f"contains_any: none of {expect['contains_any']}")
    for item in expect.get("contains_all", []):
        if not _contains(text, item):
            failures.append(f"contains_all: missing {item}")
            break
    for item in expect.get("not_contains", []):
        if _contains(text, item):
            failures.append(f"not_contains: says {item}")
            break
    if "matches_any" in expect and not any(
        re.search(p, text) for p in _as_list(expect["matches_any"])
    ):
        failures.append(f"matches_any: no match for {expect['matches_any']}")

    spec = expect.get("products")
    if spec is not None:
        if not shown:
            failures.append(f"products: no products shown (wanted {spec})")
        else:
            problems = [p for card in shown for p in card_problems(card, spec)]
            if problems:
                failures.append(f"products: {problems[0]}")
    if "order" in expect:
        failures.extend(_order_failures(expect["order"], frames, spec or {}, catalogue))
    if expect.get("cheaper_than_before"):
        if not history.last_cards:
            failures.append("cheaper_than_before: no products were shown before")
        elif not shown:
            failures.append("cheaper_than_before: no products shown")
        else:
            floor = min(effective_price(c) for c in history.last_cards)
            dearer = [c for c in shown if effective_price(c) >= floor]
            if dearer:
                failures.append(
                    f"cheaper_than_before: {dearer[0].get('sku')} costs "
                    f"{effective_price(dearer[0])}, not less than {floor}"
                )
    if expect.get("no_products") and shown:
        failures.append(f"no_products: showed {[c.get('sku') for c in shown][:6]}")

    asks = [a for a in (asked(m) for m in bot_messages(frames)) if a]
    if expect.get("no_search_question") and asks:
        failures.append(f"no_search_question: asked for {asks[0]}")
    if "asks" in expect and expect["asks"] not in asks:
        failures.append(f"asks: did not ask for {expect['asks']} (asked {asks or 'nothing'})")

    if "handoff" in expect and handed_off(frames) != bool(expect["handoff"]):
        failures.append(
            "handoff: no handoff" if expect["handoff"] else "handoff: handed off to a person"
        )
    if expect.get("offers_person") and not offers_person(frames):
        failures.append("offers_person: no person offered")
    if "reply_language" in expect:
        found = language_of(bot_text(frames))
        if found != expect["reply_language"]:
            failures.append(f"reply_language: reply is in {found or 'no clear language'}")
    if "size_in" in expect and not sizes_named(bot_text(frames), expect["size_in"]):
        failures.append(f"size_in: no size of {expect['size_in']} recommended")
    if expect.get("no_form") and any(m.get("kind") == "form" for m in bot_messages(frames)):
        failures.append("no_form: an order form was shown")
    return failures


def _order_failures(order: str, frames: list[dict], spec: dict, catalogue: list[dict]) -> list[str]:
    shown_catalogs = [c for c in catalogs(frames) if c]
    if not shown_catalogs:
        return [f"order: no products shown ({order})"]
    first = shown_catalogs[0]
    prices = [effective_price(c) for c in first]
    ascending = order == "cheapest"
    if prices != sorted(prices, reverse=not ascending):
        listed = [(c.get("sku"), str(effective_price(c))) for c in first]
        return [f"order: not sorted {'cheapest' if ascending else 'dearest'} first: {listed}"]
    matching = [
        effective_price(p)
        for p in catalogue
        if p.get("published", True) and not card_problems(p, spec)
    ]
    if matching:
        best = min(matching) if ascending else max(matching)
        if (prices[0] > best) if ascending else (prices[0] < best):
            return [
                f"order: first card {first[0].get('sku')} costs {prices[0]}, "
                f"the {order} matching product costs {best}"
            ]
    return []


# --- the dialogues ------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    say: str
    expect: dict[str, Any]


@dataclass(frozen=True)
class Dialogue:
    id: str
    cls: str
    language: str
    turns: tuple[Turn, ...]
    as_customer: str | None = None
    note: str = ""


class DialogueError(ValueError):
    pass


def _turn(raw: dict, where: str) -> Turn:
    if not isinstance(raw, dict) or "say" not in raw:
        raise DialogueError(f"{where}: a turn needs `say`")
    unknown = set(raw) - TURN_KEYS
    if unknown:
        raise DialogueError(f"{where}: unknown turn keys {sorted(unknown)}")
    say = str(raw["say"])
    if raw.get("repeat_to"):  # a very long message: the text again and again
        length = int(raw["repeat_to"])
        unit = say.strip() + " "
        say = (unit * (length // len(unit) + 1))[:length]
        say = say[:-1] + "." if say.endswith(" ") else say
    expect = raw.get("expect") or {}
    unknown = set(expect) - EXPECT_KEYS
    if unknown:
        raise DialogueError(f"{where}: unknown expectations {sorted(unknown)}")
    products = expect.get("products")
    if products is not None:
        if not isinstance(products, dict) or set(products) - PRODUCT_KEYS:
            raise DialogueError(f"{where}: products takes {sorted(PRODUCT_KEYS)}")
        materials = _as_list(products.get("material", [])) + list(products.get("not_material", []))
        if set(materials) - MATERIAL_CODES:
            raise DialogueError(f"{where}: unknown material {set(materials) - MATERIAL_CODES}")
        if "color" in products and set(_as_list(products["color"])) - set(COLOUR_FAMILIES):
            raise DialogueError(f"{where}: unknown colour {products['color']}")
    if expect.get("order") not in (None, "cheapest", "most_expensive"):
        raise DialogueError(f"{where}: order is cheapest or most_expensive")
    if expect.get("asks") not in (None, *ASK_DIMENSIONS):
        raise DialogueError(f"{where}: asks is one of {ASK_DIMENSIONS}")
    if expect.get("reply_language") not in (None, *LANGUAGES):
        raise DialogueError(f"{where}: reply_language is it or en")
    for key in ("contains_any", "contains_all", "not_contains", "size_in"):
        if key in expect and not isinstance(expect[key], list):
            raise DialogueError(f"{where}: {key} takes a list")
    return Turn(say=say, expect=expect)


def load_class(path: Path) -> list[Dialogue]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cls = path.stem
    if cls not in CLASSES:
        raise DialogueError(f"{path.name}: not a failure class ({', '.join(CLASSES)})")
    if not isinstance(data, dict) or data.get("class") != cls:
        raise DialogueError(f"{path.name}: starts with `class: {cls}`")
    dialogues = []
    for raw in data.get("dialogues") or []:
        where = f"{path.name}:{raw.get('id', '?')}"
        unknown = set(raw) - DIALOGUE_KEYS
        if unknown:
            raise DialogueError(f"{where}: unknown keys {sorted(unknown)}")
        if raw.get("language") not in LANGUAGES:
            raise DialogueError(f"{where}: language is it or en")
        if raw.get("as") not in (None, "mario"):
            raise DialogueError(f"{where}: `as` is mario or absent")
        turns = tuple(
            _turn(t, f"{where} turn {i + 1}") for i, t in enumerate(raw.get("turns") or [])
        )
        if not 1 <= len(turns) <= MAX_TURNS:
            raise DialogueError(f"{where}: 1 to {MAX_TURNS} turns")
        dialogues.append(
            Dialogue(
                id=str(raw["id"]),
                cls=cls,
                language=raw["language"],
                turns=turns,
                as_customer=raw.get("as"),
                note=str(raw.get("note") or ""),
            )
        )
    return dialogues


def load_dialogues(directory: Path = DIALOGUES_DIR) -> list[Dialogue]:
    dialogues = [d for cls in CLASSES for d in load_class(directory / f"{cls}.yml")]
    seen: Counter = Counter(d.id for d in dialogues)
    duplicates = [i for i, n in seen.items() if n > 1]
    if duplicates:
        raise DialogueError(f"duplicate dialogue ids: {duplicates}")
    return dialogues


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    dialogue: Dialogue
    failure: str = ""  # the first failed expectation; "" when the dialogue passed
    turn: int = 0  # 1-based turn of the failure
    said: str = ""
    reply: str = ""

    @property
    def passed(self) -> bool:
        return not self.failure

    @property
    def reason(self) -> str:
        """The failure's kind, for counting: `products`, `silence`, `handoff`..."""
        return self.failure.split(":", 1)[0]


def pass_rate(results: list[Result]) -> float:
    return sum(r.passed for r in results) / len(results) if results else 0.0


def _cell(results: list[Result]) -> str:
    if not results:
        return "–"
    passed = sum(r.passed for r in results)
    return f"{passed}/{len(results)} ({pass_rate(results):.0%})"


def _one_line(text: str, limit: int) -> str:
    flat = re.sub(r"\s+", " ", text).strip().replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def render_report(results: list[Result], facts: Iterable[str] = ()) -> str:
    """The markdown report; `facts` are bullet lines about the run (date, model)."""
    overall = pass_rate(results)
    verdict = "passes" if overall >= PASS_RATE_REQUIRED else "fails"
    turns = sum(len(r.dialogue.turns) for r in results)
    lines = [
        "# Conversation quality",
        "",
        "Generated by tests/dialogues/test_dialogues.py; do not edit by hand. Multi-turn",
        "dialogues (tests/dialogues/*.yml, vocabulary in tests/dialogues/README.md) run",
        "against the real model, actions and web through the widget protocol; a dialogue",
        "passes when every turn meets its expectations and the global checks (a reply, no",
        "error, no question asked a third time). `make conversation-quality` rewrites this",
        f"file; `make test` writes var/conversation-quality.md and fails below "
        f"{PASS_RATE_REQUIRED:.0%}.",
        "",
        *[f"- {fact}" for fact in facts],
        f"- Dialogues: {len(results)} ({turns} customer turns)",
        "",
        f"**Overall: {_cell(results)}** — the suite {verdict} (required {PASS_RATE_REQUIRED:.0%}).",
        "",
        "| class | it | en | all |",
        "|---|---|---|---|",
    ]
    for cls in CLASSES:
        of_class = [r for r in results if r.dialogue.cls == cls]
        if not of_class:
            continue
        by_language = [[r for r in of_class if r.dialogue.language == lang] for lang in LANGUAGES]
        lines.append(
            f"| {cls} | {_cell(by_language[0])} | {_cell(by_language[1])} | {_cell(of_class)} |"
        )
    by_language = [[r for r in results if r.dialogue.language == lang] for lang in LANGUAGES]
    lines.append(
        f"| **all** | {_cell(by_language[0])} | {_cell(by_language[1])} | {_cell(results)} |"
    )
    failing = [r for r in results if not r.passed]
    if failing:
        reasons = Counter(r.reason for r in failing)
        lines += [
            "",
            "## Why dialogues fail",
            "",
            "| first failed expectation | dialogues |",
            "|---|---|",
        ]
        lines += [f"| {reason} | {count} |" for reason, count in reasons.most_common()]
        lines += [
            "",
            "## Failing dialogues",
            "",
            "| dialogue | turn | customer | first failed expectation | bot |",
            "|---|---|---|---|---|",
        ]
        for r in failing:
            lines.append(
                f"| {r.dialogue.id} | {r.turn} | {_one_line(r.said, 80)} | "
                f"{_one_line(r.failure, 160)} | {_one_line(r.reply, 220)} |"
            )
    return "\n".join(lines) + "\n"
