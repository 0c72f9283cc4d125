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
    "search_found": {
        "it": "Ecco {what}:",
        "en": "Here are the {what}:",
    },
    "search_found_many": {
        "it": "Ho {total} {what}; ecco i primi {shown}:",
        "en": "I have {total} {what}; here are the first {shown}:",
    },
    "search_none": {
        "it": "Al momento non ho {what}. Posso cercare qualcos'altro?",
        "en": "I have no {what} at the moment. Shall I look for something else?",
    },
    "search_none_but": {
        "it": "Al momento non ho {what}. Togliendo un filtro ne trovo {count}: vuoi vederli?",
        "en": "I have no {what} at the moment. Without one of the filters I find {count}: "
        "would you like to see them?",
    },
    "search_resume": {
        "it": "Vuoi tornare alla ricerca ({what})?",
        "en": "Shall we go back to your search ({what})?",
    },
    "search_resume_button": {"it": "Sì, mostrami i capi", "en": "Yes, show me"},
    "unsold": {
        "it": "Mi dispiace, non vendiamo {thing}: siamo un negozio di abbigliamento per donna, "
        "uomo e bambini (0-12 anni) — pullover, cardigan, camicie, t-shirt, pantaloni, giacche, "
        "sciarpe e vestiti. Posso aiutarti a cercare uno di questi?",
        "en": "Sorry, we don't sell {thing}: we are a clothing shop for women, men and children "
        "(0-12) — pullovers, cardigans, shirts, T-shirts, trousers, jackets, scarves and "
        "dresses. Can I help you find one of those?",
    },
    "language_switched": {
        "it": "Certo, continuiamo in italiano! Come posso aiutarti?",
        "en": "Of course, let's continue in English! How can I help you?",
    },
    "insult": {
        "it": "Mi dispiace se non ti sono stato utile. Posso riprovare, oppure ti passo "
        "a un collega.",
        "en": "I'm sorry I haven't been helpful. I can try again, or pass you to a colleague.",
    },
    "not_understood": {
        "it": "Scusa, non ho capito. Posso aiutarti con capi e taglie, offerte, ordini, "
        "resi, spedizioni e pagamenti: prova a riformulare.",
        "en": "Sorry, I didn't understand. I can help with garments and sizes, offers, orders, "
        "returns, shipping and payments: could you rephrase?",
    },
    "not_understood_again": {
        "it": "Non riesco a capire, mi dispiace. Vuoi parlare con un operatore?",
        "en": "I'm sorry, I can't work it out. Would you like to talk to a person?",
    },
    "anything_else": {
        "it": "Bene! Posso aiutarti in altro?",
        "en": "Good! Anything else I can help with?",
    },
    "kb_did_it_help": {
        "it": "Questa risposta ti è stata utile?",
        "en": "Did this answer help?",
    },
    "complain_ack": {
        "it": "Mi dispiace molto, capisco. Ti passo subito a un collega che può risolvere.",
        "en": "I'm sorry about that, and I understand. I'm passing you to a colleague who can "
        "sort it out.",
    },
    "sku_unknown": {
        "it": "{sku}: non ancora disponibile sul sito, oppure il codice non è giusto. Posso "
        "cercarti qualcosa di simile, o passarti a un collega che ti dica quando arriva.",
        "en": "{sku}: not yet available on the website, or the code is not right. I can look "
        "for something similar, or pass you to a colleague who can tell you when it arrives.",
    },
    "kb_other_topics": {"it": "Altri argomenti", "en": "Other topics"},
    "kb_resume": {
        "it": "Torniamo alla domanda di prima:",
        "en": "Back to where we were:",
    },
    "complaint_answer_offer": {
        "it": "Se preferisci, ti passo subito a un collega.",
        "en": "If you prefer, I can pass you to a colleague straight away.",
    },
    "product_answer": {
        "it": "{name} ({sku}): {material}; taglie {sizes}; colori {colours}; {price}. {stock}",
        "en": "{name} ({sku}): {material}; sizes {sizes}; colours {colours}; {price}. {stock}",
    },
    "price_plain": {"it": "prezzo {price} €", "en": "price €{price}"},
    "price_offer": {
        "it": "in offerta a {offer} € invece di {price} € ({label})",
        "en": "on offer at €{offer} instead of €{price} ({label})",
    },
    "stock_available": {"it": "Disponibile.", "en": "In stock."},
    "stock_low": {"it": "Disponibile, ultimi pezzi.", "en": "In stock, only a few left."},
    "stock_out": {"it": "Al momento esaurito.", "en": "Out of stock at the moment."},
    "size_advice": {
        "it": "Con {measures} ti consiglio la taglia {size} ({who}).",
        "en": "With {measures} I'd suggest size {size} ({who}).",
    },
    "size_advice_kids": {
        "it": "Per {measures} la taglia giusta è {size}.",
        "en": "For {measures} the right size is {size}.",
    },
    "size_caveat": {
        "it": "È un'indicazione: le misure del corpo contano più di altezza e peso. Se sei tra "
        "due taglie scegli la più grande; il cambio taglia è gratuito.",
        "en": "This is a guide: body measurements matter more than height and weight. If you "
        "are between two sizes, take the larger one; exchanging a size is free.",
    },
    "size_need_data": {
        "it": 'Ti aiuto volentieri con la taglia: dimmi altezza e peso (per esempio "175 cm, '
        "70 kg\"), oppure l'età per i bambini.",
        "en": 'Happy to help with the size: tell me your height and weight (e.g. "175 cm, '
        '70 kg"), or the age for a child.',
    },
}


def say(key: str, language: str | None, **values: object) -> str:
    variants = TEXTS[key]
    return variants.get(language or "it", variants["it"]).format(**values)
