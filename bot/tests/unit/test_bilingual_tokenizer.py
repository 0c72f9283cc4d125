"""The bilingual tokenizer: language detection, tokens, lemmas, the `language` output."""

from __future__ import annotations

import pytest
from components.bilingual_tokenizer import detect_language, language_scores
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@pytest.mark.parametrize(
    "text",
    [
        "ciao",
        "Buongiorno!",
        "dov'è il mio ordine?",
        "dove e il mio ordine",  # no accent
        "perche non e ancora arrivato?",
        "vorrei un pullover di lana per mio figlio",
        "di lana",
        "blu",
        "taglia M",
        "per mia figlia di 5 anni",
        "l'ordine A-10045 è in ritardo",
        "c'è uno sconto sui cardigan?",
        "GRAZIE MILLE",
        "si",
        "sei un bot?",
        "vorrei un sweater",  # one English word in an Italian sentence
    ],
)
def test_italian_messages_are_detected_as_italian(text):
    assert detect_language(text) == "it"


@pytest.mark.parametrize(
    "text",
    [
        "hi",
        "Hello there",
        "where is my order?",
        "I'm looking for a wool sweater",
        "in cotton please",
        "size M",
        "wool",
        "thanks a lot",
        "yes",
        "how do I wash a cashmere sweater?",
        "don't you have anything cheaper",
        "this is unacceptable",
        "are you a bot?",
        "tell me a joke",
        "WHERE IS MY PARCEL",
        "exactly",
        "cheers!",
        "terrible service",
    ],
)
def test_english_messages_are_detected_as_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", ["", None, "M", "ok", "A-10041", "cashmere", "?!", "123"])
def test_no_evidence_is_a_tie_and_a_tie_is_italian(text):
    scores = language_scores(text)
    assert scores["it"] == scores["en"]
    assert detect_language(text) == "it"


def test_words_shared_by_both_stop_word_lists_count_for_neither():
    assert language_scores("a in per no me") == {"it": 0, "en": 0}


def test_english_contractions_count_for_english():
    assert language_scores("I'm")["en"] > 0
    assert language_scores("don't")["en"] > language_scores("don't")["it"]


def test_italian_elisions_count_for_italian():
    assert language_scores("dell'offerta")["it"] > 0
    assert language_scores("un'altra")["en"] == 0


def _tokens(tokenizer, text):
    message = Message(data={"text": text})
    return message, tokenizer.tokenize(message, "text")


def test_italian_tokens_lemmas_and_offsets(tokenizer):
    text = "Vorrei dei Maglioni di lana per i bambini"
    message, tokens = _tokens(tokenizer, text)
    assert message.get("language") == "it"
    assert [t.text for t in tokens] == text.split()
    assert all(text[t.start : t.end] == t.text for t in tokens)
    lemmas = {t.text: t.lemma for t in tokens}
    assert lemmas["Maglioni"] == "maglione"
    assert lemmas["bambini"] == "bambino"
    assert lemmas["Vorrei"] == "volere"
    assert all(t.lemma == t.lemma.lower() for t in tokens)


def test_italian_elisions_are_split_the_italian_way(tokenizer):
    _, tokens = _tokens(tokenizer, "dov'è l'ordine A-10045?")
    assert [t.text for t in tokens] == ["dov'", "è", "l'", "ordine", "A-10045", "?"]
    assert tokens[1].lemma == "essere"


def test_english_tokens_and_lemmas(tokenizer):
    message, tokens = _tokens(tokenizer, "I'm looking for Wool Sweaters for my kids")
    assert message.get("language") == "en"
    assert [t.text for t in tokens][:2] == ["I", "'m"]
    lemmas = {t.text: t.lemma for t in tokens}
    assert lemmas["Sweaters"] == "sweater"
    assert lemmas["looking"] == "look"
    assert lemmas["kids"] == "kid"
    assert lemmas["Wool"] == "wool"


def test_order_numbers_stay_one_token_in_both_languages(tokenizer):
    for text in ("a che punto è l'ordine A-10041?", "where is order A-10041?"):
        _, tokens = _tokens(tokenizer, text)
        assert "A-10041" in [t.text for t in tokens]


def test_language_is_part_of_the_parse_output(tokenizer):
    [message] = tokenizer.process([Message(data={"text": "where is my order?"})])
    output = message.as_dict(only_output_properties=True)
    assert output["language"] == "en"
    assert output["language_evidence"] == 5  # where, is, my: stop words; order: a marker
    assert "text_tokens" in message.data
    [tie] = tokenizer.process([Message(data={"text": "M"})])
    assert (tie.get("language"), tie.get("language_evidence")) == ("it", 0)


def test_training_examples_are_tokenized(tokenizer):
    data = TrainingData([Message(data={"text": "ciao", "intent": "greet"})])
    tokenizer.process_training_data(data)
    [example] = data.training_examples
    assert [t.text for t in example.get("text_tokens")] == ["ciao"]
    assert [t.text for t in example.get("intent_tokens")] == ["greet"]


def test_empty_text_gives_no_tokens(tokenizer):
    message = Message(data={"text": ""})
    assert tokenizer.tokenize(message, "text") == []


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("cerco una t-shirt light-blue", "t-shirt"),
        ("cerco una t-shirt light-blue", "light-blue"),
        ("a T-shirt for a 5-year-old", "T-shirt"),
        ("a T-shirt for a 5-year-old", "5-year-old"),
        ("taglia 5-6y per favore", "5-6y"),
    ],
)
def test_hyphenated_words_are_one_token(tokenizer, text, word):
    _, tokens = _tokens(tokenizer, text)
    [token] = [t for t in tokens if t.text == word]
    assert text[token.start : token.end] == word
    assert token.lemma == word.lower()


def test_a_lone_hyphen_is_left_alone(tokenizer):
    _, tokens = _tokens(tokenizer, "lana - cotone")
    assert [t.text for t in tokens] == ["lana", "-", "cotone"]
