"""What `understanding.read` finds in real customers' phrasing, both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actions import search
from actions.understanding import read

NO_WOOL = ["merino", "wool", "wool-blend"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "vorrei un maglione senza lana per mio marito",
            {"category": "pullover", "audience": "man", "exclude_materials": NO_WOOL},
        ),
        ("no wool please", {"exclude_materials": NO_WOOL}),
        ("anything but wool", {"exclude_materials": NO_WOOL}),
        ("di lana", {"materials": ["wool", "merino"]}),
        ("something in cashmir", {"materials": ["cashmere"]}),
        ("maglione di lan", {"category": "pullover", "materials": ["wool", "merino"]}),
        ("un sweter", {"category": "pullover"}),
        ("due maglioncini", {"category": "pullover"}),
        ("una camicetta", {"category": "shirt"}),
        ("t-shirt bianche", {"category": "tshirt", "colours": ["white", "cream"]}),
        ("what about linen?", {"materials": ["linen"]}),
        ("e in lino?", {"materials": ["linen"]}),
        ("solo fibre naturali", {"fibre_type": "natural"}),
        (
            "niente sintetici",
            {
                "exclude_materials": sorted(
                    ["acrylic", "cotton-blend", "nylon", "polyester", "wool-blend"]
                )
            },
        ),
        ("per mia figlia di 9 anni", {"audience": "kids", "size": "9-10y"}),
        ("my daughter is 9", {"audience": "kids", "size": "9-10y"}),
        ("un bimbo di 18 mesi", {"audience": "kids", "size": "1-2y"}),
        ("for a 6 months old baby", {"audience": "kids", "size": "6-12m"}),
        ("per mio figlio che ha 16 anni", {"audience": "man", "size": None}),
        ("I'm a medium", {"size": "M"}),
        ("taglia L", {"size": "L"}),
        ("L", {"size": "L"}),
        ("porto la XL", {"size": "XL"}),
        ("rosso", {"colours": ["red", "burgundy"]}),
        ("just the green ones", {"colours": ["green"]}),
        ("blu scuro", {"colours": ["navy"]}),
        ("va bene qualsiasi tinta", {"any_colour": True, "colours": []}),
        ("colour doesn't matter", {"any_colour": True}),
        ("entro i 40 euro", {"max_price": Decimal("40")}),
        ("under €50", {"max_price": Decimal("50")}),
        ("tra 30 e 60 euro", {"min_price": Decimal("30"), "max_price": Decimal("60")}),
        ("il più economico", {"sort": "price"}),
        ("the most expensive one", {"sort": "-price"}),
        ("something less expensive", {"cheaper": True, "sort": "price"}),
        ("pullover in offerta", {"category": "pullover", "on_offer": True}),
        ("il PUL-W-003 è di cashmere?", {"sku": "PUL-W-003", "materials": ["cashmere"]}),
        ("do you sell handbags?", {"unsold": "handbags", "category": None}),
        ("avete delle borse?", {"unsold": "borse"}),
        ("parliamo in italiano?", {"language_request": "it"}),
        ("can we speak English?", {"language_request": "en"}),
        ("è una vergogna, terza volta che scrivo", {"anger": True}),
        ("a che ora aprite?", {"anger": False, "kb_topic": True}),
        ("how long does delivery take?", {"anger": False, "kb_topic": True}),
        (
            "sono alto 180 e peso 80 kg, che taglia?",
            {"height_cm": 180, "weight_kg": 80, "size_question": True, "category": None},
        ),
        ("1,65 m e 55 kg", {"height_cm": 165, "weight_kg": 55}),
        ("asdfghjkl", {"gibberish": True}),
        ("😀😀😀", {"gibberish": True}),
        ("ok", {"gibberish": False}),
        ("operatore", {"human_request": True}),
        (
            "un golfino per mia moglie, porta la S",
            {"category": "pullover", "audience": "woman", "size": "S"},
        ),
        ("fammi vedere i maglioni da donna più cari", {"sort": "-price"}),
        ("il pullover da bambino che costa meno", {"sort": "price", "audience": "kids"}),
        ("allora dammi la giacca più economica", {"sort": "price", "cheaper": False}),
        ("qualcosa di più economico", {"cheaper": True}),
        (
            "maglione blu, niente fibre sintetiche",
            {"exclude_materials": ["acrylic", "cotton-blend", "nylon", "polyester", "wool-blend"]},
        ),
        ("volevo una giacca per la mia nonnina", {"audience": "woman"}),
        ("pantaloni per il mio ragazzo, lui porta la M", {"audience": "man", "size": "M"}),
        ("un cardigan per il neonato di mia sorella", {"audience": "kids", "size": "0-6m"}),
        ("need a shirt 4 my dad, sz L", {"audience": "man", "size": "L"}),
        ("I'd like to get a sweater for my hubby", {"audience": "man"}),
        ("avete scarpe da ginnastica numero 42?", {"unsold": "scarpe", "category": None}),
        ("mi servono dei calzini di lana", {"unsold": "calzini", "category": None}),
        ("vorrei un divano letto", {"unsold": "divano", "category": None}),
        ("mia moglie ha 90 cm di seno, che taglia?", {"chest_cm": 90, "audience": "woman"}),
        ("a boy who is two and a half, what size?", {"size": "1-2y"}),
        ("sorry, I don't speak Italian", {"language_request": "en"}),
        ("can my alpaca jumper go in the machine?", {"care": True}),
        (
            "cerco un regalo per mia suocera, non di lana, sui 50 euro",
            {"audience": "woman", "max_price": Decimal("60"), "wish": True},
        ),
        ("a warm cardi for my mum", {"category": "cardigan", "audience": "woman"}),
        ("che differenza c'è tra la taglia M e la L?", {"size_question": True}),
        ("il mio maglione si è infeltrito", {"care": True, "owned": True}),
        ("vorrei un maglione lavabile in lavatrice", {"care": False, "category": "pullover"}),
        ("my jumper has a hole", {"owned": True, "kb_topic": True}),
        ("cerco un maglione per mio marito", {"owned": False, "kb_topic": False}),
        ("scusa, non parlo inglese", {"language_request": "it"}),
        ("per la seconda volta l'ordine sbagliato, ma come lavorate?!", {"anger": True}),
    ],
)
def test_a_message_reads_as_its_constraints(text, expected):
    reading = read(text)
    for name, value in expected.items():
        got = getattr(reading, name)
        if isinstance(value, list):
            got = sorted(got) if name != "colours" else got
            value = sorted(value) if name != "colours" else value
        assert got == value, (text, name, got)


def test_a_very_long_message_is_read_without_error():
    reading = read("maglione " * 400 + "senza lana")
    assert reading.category == "pullover"


@pytest.mark.parametrize(
    ("first", "then", "expected", "gone"),
    [
        (
            "maglione da uomo di lana",
            "solo quelli verdi",
            {"category": "pullover", "audience": "man", "colors": ["green"]},
            [],
        ),
        (
            "maglione blu",
            "e in lino?",
            {"materials": ["linen"], "colors": ["blue", "navy", "light-blue"]},
            [],
        ),
        (
            "maglione rosso di lana per mia moglie",
            "e una sciarpa?",
            {"category": "scarf", "audience": "woman"},
            ["colors", "materials"],
        ),
        (
            "maglione per mia figlia di 9 anni",
            "per mio marito invece",
            {"audience": "man"},
            ["size"],
        ),
        ("maglione di lana", "no wool please", {"exclude_materials": NO_WOOL}, ["materials"]),
        ("maglione verde", "qualsiasi colore", {"any_colour": True}, ["colors"]),
    ],
)
def test_a_follow_up_refines_the_search(first, then, expected, gone):
    state = search.merge(search.merge({}, read(first)), read(then))
    for name, value in expected.items():
        assert state[name] == value, (name, state)
    for name in gone:
        assert name not in state, (name, state)


def test_something_cheaper_is_below_the_cheapest_shown():
    state = search.merge(
        {"category": "pullover", "_cheapest_shown": "49.00"}, read("something less expensive")
    )
    assert state["max_price"] == "48.99" and state["sort"] == "price"


def test_the_search_is_described_in_the_customers_words():
    state = search.merge({}, read("maglione da uomo senza lana entro i 60 euro"))
    assert search.describe(state, "it") == "pullover da uomo, senza lana, fino a 60 €"
    assert search.describe(state, "en") == "pullovers for men, without wool, up to €60"
