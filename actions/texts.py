"""What the actions say, in Italian and English. Static replies live in bot/domain.yml;
these are the ones assembled from live data (products, offers, orders)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "products_intro": {
        "it": "Ecco cosa ho trovato per te{details}:",
        "en": "Here is what I found for you{details}:",
    },
    "products_relaxed": {
        "it": "Non ho trovato esattamente quello che cerchi; ecco le proposte più vicine{details}:",
        "en": "I couldn't find exactly that; here are the closest matches{details}:",
    },
    "products_none": {
        "it": "Al momento non ho capi disponibili con queste caratteristiche.",
        "en": "We have nothing matching that in stock right now.",
    },
    "kids_new": {
        "it": "Visto che hai già acquistato per i più piccoli: "
        "è arrivata la nuova collezione 0-12!",
        "en": "Since you have shopped for children before: our new 0-12 collection has arrived!",
    },
    "live_offer": {
        "it": 'Vuoi vederli insieme a un operatore? Premi "Live Interaction".',
        "en": 'Would you like to go through them with an operator? Press "Live Interaction".',
    },
    "live_button": {"it": "Live Interaction", "en": "Live Interaction"},
    "offers_running": {"it": "Offerte in corso:", "en": "Offers running now:"},
    "offers_upcoming": {"it": "In arrivo:", "en": "Coming soon:"},
    "offers_none": {
        "it": "In questo momento non ci sono offerte attive.",
        "en": "There are no offers running at the moment.",
    },
    "offer_line": {
        "it": "• {name}: -{discount}% dal {starts} al {ends}",
        "en": "• {name}: -{discount}% from {starts} to {ends}",
    },
    "show_products_button": {"it": "Mostrami i capi", "en": "Show me the garments"},
    "orders_intro": {"it": "Ecco i tuoi ultimi ordini:", "en": "Here are your latest orders:"},
    "orders_none": {
        "it": "Non trovo ordini a tuo nome.",
        "en": "I can't find any orders in your name.",
    },
    "order_line": {
        "it": "• {number} del {created}: {status} — consegna prevista {delivery}",
        "en": "• {number} of {created}: {status} — expected delivery {delivery}",
    },
    "order_not_found": {
        "it": "Non trovo un ordine {number} con questi dati. Controlla il numero, "
        "oppure parla con un operatore.",
        "en": "I can't find an order {number} with those details. Please check the number, "
        "or talk to a person.",
    },
    "handoff_button": {"it": "Parla con un operatore", "en": "Talk to a person"},
    "kb_several": {
        "it": "Ho trovato alcuni argomenti che potrebbero interessarti:",
        "en": "I found a few topics that may help:",
    },
    "kb_no_match": {
        "it": 'Non ho capito la scelta: usa uno dei pulsanti, o scrivi "operatore".',
        "en": 'I didn\'t get that choice: please use one of the buttons, or type "operator".',
    },
}


def say(key: str, language: str | None, **values: object) -> str:
    variants = TEXTS[key]
    return variants.get(language or "it", variants["it"]).format(**values)
