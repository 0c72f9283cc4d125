"""What a customer's message says about what they want, read from the text itself.

The NLU model gives an intent and some entities; real customers also say "senza lana",
"entro i 40 euro", "per mio marito", "my daughter is 9", "cashmir" or "il più economico",
which a classifier does not turn into filters. `read(text)` does, with word lists of the
catalogue's vocabulary (both languages), fuzzy matching for typos (rapidfuzz) and
Italian stems for plurals and diminutives. Pure functions: bot/tests/unit covers them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz, process

# --- vocabulary ---------------------------------------------------------------------------
# Words are accent-free and lower case. A trailing "*" is a stem: it matches any word that
# starts with it (plurals, diminutives: maglion* → maglioni, maglioncino).

CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "cardigan": ("cardigan*", "cardi", "cardis", "cardy", "cardie", "giacchina di maglia"),
    "tshirt": ("tshirt*", "magliett*", "tee", "tees", "canotta", "canottiera"),
    "pullover": (
        "pullover*",
        "pulover*",
        "pullower",
        "maglion*",
        "maglia",
        "maglie",
        "golf*",
        "dolcevita",
        "girocollo",
        "lupetto",
        "felpa",
        "felpe",
        "sweater*",
        "jumper*",
        "turtleneck*",
        "knitwear",
        "hoodie*",
        "sweatshirt*",
    ),
    "shirt": ("camici*", "camicett*", "shirt", "shirts", "blouse*", "blusa", "bluse"),
    "trousers": ("pantalon*", "trousers", "pants", "jeans", "chino*", "calzoni"),
    "jacket": (
        "giacc*",
        "giubbott*",
        "giubbin*",
        "cappott*",
        "piumin*",
        "jacket*",
        "coat",
        "coats",
        "blazer*",
        "parka*",
        "trench",
    ),
    "scarf": ("sciarp*", "scarf", "scarves", "scarfs", "foulard", "stola"),
    "dress": ("vestit*", "abito", "abiti", "abitino", "dress", "dresses", "gown"),
}

# What the shop does not sell, as the customer may name it (answered honestly).
UNSOLD_WORDS: tuple[str, ...] = (
    "bors*",
    "handbag*",
    "bag",
    "bags",
    "purse*",
    "zain*",
    "backpack*",
    "gioiell*",
    "bijou*",
    "jewel*",
    "collan*",
    "necklace*",
    "anell*",
    "orecchin*",
    "earring*",
    "braccial*",
    "bracelet*",
    "orolog*",
    "watches",
    "wristwatch*",
    "profum*",
    "perfume*",
    "fragrance*",
    "scarpe",
    "scarpa",
    "shoe",
    "shoes",
    "sneaker*",
    "stival*",
    "boots",
    "sandal*",
    "cintur*",
    "belt",
    "belts",
    "cappell*",
    "hat",
    "hats",
    "berrett*",
    "occhial*",
    "sunglasses",
    "glasses",
    "costume da bagno",
    "bikini*",
    "swimsuit*",
    "swimwear",
    "intimo",
    "mutand*",
    "reggiseno",
    "lingerie",
    "underwear",
    "bra",
    "calzin*",
    "sock",
    "socks",
    "calze",
    "guant*",
    "gloves",
    "ombrell*",
    "umbrella*",
    "trucc*",
    "makeup",
    "cosmetic*",
    "telefon*",
    "smartphone*",
    "phone",
    "phones",
    "elettronic*",
    "electronic*",
    "laptop*",
    "computer*",
    "televisor*",
    "mobili",
    "furniture",
    "giocattol*",
    "toy",
    "toys",
    "pigiam*",
    "cuffi*",
    "headphone*",
    "auricolar*",
    "earbud*",
    "divan*",
    "sofa",
    "sofas",
    "couch*",
    "trainers",
    "scarpin*",
    "mocassin*",
    "ciabatt*",
    "slipper*",
    "heels",
    "tacchi",
    "infradito",
    "flip-flops",
    "pyjama*",
    "pajama*",
)

AUDIENCE_WORDS: dict[str, tuple[str, ...]] = {
    "woman": (
        "donna",
        "donne",
        "femminil*",
        "signora",
        "woman",
        "women",
        "womens",
        "ladies",
        "lady",
        "female",
    ),
    "man": ("uomo", "uomini", "maschil*", "signore", "man", "men", "mens", "male", "gentleman"),
    "kids": (
        "bambin*",
        "bimb*",
        "neonat*",
        "kid",
        "kids",
        "child",
        "children",
        "childrens",
        "baby",
        "babies",
        "toddler*",
        "newborn*",
        "infant*",
    ),
}
# Kinship: who the garment is for. Children become `kids` unless an adult age is given;
# the second value is the adult audience such a relative has.
KINSHIP_WORDS: dict[str, tuple[str, str]] = {
    "marito": ("man", "man"),
    "husband": ("man", "man"),
    "papa": ("man", "man"),
    "babbo": ("man", "man"),
    "padre": ("man", "man"),
    "dad": ("man", "man"),
    "father": ("man", "man"),
    "fidanzato": ("man", "man"),
    "compagno": ("man", "man"),
    "boyfriend": ("man", "man"),
    "nonno": ("man", "man"),
    "grandpa": ("man", "man"),
    "grandfather": ("man", "man"),
    "fratello": ("man", "man"),
    "brother": ("man", "man"),
    "moglie": ("woman", "woman"),
    "wife": ("woman", "woman"),
    "mamma": ("woman", "woman"),
    "madre": ("woman", "woman"),
    "mum": ("woman", "woman"),
    "mom": ("woman", "woman"),
    "mother": ("woman", "woman"),
    "fidanzata": ("woman", "woman"),
    "compagna": ("woman", "woman"),
    "girlfriend": ("woman", "woman"),
    "nonna": ("woman", "woman"),
    "grandma": ("woman", "woman"),
    "grandmother": ("woman", "woman"),
    "sorella": ("woman", "woman"),
    "sister": ("woman", "woman"),
    "figlio": ("kids", "man"),
    "figlia": ("kids", "woman"),
    "figli": ("kids", "man"),
    "figlie": ("kids", "woman"),
    "figliolo": ("kids", "man"),
    "figlioletta": ("kids", "woman"),
    "son": ("kids", "man"),
    "daughter": ("kids", "woman"),
    "nipote": ("kids", "man"),
    "nipotino": ("kids", "man"),
    "nipotina": ("kids", "woman"),
    "grandson": ("kids", "man"),
    "granddaughter": ("kids", "woman"),
    "nephew": ("kids", "man"),
    "niece": ("kids", "woman"),
    "boy": ("kids", "man"),
    "girl": ("kids", "woman"),
    "ragazzo": ("kids", "man"),
    "ragazza": ("kids", "woman"),
    "ragazzino": ("kids", "man"),
    "ragazzina": ("kids", "woman"),
    "maschietto": ("kids", "man"),
    "femminuccia": ("kids", "woman"),
    "hubby": ("man", "man"),
    "wifey": ("woman", "woman"),
    "missus": ("woman", "woman"),
    "granny": ("woman", "woman"),
    "gran": ("woman", "woman"),
    "nan": ("woman", "woman"),
    "nana": ("woman", "woman"),
    "grandad": ("man", "man"),
    "granddad": ("man", "man"),
    "aunt": ("woman", "woman"),
    "auntie": ("woman", "woman"),
    "uncle": ("man", "man"),
    "zia": ("woman", "woman"),
    "zio": ("man", "man"),
    "suocera": ("woman", "woman"),
    "suocero": ("man", "man"),
    "cognata": ("woman", "woman"),
    "cognato": ("man", "man"),
    "daddy": ("man", "man"),
    "mummy": ("woman", "woman"),
    "mommy": ("woman", "woman"),
}
# Italian diminutives and plurals of kinship words (nonnina, figlioletto, nipotini).
KINSHIP_STEMS: dict[str, tuple[str, str]] = {
    "nonn": ("woman", "woman"),
    "mogliett": ("woman", "woman"),
    "maritin": ("man", "man"),
    "figliolett": ("kids", "man"),
    "nipotin": ("kids", "man"),
}
# "il mio ragazzo" is a boyfriend, "un ragazzo di 10 anni" a boy.
PARTNER = re.compile(r"\b(mio|mia|my)\s+(ragazz[oa]|boy|girl)\b")
CHILD_WORDS = re.compile(
    r"\b(neonat\w*|newborn\w*|bimb\w*|bambin\w*|baby|babies|toddler\w*|infant\w*)\b"
)

# Material words → catalogue codes. Including wool means any wool (merino too); excluding
# it also excludes the wool blend, which is half wool.
MATERIAL_WORDS: dict[str, tuple[str, ...]] = {
    "cashmere": ("cashmere", "cachemire", "kashmir", "cashmir", "casmir", "cashmier", "kashmere"),
    "merino": ("merino", "merinos"),
    "alpaca": ("alpaca", "alpaka"),
    "wool": ("lana", "lane", "lan", "wool", "woolen", "woollen", "wooly", "woolly"),
    "cotton": ("cotone", "cotton", "cottone"),
    "linen": ("lino", "linen"),
    "silk": ("seta", "silk"),
    "polyester": ("poliestere", "polyester", "poliester"),
    "acrylic": ("acrilico", "acrylic", "acrilic"),
    "nylon": ("nylon", "nailon"),
}
MATERIAL_INCLUDES = {
    "wool": ("wool", "merino"),
    "cotton": ("cotton", "cotton-blend"),
}
MATERIAL_EXCLUDES = {
    "wool": ("wool", "merino", "wool-blend"),
    "cotton": ("cotton", "cotton-blend"),
    "acrylic": ("acrylic", "wool-blend"),
}
SYNTHETIC_CODES = ("polyester", "acrylic", "nylon", "wool-blend", "cotton-blend")
NATURAL_WORDS = ("natural*", "naturale", "naturali")
SYNTHETIC_WORDS = ("sintetic*", "synthetic*", "artificial*", "plastic*")

# Colour words → the catalogue colours they cover (a family: "red" covers burgundy).
COLOUR_WORDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("rosso", "rossa", "rossi", "rosse", "red", "reds"): ("red", "burgundy"),
    ("bordeaux", "bordo", "burgundy", "amaranto", "granata", "wine"): ("burgundy",),
    ("blu", "blue", "blues"): ("blue", "navy", "light-blue"),
    ("navy", "marina"): ("navy",),
    ("azzurro", "azzurra", "azzurri", "azzurre", "celeste", "celesti"): ("light-blue",),
    ("verde", "verdi", "green", "greens", "oliva", "olive"): ("green",),
    ("grigio", "grigia", "grigi", "grigie", "grey", "gray", "greys", "antracite"): ("grey",),
    ("nero", "nera", "neri", "nere", "black"): ("black",),
    ("bianco", "bianca", "bianchi", "bianche", "white"): ("white", "cream"),
    ("panna", "crema", "cream", "avorio", "ivory", "ecru"): ("cream",),
    ("marrone", "marroni", "brown", "tabacco", "cioccolato"): ("brown", "camel"),
    ("cammello", "camel"): ("camel",),
    ("beige", "sabbia", "sand", "tortora", "taupe"): ("beige", "camel", "cream"),
    ("rosa", "pink", "cipria"): ("pink",),
    ("giallo", "gialla", "gialli", "gialle", "yellow", "senape", "mustard"): ("yellow",),
    ("arancione", "arancio", "orange"): ("orange",),
    ("viola", "purple", "lilla", "lilac", "prugna"): ("purple",),
}
ANY_COLOUR = re.compile(
    r"\b(qualsiasi|qualunque|ogni|any|whatever)\s+(colou?r[ei]?|tinta|tinte|tonalita)"
    r"|\b(colou?r[ei]?|tinta|tinte)\s+(indifferente|non\s+(mi\s+)?importa|doesn'?t\s+matter|"
    r"does\s+not\s+matter|is\s+not\s+important|not\s+important|whatever|any|qualsiasi|qualunque)"
    r"|\bva\s+bene\s+(qualsiasi|qualunque|ogni)\s+(colou?r[ei]?|tinta)"
    r"|\b(non|nessuna?)\s+(ho\s+)?preferenz\w*\s+(di|sul|per\s+il)?\s*colou?r"
    r"|\bno\s+colou?r\s+preference|\bany\s+colou?r|\bcolou?r\s+is\s+fine"
)

NEGATIONS = (
    "senza",
    "niente",
    "no",
    "non",
    "not",
    "without",
    "tranne",
    "except",
    "excluding",
    "escluso",
    "esclusa",
    "evita",
    "evitare",
    "avoid",
    "nessun",
    "nessuna",
    "nothing",
    "allergic",
    "allergico",
    "allergica",
    "hate",
    "odio",
    "free",  # wool-free (checked after the word too)
    "but",  # anything but wool
)

ADULT_SIZES = ("XXL", "XS", "XL", "S", "M", "L")
SIZE_WORDS = {
    "extra small": "XS",
    "extra large": "XL",
    "small": "S",
    "medium": "M",
    "large": "L",
    "media": "M",
}
CHILD_SIZE_BY_YEAR = {
    0: "0-6m",
    1: "1-2y",
    2: "1-2y",
    3: "3-4y",
    4: "3-4y",
    5: "5-6y",
    6: "5-6y",
    7: "7-8y",
    8: "7-8y",
    9: "9-10y",
    10: "9-10y",
    11: "11-12y",
    12: "11-12y",
}
ADULT_AGE = 13
NUMBER_WORDS = {
    "un": 1,
    "uno": 1,
    "una": 1,
    "one": 1,
    "a": 1,
    "due": 2,
    "two": 2,
    "tre": 3,
    "three": 3,
    "quattro": 4,
    "four": 4,
    "cinque": 5,
    "five": 5,
    "sei": 6,
    "six": 6,
    "sette": 7,
    "seven": 7,
    "otto": 8,
    "eight": 8,
    "nove": 9,
    "nine": 9,
    "dieci": 10,
    "ten": 10,
    "undici": 11,
    "eleven": 11,
    "dodici": 12,
    "twelve": 12,
    "diciotto": 18,
    "eighteen": 18,
}
# Italian numeric sizes (women / men) → letter sizes, as the size guide lists them.
IT_SIZES_WOMAN = {38: "XS", 40: "S", 42: "M", 44: "M", 46: "L", 48: "XL"}
IT_SIZES_MAN = {44: "XS", 46: "S", 48: "M", 50: "M", 52: "L", 54: "XL", 56: "XXL"}

SKU = re.compile(r"\b([a-z]{3})[\s-]?([wmk])[\s-]?(\d{3})\b")
NUMBER = r"(\d{1,4}(?:[.,]\d{1,2})?)"
CURRENCY = r"(?:\s*(?:€|euro|eur|euros|bucks|quid))?"
PRICE_MAX = re.compile(
    r"(?:entro|sotto|meno\s+di|massimo|max|fino\s+a|non\s+piu\s+di|al\s+massimo|budget(?:\s+di)?"
    r"|under|below|less\s+than|up\s+to|at\s+most|no\s+more\s+than|maximum|within|cheaper\s+than"
    r"|non\s+oltre|inferiore\s+a|spendere\s+(?:al\s+massimo\s+)?|spend\s+(?:at\s+most\s+)?)"
    r"\s*(?:i|gli|the|a|di|€)?\s*(?:€\s*)?"
    + NUMBER
    + CURRENCY
    + r"|(?:€\s*)?"
    + NUMBER
    + r"\s*(?:€|euro|eur)?\s*(?:max|massimo|or\s+less|al\s+massimo|tops)\b"
)
PRICE_MIN = re.compile(
    r"(?<!non )(?:piu\s+di|sopra|oltre|almeno|minimo|over|above|more\s+than|at\s+least)"
    r"\s*(?:i|gli|the|a|di|€)?\s*(?:€\s*)?" + NUMBER + r"\s*(?:€|euro|eur)"
)
PRICE_AROUND = re.compile(
    r"\b(?:sui|sugli|circa|intorno\s+a(?:i|gli)?|più\s+o\s+meno|about|around|roughly|approx\w*)"
    r"\s*(?:€\s*)?" + NUMBER + CURRENCY
)
PRICE_RANGE = re.compile(
    r"(?:tra|fra|between|from|da)\s*(?:i|€)?\s*" + NUMBER + r"\s*(?:€|euro|eur)?\s*"
    r"(?:e|and|a|to|-)\s*(?:i|€)?\s*" + NUMBER + r"\s*(?:€|euro|eur)"
    r"|" + NUMBER + r"\s*-\s*" + NUMBER + r"\s*(?:€|euro|eur)"
)
CHEAPEST = re.compile(
    r"(?<!di )(?<!qualcosa )\b(piu|meno)\s+(economic|car|costos)\w*"
    r"|\b(cheapest|least\s+expensive|lowest\s+price|prezzo\s+piu\s+basso|most\s+expensive|"
    r"priciest|dearest|highest\s+price|prezzo\s+piu\s+alto|costa(no)?\s+(di\s+)?meno|"
    r"costs?\s+the\s+least|costa(no)?\s+(di\s+)?piu)"
)
CHEAPER = re.compile(
    r"\b(di\s+meno\s+car[oaie]|di\s+meno\s+costos\w*|di\s+piu\s+economic\w*|costa(no)?\s+troppo|troppo\s+car[oaie]|"
    r"cheaper|less\s+expensive|too\s+expensive|more\s+affordable|lower\s+price|"
    r"prezzo\s+piu\s+basso|risparmiare|budget\s+minore)"
)
ON_OFFER = re.compile(
    r"\b(in\s+offerta|in\s+saldo|saldi|scontat\w*|in\s+promo\w*|promozion\w*|on\s+sale|"
    r"on\s+offer|discounted|in\s+sconto|reduced)\b"
)
LANGUAGE_REQUEST = re.compile(
    r"\b(?:parl\w*|scriv\w*|rispond\w*|speak\w*|talk\w*|writ\w*|answer\w*|reply|respond\w*|"
    r"switch\w*|passiamo|continu\w*|possiamo\s+\w+)\s+(?:\w+\s+){0,2}?(?:in\s+)?"
    r"(italiano|inglese|italian|english)\b"
    r"|\b(?:in\s+)?(italiano|inglese|italian|english)\s+(?:per\s+favore|please|pls|plz|grazie)\b"
    r"|^\s*(?:in\s+)?(italiano|inglese|italian|english)\s*[?!.]*\s*$"
    r"|\b(?:do\s+you\s+speak|parli|parlate|sai\s+parlare|can\s+you\s+speak)\s+(italiano|inglese|"
    r"italian|english)\b"
)
LANGUAGE_NAMES = {"italiano": "it", "italian": "it", "inglese": "en", "english": "en"}
ANGER = re.compile(
    r"\b(vergogn\w*|schifo\w*|ridicol\w*|inaccettabil\w*|assurd\w*|pessim\w*|arrabbiat\w*|"
    r"incazzat\w*|furios\w*|stuf[oa]|indignat\w*|truff\w*|ladri|denunc\w*|avvocat\w*|"
    r"terza\s+volta|quarta\s+volta|ennesima\s+volta|ancora\s+niente|nessuno\s+(mi\s+)?rispond\w*|"
    r"non\s+e\s+possibile|mai\s+piu|delus\w*|scandal\w*|"
    r"disgust\w*|ridiculous|unacceptable|outrage\w*|terrible|awful|worst|angry|furious|"
    r"fed\s+up|sick\s+(and\s+tired\s+)?of|scam\w*|fraud\w*|lawyer|sue\s+you|third\s+time|"
    r"still\s+(nothing|waiting|no\s+\w+)|nobody\s+(answers|replies|responds)|"
    r"no\s+one\s+(answers|replies|responds)|disappoint\w*|shameful|pathetic|"
    r"never\s+again|rip\s*-?\s*off|joke|seconda\s+volta|second\s+time|ma\s+come\s+lavorate|"
    r"what\s+on\s+earth|fregatur\w*|bidone|presa\s+in\s+giro|come\s+e\s+possibile|how\s+is\s+(this|that|it)\s+possible)\b"
)
INSULT = re.compile(
    r"\b(stupid\w*|idiot\w*|cretin\w*|imbecill\w*|scem\w*|deficient\w*|inutile|"
    r"useless|dumb|moron\w*|fuck\w*|shit\w*|cazz\w*|merd\w*|vaffa\w*|stronz\w*|"
    r"suck|sucks|crap)\b"
)
HUMAN_REQUEST = re.compile(
    r"\b(operator[ei]?|operatric\w*|persona\s+(vera|reale|fisica)|essere\s+umano|un\s+umano|"
    r"human|real\s+person|live\s+agent|an\s+agent|someone\s+real|somebody\s+real|"
    r"live\s+interaction|parlare\s+con\s+(qualcuno|una\s+persona)|talk\s+to\s+(someone|"
    r"somebody|a\s+person))\b"
)
SIZE_QUESTION = re.compile(
    r"\b(che|quale|what|which)\s+(taglia|size|misura)\b|\btaglia\s+(prendo|devo|mi\s+consigli|"
    r"consigli|dovrei|giusta|adatta)|\b(size|taglia)\s+(should|do|would|for\s+me)|"
    r"\bconsigli\w*\s+(sulla|la|una)\s+taglia|\bsize\s+(advice|guide|recommendation)|"
    r"\bguida\s+(alle\s+)?taglie|\bdifferenza\b[^?]{0,15}\btra\s+(la\s+)?(taglia|tagli)|"
    r"\bdifference\s+between\s+(size\s+)?(xs|s|m|l|xl)\b|\bwhich\s+size\b|\bwhat\s+size\b|\bmy\s+size\b"
)
HEIGHT = re.compile(
    r"\b(?:alt[oa]|altezza|height|tall|misuro|sono)?\s*(1[.,]\d{2}|[12]\d{2})\s*(cm|m|metri)?\b"
    r"(?:\s*(?:tall|di\s+altezza|alto|alta))?"
)
WEIGHT = re.compile(r"\b(\d{2,3})\s*(kg|chili|chilo|kili|kilos?|kilograms?)\b")
WEIGHT_LB = re.compile(r"\b(\d{2,3})\s*(lbs?|pounds)\b")
WEIGHT_WORD = re.compile(r"\b(?:peso|weigh\w*)\s*(\d{2,3})\b")
CHEST = re.compile(
    r"\b(?:torace|petto|seno|chest|bust|circonferenza)\D{0,12}(\d{2,3})\s*(cm)?"
    r"|\b(\d{2,3})\s*(?:cm)?\s*(?:di\s+)?(?:torace|petto|seno|chest|bust)"
)
FEET_INCHES = re.compile(r"\b([4-6])\s*(?:'|ft|feet|foot)\s*(\d{1,2})?")
PRODUCT_QUESTION = re.compile(
    r"\b(che|quali|what|which)\s+(taglie|sizes|colou?ri?s?|material\w*|tessut\w*)|"
    r"\b(di\s+che|di\s+cosa|cosa\s+e\s+fatt\w*|made\s+from|what\s+fabric|what\s+material|"
    r"quanto\s+costano|costa|cost|what\s+is\s+it|what'?s\s+it|made\s+of|fatto\s+di|fatta\s+di|composizione|"
    r"quanto\s+costa|quanto\s+viene|how\s+much|price\s+of|prezzo\s+del|prezzo\s+della|"
    r"disponibil\w*|available|in\s+stock|ancora|is\s+it|e'\s+di|e\s+di|come\s+in|"
    r"taglie\s+ha|sizes\s+does|colou?rs?\s+does|in\s+offerta)\b"
)
KB_TOPIC = re.compile(
    r"\b(lav\w*|wash\w*|asciug\w*|dryer|tumble|stir\w*|iron\w*|restring\w*|shrink\w*|"
    r"infeltr\w*|candeggi\w*|bleach|cura|care|reso|resi|restitu\w*|rimand\w*|return\w*|"
    r"rimbors\w*|refund\w*|cambi\w*|exchang\w*|spedi\w*|ship\w*|consegn\w*|deliver\w*|"
    r"corriere|courier|pacco|parcel|pag\w*|pay\w*|paypal|contrassegno|bonifico|carta\s+di|"
    r"card|fattura|invoice|privacy|dati\s+personali|gdpr|regal\w*|gift\w*|pacchett\w*|"
    r"orari\w*|apert\w*|apri\w*|chiud\w*|chiuso|hours|open|opening|a\s+che\s+ora|what\s+time|telefon\w*|phone|tracking|"
    r"traccia\w*|garanzi\w*|warranty|difett\w*|faulty|defect\w*|send\w*\s+(it\s+|them\s+)?back|"
    r"sent\s+back|rend\w*|swap\w*|tratt\w*|look\s+after|lavatrice|machine|"
    r"in\s+quanti\s+giorni|quanto\s+tempo|quanto\s+ci\s+mett\w*|dopo\s+quanto|entro\s+quando|"
    r"how\s+long|how\s+soon|how\s+many\s+days|by\s+when|delivery|free\s+shipping|hole|buco|"
    r"bucat\w*|strapp\w*|rott[oai]|torn|ripped|broken|scucit\w*|seam)\b"
)
QUESTION_WORDS = re.compile(
    r"^\s*(come|quando|quanto|quanti|quale|quali|dove|perche|posso|si\s+puo|avete|fate|"
    r"how|when|what|which|where|why|can|could|do|does|is|are|will)\b"
)
_ANY = r"(qualsiasi|qualunque|any|whatever|ogni)"
_NO_MATTER = r"(non\s+(mi\s+)?importa|indifferente|doesn'?t\s+matter|does\s+not\s+matter|whatever)"
ANY_SIZE = re.compile(rf"\b{_ANY}\s+(taglia|size)|\b(taglia|size)\s+{_NO_MATTER}")
ANY_PRICE = re.compile(rf"\b{_ANY}\s+(prezzo|price)|\b(prezzo|price)\s+{_NO_MATTER}")
ANY_MATERIAL = re.compile(
    rf"\b{_ANY}\s+(material\w*|tessuto|fabric)|\b(material\w*|tessuto|fabric)\s+{_NO_MATTER}"
)
CARE = re.compile(
    r"\b(lav[aoi]\w*|lavaggi\w*|lavatrice|wash\w*|asciug\w*|dryer|tumble|stir[ao]\w*|"
    r"ironing|iron\s+it|restring\w*|shrink\w*|shrunk|infeltr\w*|felting|candeggi\w*|bleach\w*|"
    r"look\s+after|care\s+for|take\s+care|tratt[oa]\w*|smacchi\w*|stain\w*|pilling|pallin\w*|"
    r"in\s+the\s+machine|washing\s+machine|dry\s+clean\w*|tintoria)\b"
)
WISH = re.compile(
    r"\b(vorrei|cerco|cercavo|voglio|volevo|mi\s+serve|looking\s+for|i'?d\s+like|i\s+want|"
    r"i\s+need|show\s+me|fammi\s+vedere|avete|do\s+you\s+have|have\s+you\s+got)\b"
)
OWNED = re.compile(r"\b(mio|mia|miei|mie|my)\s+(?:\w+\s+){0,2}?(\w+)")
GREETING_ONLY = re.compile(r"^\W*(ciao|salve|buongiorno|buonasera|hello|hi|hey)\W*$")

BETWEEN_NEGATION = {
    "la",
    "il",
    "lo",
    "le",
    "i",
    "gli",
    "the",
    "any",
    "fibre",
    "fibra",
    "fibres",
    "fibers",
    "fiber",
    "materiali",
    "materials",
    "tessuti",
    "capi",
    "made",
}
STOPWORDS = {"di", "in", "a", "da", "per", "con", "the", "an", "of", "for", "with"}


@dataclass
class Reading:
    """Everything `read` found; empty fields mean "not said"."""

    category: str | None = None
    unsold: str | None = None  # the unsold thing as the customer wrote it
    audience: str | None = None
    size: str | None = None
    colours: list[str] = field(default_factory=list)
    colour_words: list[str] = field(default_factory=list)
    any_colour: bool = False
    materials: list[str] = field(default_factory=list)
    exclude_materials: list[str] = field(default_factory=list)
    fibre_type: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    sort: str | None = None  # "price" (cheapest first) or "-price"
    cheaper: bool = False
    on_offer: bool = False
    sku: str | None = None
    height_cm: int | None = None
    weight_kg: int | None = None
    chest_cm: int | None = None
    age_years: int | None = None
    age_months: int | None = None
    size_question: bool = False
    question: bool = False
    any_size: bool = False
    any_price: bool = False
    any_material: bool = False
    product_question: bool = False
    kb_topic: bool = False
    care: bool = False  # washing, drying, ironing: the garment-care answers, not a search
    owned: bool = False  # "il mio maglione", "my jumper": about a garment they have
    wish: bool = False  # "cerco", "vorrei", "looking for": they want to buy something
    language_request: str | None = None
    anger: bool = False
    insult: bool = False
    human_request: bool = False
    gibberish: bool = False
    words: list[str] = field(default_factory=list)

    def search_terms(self) -> dict[str, object]:
        """The constraints a product search can use (only those given)."""
        terms: dict[str, object] = {}
        for name in ("category", "audience", "size", "fibre_type", "sort"):
            if getattr(self, name):
                terms[name] = getattr(self, name)
        if self.colours:
            terms["colors"] = list(self.colours)
            terms["color_words"] = list(self.colour_words)
        if self.any_colour:
            terms["any_colour"] = True
        if self.materials:
            terms["materials"] = list(self.materials)
        if self.exclude_materials:
            terms["exclude_materials"] = list(self.exclude_materials)
        if self.min_price is not None:
            terms["min_price"] = str(self.min_price)
        if self.max_price is not None:
            terms["max_price"] = str(self.max_price)
        if self.on_offer:
            terms["on_offer"] = True
        return terms

    @property
    def has_search_terms(self) -> bool:
        return bool(self.search_terms()) or self.cheaper


def normalise(text: str) -> str:
    """Lower case, accents off, t-shirt spelled one way, apostrophes as spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"\bt[\s-]?shirts?\b", "tshirt", text)
    text = text.replace("’", "'")
    # Italian elisions only (l'ho → l' ho, dell'anno); "doesn't", "I'm" stay whole.
    text = re.sub(
        r"\b(l|un|dell|all|nell|sull|dall|c|d|s|v|quell|quest|po|dov|com|cos|qual)'(\w)",
        r"\1' \2",
        text,
    )
    return text


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*|[€]", text)


