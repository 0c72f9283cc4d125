"""One tokenizer for an assistant that is spoken to in Italian and in English.

For every message it

1. guesses the language (``detect_language``, below), Italian when in doubt;
2. tokenizes with a blank spaCy pipeline of that language (``spacy.blank("it"|"en")``),
   whose rule-based tokenizer knows the language's elisions and contractions
   ("dell'ordine" → "dell'" + "ordine", "I'm" → "I" + "'m");
3. joins words spaCy splits at hyphens back into one token ("t-shirt", "light-blue",
   "5-6y", "A-10041"): customers' hyphenated words are single catalogue terms, and an
   entity is easier to learn as one token than as "t" "-" "shirt";
4. sets every token's lemma from spaCy's lookup lemmatizer (tables from the installed
   ``spacy-lookups-data`` package: nothing is downloaded), lowercased, so the
   CountVectorsFeaturizer sees "maglioni"/"Maglione" and "sweaters"/"Sweater" as one word;
5. stores the language on the message (``message.set("language", ..., add_to_output=True)``),
   so it is part of the parse result: ``/model/parse`` returns ``"language": "it"``, and
   in a conversation it is ``tracker.latest_message["language"]``; beside it
   ``"language_evidence"``, how many points the winner is ahead (0 for "M" or "ok"), which
   the bot uses to follow a customer who switches language (actions/session.py).

Language detection is a deliberately small, explainable heuristic: customers' messages
are short ("blu", "taglia M", "where is my order?"), too short for statistical language
identification, and almost always either Italian or English.

    score(lang) = 1 point for every word in spaCy's stop-word list of that language
                + 2 points for every word in a short list of strong markers of that
                  language (greetings, thanks, yes/no, and the shop's own vocabulary:
                  garments, materials, colours, orders, returns…)
                + 1 point for every English contraction ("I'm", "don't", "it's")

Words in both stop-word lists ("a", "in", "per", "no", "me", "via", "due", "all") and
the English/Italian "i" count for neither. Accents are optional ("perche" = "perché",
"e" = "è"). The higher score wins; a tie (including no evidence at all, e.g. "M" or
"ok") is Italian, the shop's first language.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

ITALIAN = "it"
ENGLISH = "en"
LANGUAGES = (ITALIAN, ENGLISH)
DEFAULT_LANGUAGE = ITALIAN
LANGUAGE_KEY = "language"  # the key in the message / parse result
# How much more evidence the detected language has than the other (0: a tie, e.g. "M").
LANGUAGE_EVIDENCE_KEY = "language_evidence"

STOP_WORD_POINTS = 1
MARKER_POINTS = 2
CONTRACTION_POINTS = 1


def _plain(word: str) -> str:
    """The word without accents: "perché" → "perche", "è" → "e"."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _with_plain_forms(words: Iterable[str]) -> frozenset:
    words = {w.lower() for w in words}
    return frozenset(words | {_plain(w) for w in words})


def _stop_words() -> tuple[frozenset, frozenset]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
    from spacy.lang.it.stop_words import STOP_WORDS as IT_STOP_WORDS

    # Entries of spaCy's Italian list that are not Italian function words and do turn
    # up in English text.
    not_italian = {"ex", "inc", "press", "haha", "srl", "sig", "ansa"}
    italian = set(IT_STOP_WORDS) - not_italian
    english = {w for w in EN_STOP_WORDS if w.isalpha()}
    shared = (italian & english) | {"i"}  # "i" is the Italian article and English "I"
    return _with_plain_forms(italian - shared), _with_plain_forms(english - shared)


IT_STOP_WORDS, EN_STOP_WORDS = _stop_words()

# Strong markers: frequent in customer-service chat, unambiguous, and covering the
# one-word answers to the shop assistant's questions ("lana", "wool", "blu", "grey").
# Words both languages use (pullover, cardigan, cashmere, beige, navy, ok) are left out.
IT_MARKERS = _with_plain_forms(
    """
    ciao buongiorno buonasera buonanotte salve arrivederci grazie prego sì si certo esatto
    vorrei cerco voglio volevo posso potete puoi avete c'è dov'è quanto quanti quando
    ordine ordinato spedizione spedito consegna pacco reso resi rimborso pagamento
    taglia taglie offerta offerte sconto sconti saldi promozione prezzo
    maglione maglioni maglia maglioncino golf camicia camicie maglietta pantaloni giacca
    giubbotto sciarpa vestito abito lana cotone lino seta poliestere acrilico
    blu grigio grigia rosso rossa verde nero nera bianco bianca marrone giallo azzurro
    panna cammello donna uomo bambino bambina bambini bimbo bimba figlio figlia moglie
    marito operatore persona aiuto anni mesi ehi dimmi parlare sera mattina barzelletta
    fate siete giusto ottimo perfetto certamente assolutamente d'accordo vabbè grz
    """.split()
)
EN_MARKERS = _with_plain_forms(
    """
    hi hello hey thanks thank bye goodbye yes yeah yep nope please sure
    want need looking buy get have
    order ordered shipping shipped delivery parcel package return refund payment
    size sizes offer offers discount discounts sales sale deal deals price
    sweater sweaters jumper jumpers shirt shirts tee trousers pants jacket coat scarf dress
    wool cotton linen silk polyester acrylic
    blue grey gray red green black white brown pink yellow cream
    woman women man men kids kid child children son daughter wife husband boy girl
    human agent person help years months tell know talk speak joke weather good great
    morning evening night later cheers thx ty hiya howdy greetings
    exactly correct absolutely definitely alright right certainly agreed yup yea ya nah
    maybe cool awesome fine terrible awful bad worst service small medium large
    """.split()
)
# "I'm", "don't", "it's", "we're", "I've", "you'll", "I'd"
EN_CONTRACTION_TAILS = frozenset({"m", "s", "t", "re", "ve", "ll", "d"})

