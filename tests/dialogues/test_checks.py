"""The dialogue suite's own logic on synthetic frames, and the dialogue files themselves."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.dialogues import checks
from tests.dialogues.checks import History, check_global, check_turn

ROOT = Path(__file__).resolve().parents[2]


def bot(text: str = "", kind: str = "text", **payload) -> dict:
    return {"type": "message", "sender": "bot", "kind": kind, "text": text, "payload": payload}


def card(sku: str, **fields) -> dict:
    base = {
        "sku": sku,
        "name": f"Product {sku}",
        "material": "lana",
        "fibre_type": "natural",
        "price": "50.00",
        "sizes": ["XS", "S", "M", "L", "XL"],
        "colours": ["grey"],
    }
    return base | fields


def catalog(*cards: dict, text: str = "Ecco") -> dict:
    return bot(text, kind="catalog", products=list(cards))


TYPING_OFF = {"type": "typing", "sender": "bot", "active": False}


def check(expect: dict, frames: list[dict], history: History | None = None, catalogue=()):
    return check_turn(expect, frames, history or History(), list(catalogue))


# --- text -------------------------------------------------------------------------------


def test_contains_is_case_and_accent_insensitive_over_texts_buttons_and_product_names():
    frames = [
        bot("Hai **30 giorni** dalla consegna – è gratuito"),
        bot(
            "Altro?", kind="buttons", buttons=[{"title": "Parla con un Operatore", "payload": "/x"}]
        ),
        catalog(card("PUL-W-003", name="Dolcevita in Cashmere")),
    ]
    assert check({"contains_any": ["30 GIORNI"]}, frames) == []
    assert check({"contains_all": ["e gratuito", "operatore", "cashmere"]}, frames) == []
    assert check({"contains_all": ["consegna - e"]}, frames) == []  # dashes are plain
    assert check({"contains_any": ["paypal", "contrassegno"]}, frames) == [
        "contains_any: none of ['paypal', 'contrassegno']"
    ]
    assert check({"not_contains": ["Gratuìto"]}, frames) == ["not_contains: says Gratuìto"]


def test_contains_all_takes_alternatives_and_only_bot_text_counts():
    frames = [
        {"type": "message", "sender": "customer", "kind": "text", "text": "rosso?", "payload": {}},
        bot("Lo abbiamo in bordeaux e grigio"),
    ]
    assert check({"contains_all": [["red", "bordeaux"], ["grigio", "grey"]]}, frames) == []
    assert check({"contains_all": [["rosso", "red"]]}, frames) == [
        "contains_all: missing ['rosso', 'red']"
    ]


def test_matches_any_searches_the_normalised_text():
    hours = r"\b(dalle|from)\s*(7|8|9|10)\b"
    assert check({"matches_any": [hours]}, [bot("Siamo qui dalle 9 alle 18")]) == []
    assert check({"matches_any": [hours]}, [bot("Express: 9,90 €")]) != []


# --- products -----------------------------------------------------------------------------


def test_products_needs_a_catalog_and_every_card_to_satisfy_the_spec():
    spec = {"products": {"category": "pullover", "audience": "man", "size": "M"}}
    good = card("PUL-M-001", category="pullover", audience="man")
    assert check(spec, [catalog(good)]) == []
    assert check(spec, [bot("Che taglia?")]) == [
        "products: no products shown (wanted {'category': 'pullover', 'audience': 'man', "
        "'size': 'M'})"
    ]
    # category and audience from the SKU when a card does not carry them
    wrong = card("CAR-W-001")
    (failure,) = check(spec, [catalog(good, wrong)])
    assert failure == "products: CAR-W-001 is a cardigan, not pullover"
    kids = card("PUL-K-001", sizes=["3-4y", "5-6y"])
    assert check({"products": {"size": "M"}}, [catalog(kids)])[0].startswith(
        "products: PUL-K-001 has no size M"
    )


def test_material_by_localised_name_or_code_and_exclusions():
    cashmere_it = card("PUL-W-003", material="cashmere")
    merino_en = card("PUL-W-002", material="Merino wool")
    blend_it = card("PUL-W-008", material="lana e acrilico", fibre_type="blend")
    assert checks.card_material(merino_en) == "merino"
    assert checks.card_material(blend_it) == "wool-blend"
    assert checks.card_material({"material_code": "silk", "material": "x"}) == "silk"
    no_wool = {"products": {"not_material": ["wool", "merino", "wool-blend"]}}
    assert check(no_wool, [catalog(cashmere_it)]) == []
    assert check(no_wool, [catalog(cashmere_it, merino_en)]) == [
        "products: PUL-W-002 is merino, excluded"
    ]
    assert check({"products": {"material": ["wool", "merino"]}}, [catalog(merino_en)]) == []
    assert check({"products": {"fibre_type": "natural"}}, [catalog(blend_it)]) == [
        "products: PUL-W-008 is blend, not natural"
    ]


@pytest.mark.parametrize(
    ("wanted", "colours", "ok"),
    [
        ("red", ["burgundy", "grey"], True),
        ("red", ["pink"], False),
        ("blue", ["navy"], True),
        ("blue", ["light-blue"], True),
        ("white", ["cream"], True),
        ("brown", ["camel"], True),
        ("beige", ["cream"], True),
        ("navy", ["blue"], False),
        ("grey", ["black"], False),
    ],
)
def test_colour_families(wanted, colours, ok):
    failures = check({"products": {"color": wanted}}, [catalog(card("X-W-1", colours=colours))])
    assert (failures == []) is ok


def test_prices_are_what_the_product_costs_today():
    on_offer = card("SCA-M-001", price="39.00", offer_price="33.15", offer_label="-15%")
    full = card("PUL-M-005", price="32.00")
    assert check({"products": {"max_price": 35}}, [catalog(on_offer, full)]) == []
    assert check({"products": {"min_price": 33}}, [catalog(on_offer, full)]) == [
        "products: PUL-M-005 costs 32.00, under 33"
    ]
    assert check({"products": {"on_offer": True}}, [catalog(on_offer, full)]) == [
        "products: PUL-M-005 is not on offer"
    ]


def test_cheapest_means_sorted_and_the_first_card_is_the_cheapest_in_the_catalogue():
    catalogue = [
        card("PUL-M-005", category="pullover", audience="man", price="32.00"),
        card("PUL-M-006", category="pullover", audience="man", price="42.00"),
        card("PUL-M-009", category="pullover", audience="man", price="9.00", published=False),
        card("PUL-W-005", category="pullover", audience="woman", price="10.00"),
    ]
    spec = {"category": "pullover", "audience": "man"}
    sorted_ok = catalog(catalogue[0], catalogue[1])
    assert check({"products": spec, "order": "cheapest"}, [sorted_ok], catalogue=catalogue) == []
    unsorted = catalog(catalogue[1], catalogue[0])
    assert check({"order": "cheapest"}, [unsorted])[0].startswith("order: not sorted cheapest")
    not_the_cheapest = catalog(catalogue[1])
    assert check(
        {"products": spec, "order": "cheapest"}, [not_the_cheapest], catalogue=catalogue
    ) == ["order: first card PUL-M-006 costs 42.00, the cheapest matching product costs 32.00"]
    dearest = catalog(catalogue[1], catalogue[0])
    assert (
        check({"products": spec, "order": "most_expensive"}, [dearest], catalogue=catalogue) == []
    )
    assert check({"order": "cheapest"}, [bot("Ecco")]) == ["order: no products shown (cheapest)"]


def test_cheaper_than_before_compares_with_the_previous_turns_cards():
    history = History(last_cards=[card("A", price="129.00"), card("B", price="189.00")])
    assert check({"cheaper_than_before": True}, [catalog(card("C", price="49.00"))], history) == []
    assert check({"cheaper_than_before": True}, [catalog(card("C", price="129.00"))], history) == [
        "cheaper_than_before: C costs 129.00, not less than 129.00"
    ]
    assert check({"cheaper_than_before": True}, [catalog(card("C"))]) == [
        "cheaper_than_before: no products were shown before"
    ]


def test_no_products():
    assert check({"no_products": True}, [bot("Non vendiamo borse")]) == []
    assert check({"no_products": True}, [catalog(card("PUL-W-001"))]) == [
        "no_products: showed ['PUL-W-001']"
    ]


# --- questions, handoff, language, sizes ----------------------------------------------------


def test_search_questions_are_the_ones_with_payload_asks():
    question = bot("Che taglia porti?", kind="buttons", buttons=[], asks="size")
    custom = bot("Per chi è?", custom={"asks": "audience"})
    assert check({"no_search_question": True}, [bot("Ecco i prodotti")]) == []
    assert check({"no_search_question": True}, [question]) == ["no_search_question: asked for size"]
    assert check({"asks": "audience"}, [custom]) == []
    assert check({"asks": "color"}, [question]) == ["asks: did not ask for color (asked ['size'])"]


def test_handoff_shows_as_the_queued_state_or_the_handoff_event():
    state = {"type": "state", "state": "queued", "position": 1}
    event = {
        "type": "message",
        "sender": "system",
        "kind": "event",
        "text": "",
        "payload": {"event": "handoff", "reason": "complaint"},
    }
    words = bot("Ti metto in contatto con un collega")
    assert check({"handoff": True}, [words, state]) == []
    assert check({"handoff": True}, [words, event]) == []
    assert check({"handoff": True}, [words]) == ["handoff: no handoff"]
    assert check({"handoff": False}, [words, state]) == ["handoff: handed off to a person"]


def test_offers_person_accepts_a_handoff_a_button_or_words():
    button = bot(
        "Non ho capito", kind="buttons", buttons=[{"title": "Sì", "payload": "/request_human"}]
    )
    assert check({"offers_person": True}, [button]) == []
    assert check({"offers_person": True}, [bot("Vuoi parlare con un operatore?")]) == []
    assert check({"offers_person": True}, [bot("Shall I pass you to a colleague?")]) == []
    assert check({"offers_person": True}, [bot("Non ho capito, puoi riformulare?")]) == [
        "offers_person: no person offered"
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ecco i pullover da uomo che abbiamo in taglia M", "it"),
        ("Here are the men's pullovers we have in size M", "en"),
        ("Certo, possiamo continuare in italiano!", "it"),
        ("Sure, we can carry on in English. What are you looking for?", "en"),
        ("M", None),
    ],
)
def test_reply_language(text, language):
    assert checks.language_of(text) == language
    failures = check({"reply_language": "it"}, [bot(text)])
    assert (failures == []) is (language == "it")


@pytest.mark.parametrize(
    ("text", "sizes", "named"),
    [
        ("Ti consiglio la M, o la L se li vuoi morbidi.", ["M", "L"], ["M", "L"]),
        ("I'd go for a medium.", ["M"], ["M"]),
        ("I'd go for an extra large.", ["L"], []),
        ("La taglia giusta è 7–8 anni (7-8y).", ["7-8y"], ["7-8y"]),
        ("| M | 48–50 | 96–104 |\nDimmi altezza e peso.", ["M"], []),  # only the table
        ("L'altezza conta più del peso.", ["L"], []),
        ("Mario, ecco la tabella.", ["M"], []),
    ],
)
def test_sizes_named_outside_the_size_table(text, sizes, named):
    assert checks.sizes_named(text, sizes) == named


def test_no_form():
    form = bot("", kind="form", form="order", schema={})
    assert check({"no_form": True}, [form]) == ["no_form: an order form was shown"]
    assert check({"no_form": True}, [bot("Ti consiglio la M")]) == []


# --- global checks --------------------------------------------------------------------------


def test_every_turn_needs_a_reply_and_no_error():
    history = History()
    assert check_global([bot("Ciao!"), TYPING_OFF], history) == []
    assert check_global([TYPING_OFF], history) == ["silence: no bot message"]
    error = {"type": "error", "code": "too_long", "detail": "text is longer"}
    assert check_global([error], history)[0] == "error: too_long text is longer"
    unavailable = {
        "type": "message",
        "sender": "system",
        "kind": "event",
        "text": "",
        "payload": {"event": "bot_unavailable", "text": "..."},
    }
    assert "error: bot_unavailable (the bot did not answer)" in check_global([unavailable], history)


def test_the_same_question_may_come_twice_not_three_times():
    history = History()
    question = bot("Non ho capito: puoi riformulare?")
    assert check_global([question], history) == []
    assert check_global([bot("Non ho capito: puoi   RIFORMULARE?")], history) == []
    assert check_global([question], history) == [
        "repeated_question: asked a third time: 'non ho capito: puoi riformulare?'"
    ]
    assert check_global([bot("Ecco.")], History(questions=Counter())) == []


def test_an_offer_after_products_is_not_a_question_asked_over_and_over():
    history = History()
    offer = bot("Vuoi vederli con un operatore?", kind="buttons", buttons=[])
    for _ in range(3):
        assert check_global([catalog(card("PUL-M-001")), offer], history) == []
    size = bot("Che taglia?", kind="buttons", buttons=[], asks="size")
    for _ in range(2):
        assert check_global([catalog(card("PUL-M-001")), size], history) == []
    assert check_global([catalog(card("PUL-M-001")), size], history) == [
        "repeated_question: asked a third time: 'che taglia?'"
    ]


# --- dialogue files -------------------------------------------------------------------------


def test_a_dialogue_file_is_validated(tmp_path):
    path = tmp_path / "constraints.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "class": "constraints",
                "dialogues": [
                    {"id": "x", "language": "it", "turns": [{"say": "ciao", "expect": {"typo": 1}}]}
                ],
            }
        )
    )
    with pytest.raises(checks.DialogueError, match="unknown expectations"):
        checks.load_class(path)
    path.write_text(
        "class: constraints\ndialogues:\n- id: x\n  language: it\n  turns:\n"
        "  - say: ciao\n    expect: {products: {material: wolle}}\n"
    )
    with pytest.raises(checks.DialogueError, match="unknown material"):
        checks.load_class(path)


def test_repeat_to_builds_a_message_of_exactly_that_length(tmp_path):
    path = tmp_path / "bad_input.yml"
    path.write_text(
        "class: bad_input\ndialogues:\n- id: x\n  language: en\n  turns:\n"
        "  - say: blah blah\n    repeat_to: 2000\n"
    )
    (dialogue,) = checks.load_class(path)
    assert len(dialogue.turns[0].say) == 2000
    assert dialogue.turns[0].say.startswith("blah blah blah blah")


def test_the_suite_covers_every_class_in_both_languages():
    dialogues = checks.load_dialogues()
    counts = Counter((d.cls, d.language) for d in dialogues)
    for cls in checks.CLASSES:
        for language in checks.LANGUAGES:
            assert counts[cls, language] >= checks.MIN_DIALOGUES_PER_CLASS_AND_LANGUAGE, (
                cls,
                language,
            )
    assert len(dialogues) >= 240


def _training_examples() -> set[str]:
    examples = set()
    for path in (ROOT / "bot/data/nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                text = re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", line.strip()[2:])
                examples.add(checks.normalise(text).rstrip("?!. "))
    return examples


def test_no_customer_turn_is_a_training_example():
    """The suite measures generalisation: its phrasing is not the model's training data
    (short replies such as a greeting are allowed: they carry no expectation)."""
    training = _training_examples()
    copied = [
        (d.id, t.say)
        for d in checks.load_dialogues()
        for t in d.turns
        if t.expect and checks.normalise(t.say).rstrip("?!. ") in training
    ]
    assert copied == []


def test_the_materials_are_the_shops():
    from shop.demo import MATERIALS

    assert [(c, it, en, str(f)) for c, it, en, f in MATERIALS] == list(checks.MATERIALS)


def test_the_report_gives_rates_per_class_and_language_and_the_failures():
    dialogues = checks.load_dialogues()
    first, second = dialogues[0], dialogues[-1]
    results = [
        checks.Result(first),
        checks.Result(second, "offers_person: no person offered", 3, "blablabla", "Eh? | ok"),
    ]
    report = checks.render_report(results)
    assert "**Overall: 1/2 (50%)** — the suite fails" in report
    assert f"| {first.cls} | 1/1 (100%) | – | 1/1 (100%) |" in report
    assert f"| {second.cls} | – | 0/1 (0%) | 0/1 (0%) |" in report
    assert "| offers_person | 1 |" in report
    assert f"| {second.id} | 3 | blablabla | offers_person: no person offered | Eh? \\| ok |" in (
        report
    )