def _matches(word: str, entry: str) -> bool:
    if entry.endswith("*"):
        return word.startswith(entry[:-1])
    return word == entry


def _find_phrase(words: list[str], entries: tuple[str, ...]) -> tuple[int, str] | None:
    """The first position where one of `entries` (one or more words) occurs."""
    for index in range(len(words)):
        for entry in entries:
            parts = entry.split()
            if index + len(parts) <= len(words) and all(
                _matches(words[index + k], part) for k, part in enumerate(parts)
            ):
                return index, " ".join(words[index : index + len(parts)])
    return None


_FUZZY_CACHE: dict[str, list[tuple[str, str]]] = {}


def _fuzzy_vocabulary(kind: str) -> list[tuple[str, str]]:
    """(word, value) pairs for typo matching: whole words of at least 5 letters."""
    if kind not in _FUZZY_CACHE:
        table = {"category": CATEGORY_WORDS, "material": MATERIAL_WORDS}[kind]
        pairs = []
        for value, entries in table.items():
            for entry in entries:
                word = entry.rstrip("*")
                if " " not in word and len(word) >= 5:
                    pairs.append((word, value))
        _FUZZY_CACHE[kind] = pairs
    return _FUZZY_CACHE[kind]


FUZZY_MIN_SCORE = 84
# Words that are close to catalogue words but mean something else.
NOT_TYPOS = {
    "lane",
    "lino",
    "mano",
    "magari",
    "maglia",
    "cotta",
    "seta",
    "sete",
    "costa",
    "taglia",
    "taglie",
    "meglio",
    "voglio",
    "moglie",
    "sweet",
    "linea",
    "lenta",
    "colore",
    "colori",
    "prendo",
    "pronto",
    "saluti",
    "grazie",
    "thanks",
    "please",
    "shipping",
    "sorry",
}


