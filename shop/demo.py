"""Demo data: a small Italian clothing shop with its customer service team.

`load_demo()` creates or refreshes everything below and may be run any number of
times: every row is looked up by a natural key and set to the same values, so a
second run on the same day changes nothing. Dates are relative to today (Rome time)
so that "new this month", "the June pullover offer" and "my order of last week"
stay true whenever the demo is loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from crm import roles
from crm.models import Customer, OperatorProfile, Team, TeamMembership
from kb.services import demo_trees_load
from shop.images import COLOURS, product_svg
from shop.models import Audience, Material, Offer, Order, OrderLine, PrepaidCard, Product
from shop.services import estimated_delivery

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

DEMO_PASSWORD = "demo1234"
SHOP_TIMEZONE = ZoneInfo("Europe/Rome")
ORDER_HOUR = dt.time(10, 0)  # fixed, so re-runs on the same day give the same created_at

ADULT_SIZES = ("XS", "S", "M", "L", "XL")
KIDS_SIZES = ("3-4y", "5-6y", "7-8y", "9-10y", "11-12y")
BABY_SIZES = ("0-6m", "6-12m", "1-2y", "3-4y")
ALL_KIDS_SIZES = ("0-6m", "6-12m", "1-2y", "3-4y", "5-6y", "7-8y", "9-10y", "11-12y")
ONE_SIZE = ("one size",)

# SKUs read CAT-A-NNN: the category and audience are spelled out by the code itself.
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
SKU_AUDIENCES = {"W": Audience.WOMAN, "M": Audience.MAN, "K": Audience.KIDS}


# --- materials ------------------------------------------------------------------------

NATURAL, SYNTHETIC, BLEND = (
    Material.FibreType.NATURAL,
    Material.FibreType.SYNTHETIC,
    Material.FibreType.BLEND,
)

# (code, name_it, name_en, fibre_type)
MATERIALS: tuple[tuple[str, str, str, str], ...] = (
    ("wool", "lana", "wool", NATURAL),
    ("merino", "lana merino", "merino wool", NATURAL),
    ("cashmere", "cashmere", "cashmere", NATURAL),
    ("cotton", "cotone", "cotton", NATURAL),
    ("linen", "lino", "linen", NATURAL),
    ("silk", "seta", "silk", NATURAL),
    ("alpaca", "alpaca", "alpaca", NATURAL),
    ("polyester", "poliestere", "polyester", SYNTHETIC),
    ("acrylic", "acrilico", "acrylic", SYNTHETIC),
    ("nylon", "nylon", "nylon", SYNTHETIC),
    ("wool-blend", "lana e acrilico", "wool and acrylic", BLEND),
    ("cotton-blend", "cotone misto", "cotton blend", BLEND),
)


# --- products ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductData:
    sku: str
    material: str  # Material.code
    name_it: str
    name_en: str
    description_it: str
    description_en: str
    colours: tuple[str, ...]
    price: str  # EUR, as text so the Decimal is exact
    stock: int
    sizes: tuple[str, ...] | None = None  # None: the usual sizes of the audience/category
    arrival: int | None = None  # new_arrival_date as days from today (negative: past)
    published: bool = True

    @property
    def category(self) -> str:
        return SKU_CATEGORIES[self.sku.split("-")[0]]

    @property
    def audience(self) -> str:
        return SKU_AUDIENCES[self.sku.split("-")[1]]

    @property
    def all_sizes(self) -> tuple[str, ...]:
        if self.sizes is not None:
            return self.sizes
        if self.category == "scarf":
            return ONE_SIZE
        return KIDS_SIZES if self.audience == Audience.KIDS else ADULT_SIZES


PRODUCTS: tuple[ProductData, ...] = (
    # Pullovers, woman
    ProductData(
        "PUL-W-001",
        "wool",
        "Pullover girocollo in lana",
        "Wool crew-neck pullover",
        "Caldo e morbido, in pura lana vergine.",
        "Warm and soft, in pure new wool.",
        ("beige", "grey", "burgundy"),
        "69.00",
        25,
    ),
    ProductData(
        "PUL-W-002",
        "merino",
        "Pullover a coste in lana merino",
        "Ribbed merino pullover",
        "Merino extrafine, leggero e non pizzica.",
        "Extra-fine merino, light and never itchy.",
        ("cream", "light-blue", "black"),
        "89.00",
        18,
    ),
    ProductData(
        "PUL-W-003",
        "cashmere",
        "Dolcevita in cashmere",
        "Cashmere turtleneck",
        "Puro cashmere, collo alto morbido.",
        "Pure cashmere with a soft high neck.",
        ("camel", "grey", "black"),
        "189.00",
        8,
    ),
    ProductData(
        "PUL-W-004",
        "cotton",
        "Pullover leggero in cotone",
        "Light cotton pullover",
        "Cotone pettinato, ideale per la mezza stagione.",
        "Combed cotton, ideal for spring.",
        ("white", "pink", "light-blue"),
        "49.00",
        30,
    ),
    ProductData(
        "PUL-W-005",
        "acrylic",
        "Pullover a trecce in acrilico",
        "Cable-knit acrylic pullover",
        "Trecce classiche, lavabile in lavatrice.",
        "Classic cables, machine washable.",
        ("red", "cream"),
        "35.00",
        40,
    ),
    ProductData(
        "PUL-W-006",
        "polyester",
        "Pullover in poliestere riciclato",
        "Recycled polyester pullover",
        "Filato riciclato, asciuga in fretta.",
        "Recycled yarn that dries quickly.",
        ("green", "grey"),
        "39.00",
        22,
    ),
    ProductData(
        "PUL-W-007",
        "alpaca",
        "Pullover con scollo a V in alpaca",
        "Alpaca V-neck pullover",
        "Alpaca soffice e caldissima.",
        "Fluffy and very warm alpaca.",
        ("brown", "cream"),
        "129.00",
        10,
    ),
    ProductData(
        "PUL-W-008",
        "wool-blend",
        "Pullover in misto lana",
        "Wool-blend pullover",
        "Lana e acrilico: caldo e resistente.",
        "Wool and acrylic: warm and hard-wearing.",
        ("navy", "burgundy"),
        "45.00",
        35,
    ),
    ProductData(
        "PUL-W-009",
        "merino",
        "Pullover collo alto in merino extrafine",
        "Extra-fine merino mock-neck pullover",
        "In arrivo: merino extrafine con collo a lupetto.",
        "Coming soon: extra-fine merino with a mock neck.",
        ("yellow", "navy"),
        "99.00",
        12,
        arrival=10,
        published=False,
    ),
    # Pullovers, man
    ProductData(
        "PUL-M-001",
        "wool",
        "Pullover girocollo in lana",
        "Wool crew-neck pullover",
        "Lana vergine, vestibilità regolare.",
        "New wool, regular fit.",
        ("navy", "grey", "green"),
        "75.00",
        20,
    ),
    ProductData(
        "PUL-M-002",
        "merino",
        "Pullover con scollo a V in merino",
        "Merino V-neck pullover",
        "Sottile, perfetto sotto la giacca.",
        "Fine knit, perfect under a jacket.",
        ("blue", "grey", "burgundy"),
        "95.00",
        16,
    ),
    ProductData(
        "PUL-M-003",
        "cashmere",
        "Pullover girocollo in cashmere",
        "Cashmere crew-neck pullover",
        "Cashmere della Mongolia, morbidissimo.",
        "Mongolian cashmere, exceptionally soft.",
        ("camel", "navy", "grey"),
        "199.00",
        6,
    ),
    ProductData(
        "PUL-M-004",
        "cotton",
        "Pullover in cotone a grana di riso",
        "Moss-stitch cotton pullover",
        "Punto grana di riso, fresco e traspirante.",
        "Moss stitch, cool and breathable.",
        ("beige", "blue"),
        "55.00",
        28,
    ),
    ProductData(
        "PUL-M-005",
        "acrylic",
        "Pullover basic in acrilico",
        "Basic acrylic pullover",
        "Il basic di tutti i giorni.",
        "The everyday basic.",
        ("black", "grey"),
        "32.00",
        45,
    ),
    ProductData(
        "PUL-M-006",
        "polyester",
        "Pullover in pile di poliestere",
        "Polyester fleece pullover",
        "Pile caldo e leggero per il tempo libero.",
        "Warm, light fleece for the outdoors.",
        ("navy", "black"),
        "42.00",
        30,
    ),
    ProductData(
        "PUL-M-007",
        "wool-blend",
        "Pullover a trecce in misto lana",
        "Cable-knit wool-blend pullover",
        "Trecce in rilievo, stile montagna.",
        "Chunky cables, mountain style.",
        ("cream", "brown"),
        "59.00",
        18,
    ),
    ProductData(
        "PUL-M-008",
        "alpaca",
        "Pullover in alpaca",
        "Alpaca pullover",
        "Novità: alpaca peruviana, caldissima.",
        "New in: Peruvian alpaca, very warm.",
        ("grey", "camel"),
        "135.00",
        9,
        arrival=-8,
    ),
    ProductData(
        "PUL-M-009",
        "cashmere",
        "Pullover in cashmere con zip",
        "Cashmere half-zip pullover",
        "In arrivo: cashmere con mezza zip.",
        "Coming soon: cashmere with a half zip.",
        ("navy", "camel"),
        "219.00",
        5,
        arrival=20,
        published=False,
    ),
    # Cardigans
    ProductData(
        "CAR-W-001",
        "wool",
        "Cardigan in lana con bottoni",
        "Buttoned wool cardigan",
        "Bottoni in corno, lana vergine.",
        "Horn buttons, new wool.",
        ("grey", "burgundy"),
        "79.00",
        15,
    ),
    ProductData(
        "CAR-W-002",
        "cashmere",
        "Cardigan lungo in cashmere",
        "Long cashmere cardigan",
        "Lungo e avvolgente, puro cashmere.",
        "Long and cosy, pure cashmere.",
        ("camel", "cream"),
        "219.00",
        0,
    ),
    ProductData(
        "CAR-W-003",
        "cotton",
        "Cardigan corto in cotone",
        "Cropped cotton cardigan",
        "Corto e leggero, per la primavera.",
        "Cropped and light, for spring.",
        ("white", "pink", "yellow"),
        "52.00",
        24,
    ),
    ProductData(
        "CAR-M-001",
        "merino",
        "Cardigan in lana merino",
        "Merino wool cardigan",
        "Merino sottile, cinque bottoni.",
        "Fine merino, five buttons.",
        ("navy", "grey"),
        "99.00",
        12,
    ),
    ProductData(
        "CAR-M-002",
        "wool-blend",
        "Cardigan collo a scialle in misto lana",
        "Shawl-collar wool-blend cardigan",
        "Collo a scialle, maglia grossa.",
        "Shawl collar, chunky knit.",
        ("brown", "grey"),
        "69.00",
        14,
    ),
    # Shirts
    ProductData(
        "SHI-W-001",
        "cotton",
        "Camicia in popeline di cotone",
        "Cotton poplin shirt",
        "Popeline di cotone, taglio dritto.",
        "Cotton poplin, straight cut.",
        ("white", "light-blue"),
        "49.00",
        30,
    ),
    ProductData(
        "SHI-W-002",
        "silk",
        "Camicia in seta",
        "Silk blouse",
        "Seta lavata, fluida e luminosa.",
        "Washed silk, fluid and bright.",
        ("cream", "black", "pink"),
        "129.00",
        8,
    ),
    ProductData(
        "SHI-W-003",
        "linen",
        "Camicia in lino",
        "Linen shirt",
        "Puro lino, fresca d'estate.",
        "Pure linen, cool in summer.",
        ("white", "beige"),
        "59.00",
        20,
    ),
    ProductData(
        "SHI-M-001",
        "cotton",
        "Camicia Oxford in cotone",
        "Cotton Oxford shirt",
        "Tessuto Oxford, collo button-down.",
        "Oxford cloth, button-down collar.",
        ("white", "light-blue", "pink"),
        "55.00",
        35,
    ),
    ProductData(
        "SHI-M-002",
        "linen",
        "Camicia in lino",
        "Linen shirt",
        "Lino italiano, vestibilità comoda.",
        "Italian linen, relaxed fit.",
        ("white", "blue", "beige"),
        "65.00",
        25,
    ),
    ProductData(
        "SHI-M-003",
        "cotton-blend",
        "Camicia no-stiro in misto cotone",
        "Non-iron cotton-blend shirt",
        "Non serve stirarla: pronta per l'ufficio.",
        "No ironing needed: office-ready.",
        ("white", "light-blue"),
        "45.00",
        40,
    ),
    # T-shirts
    ProductData(
        "TSH-W-001",
        "cotton",
        "T-shirt in cotone biologico",
        "Organic cotton t-shirt",
        "Cotone biologico certificato.",
        "Certified organic cotton.",
        ("white", "black", "pink"),
        "19.90",
        60,
    ),
    ProductData(
        "TSH-M-001",
        "cotton",
        "T-shirt in cotone biologico",
        "Organic cotton t-shirt",
        "Girocollo, cotone biologico.",
        "Crew neck, organic cotton.",
        ("white", "navy", "grey"),
        "19.90",
        70,
    ),
    ProductData(
        "TSH-M-002",
        "polyester",
        "T-shirt tecnica in poliestere",
        "Polyester sports t-shirt",
        "Tessuto tecnico traspirante per lo sport.",
        "Breathable technical fabric for sport.",
        ("black", "blue"),
        "24.90",
        35,
    ),
    # Trousers
    ProductData(
        "TRO-W-001",
        "wool",
        "Pantaloni a vita alta in lana",
        "High-waisted wool trousers",
        "Lana fresca, piega centrale.",
        "Fine wool with a pressed crease.",
        ("black", "grey"),
        "89.00",
        14,
    ),
    ProductData(
        "TRO-W-002",
        "linen",
        "Pantaloni in lino",
        "Linen trousers",
        "Ampi e freschi, in puro lino.",
        "Wide and cool, pure linen.",
        ("beige", "white"),
        "69.00",
        18,
    ),
    ProductData(
        "TRO-M-001",
        "cotton",
        "Chino in cotone",
        "Cotton chinos",
        "Il chino classico, cotone twill.",
        "The classic chino in cotton twill.",
        ("beige", "navy", "green"),
        "59.00",
        30,
    ),
    ProductData(
        "TRO-M-002",
        "wool",
        "Pantaloni in lana fresca",
        "Tropical wool trousers",
        "Lana fresca per tutte le stagioni.",
        "Tropical wool for every season.",
        ("grey", "navy"),
        "99.00",
        12,
    ),
    ProductData(
        "TRO-M-003",
        "cotton-blend",
        "Jeans elasticizzati in misto cotone",
        "Stretch cotton-blend jeans",
        "Denim elasticizzato, taglio regular.",
        "Stretch denim, regular fit.",
        ("blue", "black"),
        "65.00",
        26,
    ),
    # Jackets
    ProductData(
        "JAC-W-001",
        "wool",
        "Giacca in lana bouclé",
        "Wool bouclé jacket",
        "Bouclé di lana, stile senza tempo.",
        "Wool bouclé, timeless style.",
        ("cream", "black"),
        "149.00",
        7,
    ),
    ProductData(
        "JAC-W-002",
        "nylon",
        "Piumino leggero in nylon",
        "Lightweight nylon down jacket",
        "Leggerissimo, si ripone nella sua sacca.",
        "Ultra-light, packs into its own pouch.",
        ("black", "navy", "red"),
        "119.00",
        15,
    ),
    ProductData(
        "JAC-M-001",
        "wool",
        "Giacca in lana",
        "Wool blazer",
        "Giacca sfoderata in lana, due bottoni.",
        "Unlined wool blazer, two buttons.",
        ("grey", "navy"),
        "179.00",
        9,
    ),
    ProductData(
        "JAC-M-002",
        "polyester",
        "Giacca impermeabile in poliestere",
        "Polyester rain jacket",
        "Impermeabile e antivento, con cappuccio.",
        "Waterproof and windproof, hooded.",
        ("green", "navy", "yellow"),
        "89.00",
        20,
    ),
    # Scarves
    ProductData(
        "SCA-W-001",
        "silk",
        "Foulard in seta",
        "Silk foulard",
        "Foulard stampato in pura seta.",
        "Printed pure silk foulard.",
        ("pink", "light-blue", "burgundy"),
        "59.00",
        20,
    ),
    ProductData(
        "SCA-W-002",
        "cashmere",
        "Sciarpa in cashmere",
        "Cashmere scarf",
        "Sciarpa ampia in puro cashmere.",
        "Wide scarf in pure cashmere.",
        ("camel", "grey", "red"),
        "99.00",
        12,
    ),
    ProductData(
        "SCA-W-003",
        "acrylic",
        "Sciarpa a coste in acrilico",
        "Ribbed acrylic scarf",
        "Coste morbide, colori vivaci.",
        "Soft ribs, bright colours.",
        ("red", "yellow", "grey"),
        "19.90",
        40,
    ),
    ProductData(
        "SCA-M-001",
        "wool",
        "Sciarpa in lana",
        "Wool scarf",
        "Lana vergine con frange.",
        "New wool with fringes.",
        ("navy", "grey", "burgundy"),
        "39.00",
        25,
    ),
    ProductData(
        "SCA-M-002",
        "alpaca",
        "Sciarpa in alpaca",
        "Alpaca scarf",
        "Alpaca leggera e calda.",
        "Light and warm alpaca.",
        ("brown", "cream"),
        "55.00",
        15,
    ),
    # Dresses
    ProductData(
        "DRE-W-001",
        "cotton",
        "Abito chemisier in cotone",
        "Cotton shirt dress",
        "Chemisier con cintura, cotone leggero.",
        "Belted shirt dress in light cotton.",
        ("blue", "white"),
        "79.00",
        14,
    ),
    ProductData(
        "DRE-W-002",
        "merino",
        "Abito in maglia di merino",
        "Merino knit dress",
        "Maglia di merino, caldo e elegante.",
        "Merino knit, warm and elegant.",
        ("grey", "black", "burgundy"),
        "119.00",
        10,
    ),
    ProductData(
        "DRE-W-003",
        "linen",
        "Abito estivo in lino",
        "Linen summer dress",
        "In arrivo: abito leggero in lino.",
        "Coming soon: a light linen dress.",
        ("white", "light-blue"),
        "89.00",
        12,
        arrival=14,
        published=False,
    ),
    # Kids 0-12
    ProductData(
        "PUL-K-001",
        "wool",
        "Pullover bambino in lana",
        "Kids' wool pullover",
        "Lana morbida che non pizzica.",
        "Soft wool that does not itch.",
        ("red", "navy", "green"),
        "35.00",
        30,
        arrival=-12,
    ),
    ProductData(
        "PUL-K-002",
        "merino",
        "Pullover neonato in merino",
        "Baby merino pullover",
        "Merino extrafine per la pelle delicata.",
        "Extra-fine merino for delicate skin.",
        ("cream", "light-blue", "pink"),
        "39.00",
        20,
        sizes=BABY_SIZES,
        arrival=-6,
    ),
    ProductData(
        "PUL-K-003",
        "cotton",
        "Pullover bambino in cotone a righe",
        "Kids' striped cotton pullover",
        "Righe allegre, cotone lavabile.",
        "Cheerful stripes, washable cotton.",
        ("blue", "white", "yellow"),
        "25.00",
        40,
        arrival=-15,
    ),
    ProductData(
        "PUL-K-004",
        "acrylic",
        "Pullover bambino con renna",
        "Kids' reindeer pullover",
        "Il maglione di Natale, in acrilico.",
        "The Christmas jumper, in acrylic.",
        ("red", "green"),
        "22.00",
        35,
    ),
    ProductData(
        "PUL-K-005",
        "merino",
        "Pullover bambina in merino con cuori",
        "Girls' merino pullover with hearts",
        "In arrivo: merino con cuori a intarsio.",
        "Coming soon: merino with knitted hearts.",
        ("pink", "cream"),
        "42.00",
        15,
        arrival=7,
        published=False,
    ),
    ProductData(
        "PUL-K-006",
        "wool-blend",
        "Pullover bambino in misto lana",
        "Kids' wool-blend pullover",
        "Resistente ai giochi all'aperto.",
        "Tough enough for outdoor play.",
        ("navy", "grey"),
        "28.00",
        25,
    ),
    ProductData(
        "PUL-K-007",
        "cotton",
        "Pullover neonato in cotone",
        "Baby cotton pullover",
        "Cotone biologico, bottoni sulla spalla.",
        "Organic cotton, shoulder buttons.",
        ("white", "yellow", "light-blue"),
        "24.00",
        30,
        sizes=BABY_SIZES,
        arrival=-10,
    ),
    ProductData(
        "CAR-K-001",
        "cotton",
        "Cardigan neonato in cotone",
        "Baby cotton cardigan",
        "Il primo cardigan, cotone biologico.",
        "A first cardigan, organic cotton.",
        ("cream", "light-blue", "pink"),
        "29.00",
        25,
        sizes=BABY_SIZES,
        arrival=-18,
    ),
    ProductData(
        "CAR-K-002",
        "wool",
        "Cardigan bambina in lana",
        "Girls' wool cardigan",
        "Lana morbida, bottoni colorati.",
        "Soft wool, colourful buttons.",
        ("burgundy", "grey"),
        "36.00",
        18,
    ),
    ProductData(
        "SHI-K-001",
        "cotton",
        "Camicia bambino in cotone",
        "Kids' cotton shirt",
        "Per le occasioni speciali.",
        "For special occasions.",
        ("white", "light-blue"),
        "24.00",
        30,
    ),
    ProductData(
        "TSH-K-001",
        "cotton",
        "T-shirt bambino in cotone",
        "Kids' cotton t-shirt",
        "Cotone biologico, colori vivaci.",
        "Organic cotton, bright colours.",
        ("white", "yellow", "green"),
        "12.90",
        60,
        sizes=ALL_KIDS_SIZES,
        arrival=-9,
    ),
    ProductData(
        "TRO-K-001",
        "cotton",
        "Pantaloni bambino in velluto",
        "Kids' corduroy trousers",
        "Velluto a coste di cotone, elastico in vita.",
        "Cotton corduroy, elastic waist.",
        ("brown", "navy", "green"),
        "29.00",
        35,
    ),
    ProductData(
        "TRO-K-002",
        "cotton-blend",
        "Jeans bambino",
        "Kids' jeans",
        "Denim elasticizzato con ginocchia rinforzate.",
        "Stretch denim, reinforced knees.",
        ("blue",),
        "27.00",
        40,
    ),
    ProductData(
        "TRO-K-003",
        "cotton",
        "Pantaloni neonato in felpa",
        "Baby jogging trousers",
        "Felpa di cotone morbida.",
        "Soft cotton sweatpants.",
        ("grey", "light-blue"),
        "19.00",
        30,
        sizes=BABY_SIZES,
        arrival=-5,
    ),
    ProductData(
        "JAC-K-001",
        "nylon",
        "Piumino bambino",
        "Kids' puffer jacket",
        "Caldo e leggero, con cappuccio.",
        "Warm and light, hooded.",
        ("red", "navy", "yellow"),
        "59.00",
        20,
    ),
    ProductData(
        "JAC-K-002",
        "polyester",
        "Giacca antipioggia bambino",
        "Kids' rain jacket",
        "In arrivo: impermeabile con bande riflettenti.",
        "Coming soon: waterproof with reflective stripes.",
        ("yellow", "blue"),
        "39.00",
        18,
        arrival=-3,
        published=False,
    ),
    ProductData(
        "SCA-K-001",
        "acrylic",
        "Sciarpa bambino",
        "Kids' scarf",
        "Morbida e colorata.",
        "Soft and colourful.",
        ("red", "blue"),
        "12.00",
        40,
    ),
    ProductData(
        "DRE-K-001",
        "cotton",
        "Abito bambina in cotone",
        "Girls' cotton dress",
        "Abito a fiori con gonna ampia.",
        "Floral dress with a full skirt.",
        ("pink", "yellow", "light-blue"),
        "32.00",
        22,
    ),
)


# --- offers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferData:
    name_it: str
    name_en: str
    description_it: str
    description_en: str
    discount_percent: int
    category: str = ""  # the whole category, or "" with `skus`
    skus: tuple[str, ...] = ()


PULLOVER_OFFER = OfferData(
    "Offerte pullover",
    "Pullover offers",
    "Le offerte speciali sui pullover partono a giugno",
    "The special offers on pullovers start in June",
    20,
    category="pullover",
)
SCARF_OFFER = OfferData(
    "Sconti sciarpe",
    "Scarf sale",
    "Sciarpe selezionate scontate del 15% per poche settimane",
    "Selected scarves 15% off for a few weeks",
    15,
    skus=("SCA-W-002", "SCA-M-001", "SCA-M-002"),
)
SCARF_OFFER_DAYS = (-10, 20)  # running now: from ten days ago to twenty days ahead


def next_june(today: dt.date) -> tuple[dt.date, dt.date]:
    """1 to 30 June of this year if June 1 is still ahead (or today), else of next year."""
    year = today.year if today <= dt.date(today.year, 6, 1) else today.year + 1
    return dt.date(year, 6, 1), dt.date(year, 6, 30)


# --- people ---------------------------------------------------------------------------

FIRST, SECOND = TeamMembership.Level.FIRST, TeamMembership.Level.SECOND

# (slug, name, description)
TEAMS: tuple[tuple[str, str, str], ...] = (
    (
        "assistenza-commerciale",
        "Assistenza Commerciale",
        "Orders, products, offers and sizes: the sales desk.",
    ),
    ("customer-care", "Customer Care", "Deliveries, returns and complaints."),
    ("amministrazione", "Amministrazione", "Payments, prepaid cards, invoices and refunds."),
    (
        "competence-center",
        "Competence Center",
        "Second level: cases the first level could not solve.",
    ),
)
ALL_TEAMS = tuple(slug for slug, _, _ in TEAMS)


@dataclass(frozen=True)
class OperatorData:
    username: str
    first_name: str
    last_name: str
    groups: tuple[str, ...]
    memberships: tuple[tuple[str, str], ...]  # (team slug, level)

    @property
    def email(self) -> str:
        return f"{self.username}@sportello.example"


OPERATORS: tuple[OperatorData, ...] = (
    OperatorData(
        "laura", "Laura", "Bianchi", (roles.OPERATOR_L1,), (("assistenza-commerciale", FIRST),)
    ),
    OperatorData("marco", "Marco", "Ferri", (roles.OPERATOR_L2,), (("competence-center", SECOND),)),
    OperatorData("giulia", "Giulia", "Conti", (roles.KB_AUTHOR,), (("customer-care", FIRST),)),
    OperatorData(
        "anna",
        "Anna",
        "Greco",
        (roles.SUPERVISOR, roles.KB_REVIEWER),
        tuple((slug, FIRST) for slug in ALL_TEAMS),
    ),
)
ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class CustomerData:
    salutation: str
    first_name: str
    last_name: str
    email: str
    phone: str
    language: str
    birth_year: int
    address: str  # street and number
    postcode: str
    city: str
    consent_marketing: bool = False
    consent_profiling: bool = False
    preferences: dict[str, object] | None = None
    notes: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


MR, MS = Customer.Salutation.MR, Customer.Salutation.MS

CUSTOMERS: tuple[CustomerData, ...] = (
    CustomerData(
        MR,
        "Mario",
        "Rossi",
        "mario.rossi@example.it",
        "+39 333 123 4567",
        "it",
        1978,
        "Via Manzoni 12",
        "20121",
        "Milano",
        True,
        True,
        {"colours": ["blue", "grey"], "size": "L"},
        "Cliente abituale",
    ),
    CustomerData(
        MS,
        "Francesca",
        "Esposito",
        "francesca.esposito@example.it",
        "+39 347 555 0192",
        "it",
        1985,
        "Via Toledo 256",
        "80134",
        "Napoli",
        True,
        False,
        {"colours": ["pink", "white"], "size": "M"},
    ),
    CustomerData(
        MR,
        "Luca",
        "Romano",
        "luca.romano@example.it",
        "+39 320 444 8811",
        "it",
        1990,
        "Via Cavour 88",
        "00184",
        "Roma",
    ),
    CustomerData(
        MS,
        "Chiara",
        "Colombo",
        "chiara.colombo@example.it",
        "+39 339 202 3030",
        "it",
        1972,
        "Via Roma 45",
        "10121",
        "Torino",
        True,
        True,
        {"size": "S"},
    ),
    CustomerData(
        MR,
        "Alessandro",
        "Ricci",
        "alessandro.ricci@example.it",
        "+39 335 678 9012",
        "it",
        1965,
        "Via dell'Indipendenza 20",
        "40121",
        "Bologna",
        notes="Preferisce il contrassegno",
    ),
    CustomerData(
        MS,
        "Sara",
        "Marino",
        "sara.marino@example.it",
        "+39 328 111 2233",
        "it",
        1995,
        "Via Sparano 101",
        "70121",
        "Bari",
        True,
        False,
    ),
    CustomerData(
        MS,
        "Emily",
        "Clarke",
        "emily.clarke@example.co.uk",
        "+39 366 987 6543",
        "en",
        1988,
        "Via dei Serragli 34",
        "50124",
        "Firenze",
        True,
        True,
        {"colours": ["green", "cream"], "size": "S"},
        "English expat living in Florence",
    ),
    CustomerData(
        MR,
        "James",
        "Whitfield",
        "james.whitfield@example.com",
        "+39 345 321 7788",
        "en",
        1959,
        "Corso Porta Nuova 7",
        "37122",
        "Verona",
    ),
    CustomerData(
        MS,
        "Elena",
        "Bruno",
        "elena.bruno@example.it",
        "+39 331 765 4321",
        "it",
        1981,
        "Via Maqueda 150",
        "90133",
        "Palermo",
        True,
        True,
        {"kids_sizes": ["1-2y", "3-4y"]},
        "Mamma di due bambini piccoli",
    ),
    CustomerData(
        MR,
        "Paolo",
        "Gallo",
        "paolo.gallo@example.it",
        "+39 340 909 1122",
        "it",
        1970,
        "Via XX Settembre 5",
        "16121",
        "Genova",
    ),
)

# (code, balance, active)
PREPAID_CARDS: tuple[tuple[str, str, bool], ...] = (
    ("4000-1234-5678-9010", "200.00", True),
    ("4000-2345-6789-0123", "500.00", True),
    ("4000-3456-7890-1234", "150.00", False),
    ("4000-4567-8901-2345", "5.00", True),
)


# --- orders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderData:
    number: str
    customer_email: str
    status: str
    days_ago: int
    card: str | None  # a prepaid card code, or None for cash on delivery
    lines: tuple[tuple[str, str, str, int], ...]  # (sku, size, colour, quantity)


Status = Order.Status
MARIO_CARD, SPARE_CARD = "4000-1234-5678-9010", "4000-2345-6789-0123"
ORDERS: tuple[OrderData, ...] = (
    OrderData(
        "A-10039",
        "chiara.colombo@example.it",
        Status.CANCELLED,
        60,
        None,
        (("JAC-W-002", "M", "black", 1),),
    ),
    # Mario's children's clothes, delivered weeks ago.
    OrderData(
        "A-10041",
        "mario.rossi@example.it",
        Status.DELIVERED,
        45,
        MARIO_CARD,
        (("PUL-K-001", "7-8y", "red", 1), ("TRO-K-001", "7-8y", "navy", 1)),
    ),
    OrderData(
        "A-10045",
        "francesca.esposito@example.it",
        Status.DELIVERED,
        30,
        None,
        (("DRE-W-001", "M", "blue", 1),),
    ),
    OrderData(
        "A-10048",
        "luca.romano@example.it",
        Status.DELIVERED,
        20,
        None,
        (("TSH-M-001", "M", "white", 2), ("TSH-M-001", "L", "navy", 1)),
    ),
    OrderData(
        "A-10050",
        "emily.clarke@example.co.uk",
        Status.DELIVERED,
        12,
        SPARE_CARD,
        (("SCA-W-001", "one size", "light-blue", 1), ("SHI-W-003", "S", "white", 1)),
    ),
    OrderData(
        "A-10052",
        "alessandro.ricci@example.it",
        Status.SHIPPED,
        3,
        None,
        (("TRO-M-002", "L", "grey", 1),),
    ),
    # Shipped two days ago: three working days later is always still ahead.
    OrderData(
        "A-10055",
        "mario.rossi@example.it",
        Status.SHIPPED,
        2,
        None,
        (("PUL-M-002", "L", "blue", 1), ("SHI-M-001", "L", "light-blue", 2)),
    ),
    OrderData(
        "A-10058",
        "francesca.esposito@example.it",
        Status.PAID,
        2,
        SPARE_CARD,
        (("CAR-W-003", "S", "pink", 1),),
    ),
    OrderData(
        "A-10060",
        "elena.bruno@example.it",
        Status.RECEIVED,
        2,
        None,
        (("PUL-K-002", "1-2y", "pink", 1), ("PUL-K-003", "3-4y", "blue", 1)),
    ),
    OrderData(
        "A-10063",
        "mario.rossi@example.it",
        Status.RECEIVED,
        1,
        MARIO_CARD,
        (("PUL-M-001", "L", "grey", 1), ("SCA-M-001", "one size", "navy", 1)),
    ),
)


# --- loading ----------------------------------------------------------------------------


def load_demo() -> dict[str, int]:
    """Create or refresh the demo data; returns how many demo rows each model holds."""
    check_data()
    today = timezone.localdate()  # Rome's date, not the server's
    with transaction.atomic():
        # The role groups must exist before operators are put in them.
        roles.roles_sync()
        materials = _load_materials()
        products = _load_products(materials, today)
        offers = _load_offers(products, today)
        teams = _load_teams()
        # The KB's demo trees name their owning teams; untouched if authors edited them.
        kb_counts = demo_trees_load()
        users = _load_operators(teams)
        customers = _load_customers()
        cards = _load_prepaid_cards()
        orders, lines = _load_orders(customers, products, cards, today)
    return {
        "shop.Material": len(materials),
        "shop.Product": len(products),
        "shop.Offer": len(offers),
        "crm.Team": len(teams),
        "auth.User": len(users),
        "crm.OperatorProfile": OperatorProfile.objects.filter(user__in=users).count(),
        "crm.TeamMembership": TeamMembership.objects.filter(user__in=users).count(),
        "crm.Customer": len(customers),
        "shop.PrepaidCard": len(cards),
        "shop.Order": len(orders),
        "shop.OrderLine": lines,
        **kb_counts,
    }


def check_data() -> None:
    """Fail early on a typo in the data above rather than half-way through loading."""
    material_codes = {code for code, *_ in MATERIALS}
    by_sku = {p.sku: p for p in PRODUCTS}
    if len(by_sku) != len(PRODUCTS):
        raise ValueError("duplicate SKU in PRODUCTS")
    for p in PRODUCTS:
        if p.material not in material_codes:
            raise ValueError(f"{p.sku}: unknown material {p.material!r}")
        if unknown := set(p.colours) - COLOURS.keys():
            raise ValueError(f"{p.sku}: colours without a picture colour: {unknown}")
        prefix, audience, _ = p.sku.split("-")
        if prefix not in SKU_CATEGORIES or audience not in SKU_AUDIENCES:
            raise ValueError(f"{p.sku}: malformed SKU")
    emails = {c.email for c in CUSTOMERS}
    cards = {code for code, _, _ in PREPAID_CARDS}
    for o in ORDERS:
        if o.customer_email not in emails or (o.card and o.card not in cards):
            raise ValueError(f"{o.number}: unknown customer or card")
        for sku, size, colour, _ in o.lines:
            product = by_sku[sku]
            if size not in product.all_sizes or colour not in product.colours:
                raise ValueError(f"{o.number}: {sku} has no {size} {colour}")


def _load_materials() -> dict[str, Material]:
    materials = {}
    for code, name_it, name_en, fibre_type in MATERIALS:
        materials[code], _ = Material.objects.update_or_create(
            code=code, defaults={"name_it": name_it, "name_en": name_en, "fibre_type": fibre_type}
        )
    return materials


def _load_products(materials: dict[str, Material], today: dt.date) -> dict[str, Product]:
    products = {}
    for data in PRODUCTS:
        image_name = _write_product_image(data)
        arrival = today + dt.timedelta(days=data.arrival) if data.arrival is not None else None
        products[data.sku], _ = Product.objects.update_or_create(
            sku=data.sku,
            defaults={
                "name_it": data.name_it,
                "name_en": data.name_en,
                "description_it": data.description_it,
                "description_en": data.description_en,
                "category": data.category,
                "audience": data.audience,
                "material": materials[data.material],
                "colours": list(data.colours),
                "sizes": list(data.all_sizes),
                "price": Decimal(data.price),
                "stock": data.stock,
                "published": data.published,
                "new_arrival_date": arrival,
                "image": image_name,
            },
        )
    return products


def _write_product_image(data: ProductData) -> str:
    # Written straight to MEDIA_ROOT under a fixed name: storage.save() would pick a
    # fresh name ("..._a1b2c3.svg") on every run. Files are not transactional; a
    # rolled-back load leaves pictures that the next run overwrites with the same bytes.
    name = f"products/{data.sku}.svg"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    svg = product_svg(
        category=data.category, colour=data.colours[0], label=f"{data.sku} · {data.name_it}"
    )
    path.write_text(svg, encoding="utf-8")
    return name


def _load_offers(products: dict[str, Product], today: dt.date) -> list[Offer]:
    june_first, june_last = next_june(today)
    scarf_from, scarf_to = (today + dt.timedelta(days=d) for d in SCARF_OFFER_DAYS)
    return [
        _load_offer(PULLOVER_OFFER, products, june_first, june_last),
        _load_offer(SCARF_OFFER, products, scarf_from, scarf_to),
    ]


def _load_offer(
    data: OfferData, products: dict[str, Product], starts_on: dt.date, ends_on: dt.date
) -> Offer:
    offer, _ = Offer.objects.update_or_create(
        name_en=data.name_en,
        defaults={
            "name_it": data.name_it,
            "description_it": data.description_it,
            "description_en": data.description_en,
            "category": data.category,
            "discount_percent": data.discount_percent,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    offer.products.set([products[sku] for sku in data.skus])
    return offer


def _load_teams() -> dict[str, Team]:
    teams = {}
    for slug, name, description in TEAMS:
        teams[slug], _ = Team.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    return teams


def _load_operators(teams: dict[str, Team]) -> list[AbstractUser]:
    users = [_load_user(ADMIN_USERNAME, "Admin", "", superuser=True)]
    for data in OPERATORS:
        user = _load_user(data.username, data.first_name, data.last_name, email=data.email)
        user.groups.set(Group.objects.filter(name__in=data.groups))
        OperatorProfile.objects.update_or_create(
            user=user, defaults={"display_name": data.first_name}
        )
        wanted = {teams[slug]: level for slug, level in data.memberships}
        for team, level in wanted.items():
            TeamMembership.objects.update_or_create(team=team, user=user, defaults={"level": level})
        # A membership added by hand in the admin would make re-runs disagree.
        TeamMembership.objects.filter(user=user).exclude(team__in=wanted).delete()
        users.append(user)
    return users


def _load_user(
    username: str, first_name: str, last_name: str, *, email: str = "", superuser: bool = False
) -> AbstractUser:
    user, created = get_user_model().objects.update_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": email or f"{username}@sportello.example",
            "is_active": True,
            "is_staff": True,  # operators work in the admin too
            "is_superuser": superuser,
        },
    )
    # Only (re)hash when needed: a fresh salt each run would change the row.
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _load_customers() -> dict[str, Customer]:
    customers = {}
    for data in CUSTOMERS:
        # Keyed on the verified record: an unverified one created from an e-mail
        # sender with the same address is a different customer (see Customer.email).
        customers[data.email], _ = Customer.objects.update_or_create(
            email=data.email,
            verified=True,
            defaults={
                "salutation": data.salutation,
                "first_name": data.first_name,
                "last_name": data.last_name,
                "phone": data.phone,
                "language": data.language,
                "birth_year": data.birth_year,
                "address": data.address,
                "city": data.city,
                "postcode": data.postcode,
                "consent_marketing": data.consent_marketing,
                "consent_profiling": data.consent_profiling,
                "preferences": data.preferences or {},
                "notes": data.notes,
            },
        )
    return customers


def _load_prepaid_cards() -> dict[str, PrepaidCard]:
    cards = {}
    for code, balance, active in PREPAID_CARDS:
        cards[code], _ = PrepaidCard.objects.update_or_create(
            code=code, defaults={"balance": Decimal(balance), "active": active}
        )
    return cards


def _load_orders(
    customers: dict[str, Customer],
    products: dict[str, Product],
    cards: dict[str, PrepaidCard],
    today: dt.date,
) -> tuple[list[Order], int]:
    address_by_email = {c.email: c for c in CUSTOMERS}
    orders, line_count = [], 0
    for data in ORDERS:
        customer = customers[data.customer_email]
        shipping = address_by_email[data.customer_email]
        ordered_on = today - dt.timedelta(days=data.days_ago)
        total = sum(
            (products[sku].price * quantity for sku, _, _, quantity in data.lines), Decimal("0")
        )
        order, _ = Order.objects.update_or_create(
            number=data.number,
            defaults={
                "customer": customer,
                "status": data.status,
                "shipping_name": shipping.full_name,
                "shipping_address": shipping.address,
                "shipping_postcode": shipping.postcode,
                "shipping_city": shipping.city,
                "payment_method": (
                    Order.Payment.PREPAID_CARD if data.card else Order.Payment.CASH_ON_DELIVERY
                ),
                "prepaid_card": cards[data.card] if data.card else None,
                "total": total,
                "estimated_delivery": estimated_delivery(ordered_on=ordered_on),
                "created_at": dt.datetime.combine(ordered_on, ORDER_HOUR, tzinfo=SHOP_TIMEZONE),
            },
        )
        line_count += _load_order_lines(order, data, products)
        orders.append(order)
    return orders, line_count


def _load_order_lines(order: Order, data: OrderData, products: dict[str, Product]) -> int:
    # Updated in place by (product, size) so the lines keep their ids across runs.
    kept = []
    for sku, size, colour, quantity in data.lines:
        line, _ = OrderLine.objects.update_or_create(
            order=order,
            product=products[sku],
            size=size,
            defaults={"colour": colour, "quantity": quantity, "unit_price": products[sku].price},
        )
        kept.append(line.pk)
    OrderLine.objects.filter(order=order).exclude(pk__in=kept).delete()
    return len(kept)