# Words joined by hyphens without spaces: "t-shirt", "light-blue", "5-6y", "A-10041".
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]*)*")


def language_scores(text: str | None) -> dict[str, int]:
    """The evidence for each language in ``text`` (see the module docstring)."""
    scores = {ITALIAN: 0, ENGLISH: 0}
    if not text:
        return scores
    normalised = text.lower().replace("’", "'").replace("‘", "'")

    def score_word(word: str) -> None:
        if not word:
            return
        plain = _plain(word)
        if word in IT_STOP_WORDS or plain in IT_STOP_WORDS:
            scores[ITALIAN] += STOP_WORD_POINTS
        if word in EN_STOP_WORDS:
            scores[ENGLISH] += STOP_WORD_POINTS
        if word in IT_MARKERS or plain in IT_MARKERS:
            scores[ITALIAN] += MARKER_POINTS
        if word in EN_MARKERS:
            scores[ENGLISH] += MARKER_POINTS

    for word in _WORD.findall(normalised):
        if "'" not in word:
            score_word(word)
            continue
        if word in IT_MARKERS:  # "c'è", "dov'è"
            scores[ITALIAN] += MARKER_POINTS
            continue
        head, _, tail = word.partition("'")
        if head + "'" in IT_STOP_WORDS or head in IT_STOP_WORDS:
            # Italian elision: "l'ordine", "dell'offerta", "un'altra", "po'", "e'"
            scores[ITALIAN] += STOP_WORD_POINTS
            for part in tail.split("'"):
                score_word(part)
        elif tail in EN_CONTRACTION_TAILS:
            scores[ENGLISH] += CONTRACTION_POINTS
            score_word(head)
        else:
            for part in word.split("'"):
                score_word(part)
    return scores


def detect_language(text: str | None) -> str:
    """Return "it" or "en": the language with more evidence; Italian on a tie."""
    scores = language_scores(text)
    return ENGLISH if scores[ENGLISH] > scores[ITALIAN] else ITALIAN


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class BilingualSpacyTokenizer(Tokenizer, GraphComponent):
    """Tokenizes Italian or English messages with the matching blank spaCy pipeline."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Flag to check whether to split intents
            "intent_tokenization_flag": False,
            # Symbol on which intent should be split
            "intent_split_symbol": "_",
            # Regular expression to detect tokens
            "token_pattern": None,
            # Symbol on which prefix should be split
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """Any extra python dependencies required for this component to run."""
        return ["spacy", "spacy_lookups_data"]

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain (rather than reuse cached tokens) when this file changes."""
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> BilingualSpacyTokenizer:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        """Builds the two blank pipelines with their lookup lemmatizers."""
        super().__init__(config)
        import spacy

        self.pipelines = {}
        self.lemma_tables = {}
        for language in LANGUAGES:
            nlp = spacy.blank(language)
            lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.initialize()  # loads the tables from spacy-lookups-data
            self.pipelines[language] = nlp
            self.lemma_tables[language] = lemmatizer.lookups.get_table("lemma_lookup")

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenizes the attribute's text in the language detected for it."""
        text = message.get(attribute)
        scores = language_scores(text)
        language = ENGLISH if scores[ENGLISH] > scores[ITALIAN] else ITALIAN
        if attribute == TEXT:
            message.set(LANGUAGE_KEY, language, add_to_output=True)
            message.set(
                LANGUAGE_EVIDENCE_KEY,
                abs(scores[ENGLISH] - scores[ITALIAN]),
                add_to_output=True,
            )
        if not text:
            return []
        doc = self.pipelines[language](text)
        table = self.lemma_tables[language]
        tokens = [
            Token(t.text, t.idx, lemma=self._lemma(t, table))
            for t in doc
            if t.text and t.text.strip()
        ]
        tokens = self._join_hyphenated(tokens, text, table)
        return self._apply_token_pattern(tokens)

    @staticmethod
    def _join_hyphenated(tokens: list[Token], text: str, table: Any) -> list[Token]:
        """One token for each hyphenated word spaCy split ("t" "-" "shirt")."""
        for match in _HYPHENATED.finditer(text):
            start, end = match.span()
            inside = [i for i, t in enumerate(tokens) if start <= t.start and t.end <= end]
            straddling = any(t.start < start < t.end or t.start < end < t.end for t in tokens)
            if len(inside) < 2 or straddling:
                continue
            word = match.group()
            lower = word.lower()
            joined = Token(word, start, end, lemma=str(table.get(lower, lower)).lower())
            tokens = tokens[: inside[0]] + [joined] + tokens[inside[-1] + 1 :]
        return tokens

    @staticmethod
    def _lemma(token: Any, table: Any) -> str:
        # The lookup lemmatizer is case-sensitive ("Maglioni" is not in the table).
        if token.lemma_ and token.lemma_ != token.text:
            return token.lemma_.lower()
        lower = token.text.lower()
        return str(table.get(lower, lower)).lower()