def _fuzzy(words: list[str], kind: str) -> tuple[int, str] | None:
    vocabulary = _fuzzy_vocabulary(kind)
    choices = [w for w, _ in vocabulary]
    for index, word in enumerate(words):
        if len(word) < 5 or word in NOT_TYPOS or word.isdigit() or _known_elsewhere(word):
            continue
        best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
        if best is not None:
            return index, vocabulary[best[2]][1]
    return None


def _known_elsewhere(word: str) -> bool:
    """A word with a meaning of its own is no typo of a catalogue word ("scarpe" is not
    "sciarpe", "calzini" not "calzoni")."""
    return (
        any(_matches(word, e) for e in UNSOLD_WORDS if " " not in e)
        or word in KINSHIP_WORDS
        or any(word in words for words in COLOUR_WORDS)
    )


def _negated(words: list[str], index: int, width: int = 1) -> bool:
    before = words[max(0, index - 3) : index]
    after = words[index + width : index + width + 2]
    if any(w in NEGATIONS and w not in ("free", "but") for w in before):
        # "non troppo caro, di lana" keeps lana: only a negation close before counts.
        nearest = max(i for i, w in enumerate(before) if w in NEGATIONS)
        between = before[nearest + 1 :]
        if all(w in STOPWORDS or w in BETWEEN_NEGATION for w in between):
            return True
    if "but" in before[-2:] and ("anything" in before or "everything" in before):
        return True
    if after[:1] == ["free"] or after[:1] == ["no"] and index + width == len(words) - 1:
        return True
    return bool(after[:2] == ["no", "grazie"] or after[:2] == ["no", "thanks"])


