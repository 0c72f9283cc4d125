"""Words → lemmas, per language, with spaCy's blank pipelines and the lookup lemmatizer.

No model download: `spacy.blank(lang)` plus the lookup tables of spacy-lookups-data
(the same setup as the bot). Loaded once per process and language, on first use.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache

import spacy
from spacy.language import Language

from kb.content import LANGUAGES

# spaCy's stop lists hold words a shop's customers mean: "quanti giorni", "3 anni".
KEEP_WORDS = {
    "it": {"giorno", "giorni", "tempo", "tempi", "anno", "anni", "mese", "mesi", "ora", "ore"},
    "en": {"first", "return", "back", "off", "call", "give", "show"},
}
# Words that carry no topic in customers' messages: requests, greetings, sign-offs
# (an e-mail's "Buongiorno, vorrei informazioni… Cordiali saluti"). Compared as lemmas.
FILLER_LEMMAS = {
    "it": {
        "volere",
        "informazione",
        "informazioni",
        "sapere",
        "chiedere",
        "domanda",
        "buongiorno",
        "buonasera",
        "salve",
        "ciao",
        "grazie",
        "cordiale",
        "saluto",
        "distinto",
        "gentile",
        "egregio",
        "cortese",
        "cortesemente",
        "favore",
        "aiutare",
        "aiuto",
        "potere",
        "dovere",
        "servire",
        "problema",
        # every message to a shop is about a purchase: the word alone names no topic
        "acquisto",
        "acquistare",
    },
    "en": {
        "information",
        "info",
        "know",
        "ask",
        "question",
        "hello",
        "hi",
        "dear",
        "regard",
        "thanks",
        "thank",
        "kind",
        "kindly",
        "please",
        "like",
        "want",
        "need",
        "help",
        "wonder",
        "problem",
        "purchase",
    },
}
# Kept for choice matching: "sì"/"no" decide between two choices.
ANSWER_WORDS = {
    "it": {"sì", "si", "no", "non", "ancora", "mai", "già"},
    "en": {"yes", "no", "not", "never", "yet", "already"},
}
_lock = threading.Lock()


@lru_cache(maxsize=len(LANGUAGES))
def pipeline(language: str) -> Language:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    with _lock:
        nlp = spacy.blank(language)
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    return nlp


def _fold(word: str) -> str:
    """Lowercase and straighten apostrophes; accents stay (the lookup tables use them)."""
    return word.lower().replace("’", "'").replace("`", "'")


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def lemmas(text: str, language: str, *, keep_answer_words: bool = False) -> list[str]:
    """Content-word lemmas of `text`, in order, accent-free (customers often skip accents)."""
    nlp = pipeline(language)
    keep = KEEP_WORDS[language] | (ANSWER_WORDS[language] if keep_answer_words else set())
    result = []
    for token in nlp(_fold(text)):
        if token.is_punct or token.is_space or not any(ch.isalnum() for ch in token.text):
            continue
        word = token.text.strip("'")
        lemma = (token.lemma_ or word).lower().strip("'")
        if word not in keep and (token.is_stop or lemma in nlp.Defaults.stop_words):
            continue
        if lemma in FILLER_LEMMAS[language] or word in FILLER_LEMMAS[language]:
            continue
        if len(lemma) < 2 and not lemma.isdigit():
            continue
        result.append(_strip_accents(lemma))
    return result