def _read_materials(words: list[str], reading: Reading) -> None:
    found_any = False
    for code, entries in MATERIAL_WORDS.items():
        for index, word in enumerate(words):
            if any(_matches(word, e) for e in entries if " " not in e):
                if code == "wool" and index + 1 < len(words) and words[index + 1] == "merino":
                    continue  # "lana merino" is merino
                found_any = True
                _add_material(reading, code, negated=_negated(words, index))
    if not found_any:
        typo = _fuzzy(words, "material")
        if typo is not None:
            index, code = typo
            _add_material(reading, code, negated=_negated(words, index))
    for index, word in enumerate(words):
        if any(_matches(word, e) for e in NATURAL_WORDS) and _near_fibre_word(words, index):
            if _negated(words, index):
                reading.exclude_materials += list(MATERIAL_CODES_NATURAL)
            else:
                reading.fibre_type = "natural"
        elif any(_matches(word, e) for e in SYNTHETIC_WORDS):
            # "niente sintetici", "no synthetics" exclude; "solo sintetico" asks for them;
            # "is it synthetic?" is neither.
            if _negated(words, index):
                reading.exclude_materials += list(SYNTHETIC_CODES)
            elif _wants(words, index):
                reading.fibre_type = "synthetic"
    reading.exclude_materials = sorted(set(reading.exclude_materials))
    reading.materials = [
        m for m in dict.fromkeys(reading.materials) if m not in reading.exclude_materials
    ]


MATERIAL_CODES_NATURAL = ("wool", "merino", "cashmere", "cotton", "linen", "silk", "alpaca")


def _wants(words: list[str], index: int) -> bool:
    return any(
        w in ("solo", "only", "voglio", "want", "prefer", "preferisco")
        for w in words[max(0, index - 3) : index]
    )


def _near_fibre_word(words: list[str], index: int) -> bool:
    window = words[max(0, index - 2) : index + 3]
    return (
        any(
            w.startswith(("fibr", "fiber", "fibre", "material", "tessut", "fabric")) for w in window
        )
        or len(words) <= 3
    )


def _add_material(reading: Reading, code: str, *, negated: bool) -> None:
    if negated:
        reading.exclude_materials += list(MATERIAL_EXCLUDES.get(code, (code,)))
    else:
        reading.materials += list(MATERIAL_INCLUDES.get(code, (code,)))


def _read_colours(text: str, words: list[str], reading: Reading) -> None:
    if ANY_COLOUR.search(text):
        reading.any_colour = True
        return
    colours: list[str] = []
    for entries, covered in COLOUR_WORDS.items():
        for index, word in enumerate(words):
            if word in entries:
                if word == "rosa" and index > 0 and words[index - 1] in ("la", "una", "di"):
                    continue  # "la rosa", a name or a flower, rarely a colour wish
                if word == "marina" and (index == 0 or words[index - 1] != "blu"):
                    continue
                if _negated(words, index):
                    continue
                colours += covered
                reading.colour_words.append(word)
    if "blu" in words and "navy" in colours and words.count("blu") == 1:
        # "blu scuro"/"blu marina" mean navy alone
        position = words.index("blu")
        if position + 1 < len(words) and words[position + 1] in ("scuro", "marina", "notte"):
            colours = [c for c in colours if c not in ("blue", "light-blue")]
    reading.colours = list(dict.fromkeys(colours))


def _read_category(words: list[str], reading: Reading) -> None:
    unsold = _find_phrase(words, UNSOLD_WORDS)
    if unsold is not None and not (
        unsold[1] in ("bag", "bags") and ("gift" in words or "regalo" in words)
    ):
        reading.unsold = unsold[1]
    best: tuple[int, str] | None = None
    for value, entries in CATEGORY_WORDS.items():
        found = _find_phrase(words, entries)
        if found and (best is None or found[0] < best[0]):
            best = (found[0], value)
    if best is None and reading.unsold is None:
        # Typos only when nothing else was named: "un divano letto" is no "lupetto".
        best = _fuzzy(words, "category")
    if best is not None:
        reading.category = best[1]


def _age(text: str) -> tuple[int | None, int | None]:
    """(years, months) of a child or person, if the text gives an age."""
    number_words = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    quantity = rf"(\d{{1,2}}|{number_words})"
    months = re.search(rf"\b{quantity}\s*(mesi|mese|months?|mos?)\b", text)
    if months:
        value = months.group(1)
        return None, int(value) if value.isdigit() else NUMBER_WORDS[value]
    years = re.search(
        rf"\b{quantity}\s*(anni|anno|years?|yrs?|yo|y/o|year-old|enne)\b"
        rf"|\b(?:ha|compie|fa|has|turns|turning|is|she'?s|he'?s|aged?|eta)\s+({quantity})\b"
        r"(?!\s*(?:cm|kg|euro|€|my|per|for))",
        text,
    )
    if years:
        value = years.group(1) or years.group(3)
        if value in ("a", "un", "una", "one", "uno") and not years.group(1):
            return None, None  # "is a", "ha un": not an age
        return (int(value) if value.isdigit() else NUMBER_WORDS[value]), None
    if re.search(r"\b(neonat\w*|newborn\w*)\b", text):
        return None, 1
    return None, None


def child_size(*, years: int | None, months: int | None) -> str | None:
    if months is not None:
        if months < 6:
            return "0-6m"
        if months < 12:
            return "6-12m"
        years = months // 12
    if years is None or years >= ADULT_AGE:
        return None
    return CHILD_SIZE_BY_YEAR.get(years)


def _read_audience_and_size(text: str, words: list[str], reading: Reading) -> None:
    years, months = _age(text)
    reading.age_years, reading.age_months = years, months
    adult_age = years is not None and years >= ADULT_AGE
    for value, entries in AUDIENCE_WORDS.items():
        if _find_phrase(words, entries):
            reading.audience = value
            break
    for word in words:
        kin = KINSHIP_WORDS.get(word) or next(
            (v for stem, v in KINSHIP_STEMS.items() if word.startswith(stem)), None
        )
        if kin:
            child, adult = kin
            reading.audience = adult if (child == "kids" and adult_age) else child
            break
    partner = PARTNER.search(text)
    if partner and not (years is not None and not adult_age):
        reading.audience = "man" if partner.group(2) in ("ragazzo", "boy") else "woman"
    if CHILD_WORDS.search(text) and not adult_age:
        # "il neonato di mia sorella", "my sister's newborn": the child is who it is for.
        reading.audience = "kids"
    if reading.audience is None and (months is not None or (years is not None and not adult_age)):
        if re.search(r"\b(anni|anno|years?|mesi|months?|yo|old)\b", text):
            reading.audience = "kids"
    if reading.audience == "kids" or (reading.audience is None and not adult_age):
        size = child_size(years=years, months=months)
        if size:
            reading.size = size
            reading.audience = "kids"
    if reading.size is None:
        reading.size = adult_size(text)


def adult_size(text: str) -> str | None:
    explicit = re.search(r"\b(\d{1,2}\s*-\s*\d{1,2}\s*[ym])\b", text)
    if explicit:
        return explicit.group(1).replace(" ", "")
    for candidate in ("XXL", "XS", "XL"):
        if re.search(rf"\b{candidate.lower()}\b", text):
            return candidate
    if re.search(r"\b(2xl|xx-large)\b", text):
        return "XXL"
    for phrase, size in SIZE_WORDS.items():
        if (
            re.search(
                rf"\b(a|an|un|una|taglia|size|sono|i'?m|i\s+am|wear|porto)\s+{phrase}\b", text
            )
            or text.strip(" .!?") == phrase
        ):
            return size
    if re.search(r"\bmedium\b", text):
        return "M"
    letter = re.search(
        r"\b(?:taglia|size|sz|misura|sono\s+una|sono\s+un|port[oa]\s+la|port[oa]\s+una|port[oa]|"
        r"portano|indoss\w*|wears?\s+an?|wears?|i'?m\s+an?|in|una|an?)\s+([sml])\b(?!')",
        text,
    )
    if letter:
        return letter.group(1).upper()
    if re.fullmatch(r"\W*([sml])\W*", text):
        return text.strip(" .!?").upper()
    short = re.match(r"^\s*([sml])\s*[,;/]", text)  # "L, blu"
    if short and len(text) < 30:
        return short.group(1).upper()
    italian = re.search(r"\b(?:taglia|size|la)\s+(3[89]|4\d|5[0-6])\b", text)
    if italian:
        number = int(italian.group(1))
        return IT_SIZES_WOMAN.get(number) or IT_SIZES_MAN.get(number)
    return None


def _decimal(value: str) -> Decimal:
    return Decimal(value.replace(",", "."))


def _read_prices(text: str, reading: Reading) -> None:
    price_range = PRICE_RANGE.search(text)
    if price_range:
        low, high = [g for g in price_range.groups() if g]
        reading.min_price, reading.max_price = sorted((_decimal(low), _decimal(high)))
    elif PRICE_AROUND.search(text) and not PRICE_MAX.search(text):
        # "sui 50 euro": a little above is fine, far below is not what they meant.
        around = _decimal(PRICE_AROUND.search(text).group(1))
        reading.max_price = (around * Decimal("1.2")).quantize(Decimal("1"))
    else:
        maximum = PRICE_MAX.search(text)
        if maximum:
            reading.max_price = _decimal(next(g for g in maximum.groups() if g))
        minimum = PRICE_MIN.search(text)
        if minimum:
            reading.min_price = _decimal(minimum.group(1))
    superlative = CHEAPEST.search(text)
    if superlative:
        phrase = superlative.group(0)
        dear = (
            ("car" in phrase or "costos" in phrase or "costa" in phrase) and "meno" not in phrase
        ) or any(w in phrase for w in ("most expensive", "priciest", "dearest", "highest", "alto"))
        reading.sort = "-price" if dear else "price"
    elif CHEAPER.search(text):
        reading.cheaper = True
        reading.sort = "price"


def _read_measurements(text: str, reading: Reading) -> None:
    weight = WEIGHT.search(text) or WEIGHT_WORD.search(text)
    if weight:
        reading.weight_kg = int(weight.group(1))
    elif WEIGHT_LB.search(text):
        reading.weight_kg = round(int(WEIGHT_LB.search(text).group(1)) * 0.4536)
    chest = CHEST.search(text)
    if chest:
        reading.chest_cm = int(chest.group(1) or chest.group(3))
    feet = FEET_INCHES.search(text)
    if feet:
        reading.height_cm = round(int(feet.group(1)) * 30.48 + int(feet.group(2) or 0) * 2.54)
        return
    for match in HEIGHT.finditer(text):
        raw, unit = match.group(1), match.group(2)
        context = text[max(0, match.start() - 12) : match.end() + 14]
        if not (unit or re.search(r"alt[oa]|altezza|height|tall|misuro", context)):
            continue
        if reading.weight_kg is not None and weight and match.start(1) == weight.start(1):
            continue
        value = float(raw.replace(",", "."))
        reading.height_cm = round(value * 100) if value < 3 else round(value)
        break


def read(text: str) -> Reading:
    """Read one customer message (any language, any length)."""
    text = normalise(text[:1000])
    words = tokens(text)
    reading = Reading(words=words)
    sku = SKU.search(text)
    if sku:
        reading.sku = f"{sku.group(1)}-{sku.group(2)}-{sku.group(3)}".upper()
    _read_category(words, reading)
    _read_materials(words, reading)
    _read_colours(text, words, reading)
    _read_measurements(text, reading)
    _read_audience_and_size(text, words, reading)
    if (
        reading.height_cm
        and reading.size
        and reading.size[0].isdigit()
        and not (reading.age_years is not None or reading.age_months is not None)
    ):
        reading.size = None
    _read_prices(text, reading)
    reading.on_offer = bool(ON_OFFER.search(text))
    reading.size_question = bool(SIZE_QUESTION.search(text))
    reading.product_question = bool(PRODUCT_QUESTION.search(text))
    reading.question = "?" in text or bool(QUESTION_WORDS.search(text))
    reading.any_size = bool(ANY_SIZE.search(text))
    reading.any_price = bool(ANY_PRICE.search(text))
    reading.any_material = bool(ANY_MATERIAL.search(text))
    reading.kb_topic = bool(KB_TOPIC.search(text))
    reading.wish = bool(WISH.search(text))
    reading.care = bool(CARE.search(text)) and not (reading.wish and reading.category)
    reading.owned = any(
        any(_matches(m.group(2), e) for entries in CATEGORY_WORDS.values() for e in entries)
        for m in OWNED.finditer(text)
    )
    language = LANGUAGE_REQUEST.search(text)
    if language:
        name = next(g for g in language.groups() if g)
        requested = LANGUAGE_NAMES[name]
        before = text[max(0, language.start() - 25) : language.start() + 12]
        if re.search(r"\b(non|don'?t|do\s+not|can'?t|cannot|not|no)\b", before):
            requested = "en" if requested == "it" else "it"  # "non parlo inglese"
        reading.language_request = requested
    exclaims = text.count("!") >= 3 or "?!" in text or "!?" in text
    reading.anger = bool(ANGER.search(text)) or (exclaims and len(words) >= 3)
    reading.insult = bool(INSULT.search(text))
    reading.human_request = bool(HUMAN_REQUEST.search(text))
    reading.gibberish = is_gibberish(text, words)
    return reading


def is_gibberish(text: str, words: list[str]) -> bool:
    """No letters at all (emoji, punctuation) or letter soup with no vowels or no words."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return not any(w.isdigit() for w in words)
    long_words = [w for w in words if len(w) >= 4 and not w.isdigit()]
    if not long_words:
        return False
    vowelless = [w for w in long_words if not re.search(r"[aeiouy]", w)]
    repeated = [w for w in long_words if len(set(w)) <= 2]
    keyboard = [w for w in long_words if re.search(r"(asdf|qwer|zxcv|sdfg|hjkl|jkl|dfgh)", w)]
    return len(vowelless) + len(repeated) + len(keyboard) >= max(1, len(long_words) // 2 + 1) or (
        len(long_words) == 1 and len(words) == 1 and bool(vowelless or repeated or keyboard)
    )
