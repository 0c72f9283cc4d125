"""Free-text search over the PUBLISHED trees: spaCy lemmas + BM25, one index per language.

`kb_search` is the one search the bot (through the internal API), the e-mail
auto-reply and the console use. It ranks trees and, inside the best trees, the
answer node that fits the question best.

Scores are comparable across queries: a tree's BM25 score is divided by the most
that query could score (every query lemma matched with a saturated frequency), so
a score is "how much of what the customer said the tree covers", between 0 and 1.
Lemmas the knowledge base has never seen count at the weight of a rare word, so a
question about something the KB does not know stays low. docs/kb-search.md gives
the measured figures; CONFIDENT_SCORE is the threshold we recommend to callers.

The index lives in each process and is rebuilt lazily when the set of published
versions changes (one cheap aggregate query per search), so every web process sees
a publish without any extra infrastructure.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from kb.content import LANGUAGES
from kb.rendering import markdown_to_text
from kb.text import lemmas

# Above this a caller may answer with the hit without asking; below, offer choices or a human.
CONFIDENT_SCORE = 0.4
# Below this a hit is noise: callers should not even offer it.
MINIMUM_SCORE = 0.12
# The best answer node is named only when it matches this well on its own...
NODE_MIN_SCORE = 0.25
# ...and beats the tree's next best answer by this factor: a question that fits several
# answers equally ("ho una domanda sul reso") starts at the tree's root instead.
NODE_MARGIN = 1.1
# ...and only when a whole word or phrase of the question is rare among the tree's answers
# (log-scaled share: 1 in one answer only, about 0.3 in every answer).
NODE_TELLING = 0.5

K1 = 1.2
B = 0.75
# How much each part of a tree counts (term-frequency multipliers, BM25F style).
WEIGHT_TITLE = 3
WEIGHT_EXAMPLES = 2
WEIGHT_LABELS = 2  # choice labels and synonyms leading to a node
WEIGHT_TEXT = 1
# Choosing the answer node inside a tree: the labels that lead straight to an answer name
# it best; the labels further up its path (the ancestors' choices) set the context.
WEIGHT_NODE_LABELS = 3
WEIGHT_NODE_PATH = 1
MAX_QUERY_CHARS = 1000
STEM_CHARS = 5
STEM_MARK = "~"
STEM_WEIGHT = 0.5
PAIR_MARK = "+"
# A query word the index does not know is read as a known word one edit away (a typo:
# "acetate" → "accettare" is two, "spedizone" → "spedizione" one), at this weight.
TYPO_MIN_CHARS = 5
TYPO_WEIGHT = 0.8


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    score: float  # 0..1, comparable across queries (see CONFIDENT_SCORE)
    node: str | None  # key of the best answer node, None: start at the tree's root

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Doc:
    slug: str
    node: str | None
    terms: Counter[str]
    length: int = 0

    def __post_init__(self) -> None:
        self.length = sum(self.terms.values())


@dataclass
class _LanguageIndex:
    trees: list[_Doc] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    answers: dict[str, list[_Doc]] = field(default_factory=dict)  # slug → answer passages
    # slug → in how many of the tree's answers each term occurs (what tells answers apart)
    answer_df: dict[str, Counter[str]] = field(default_factory=dict)
    # a word with one letter deleted → the known lemmas it comes from (typo lookup)
    deletions: dict[str, set[str]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    unknown_idf: float = 0.0
    avg_tree_length: float = 1.0
    avg_answer_length: float = 1.0
    postings: dict[str, list[int]] = field(default_factory=dict)  # lemma → tree doc indexes


class SearchIndex:
    """BM25 over trees (and their answers) for each language, built from tree contents."""

    def __init__(
        self,
        contents: Iterable[dict[str, Any]],
        *,
        analysed: dict[tuple[Any, str], _Analysis] | None = None,
        keys: Iterable[Any] | None = None,
    ) -> None:
        """`analysed` caches the lemmatised trees by (key, language) across rebuilds; `keys`
        (e.g. version ids) name the contents in it."""
        contents = list(contents)
        keys = list(keys) if keys is not None else [None] * len(contents)
        self.languages: dict[str, _LanguageIndex] = {}
        for language in LANGUAGES:
            analyses = []
            for key, content in zip(keys, contents, strict=True):
                if analysed is not None and key is not None:
                    if (key, language) not in analysed:
                        analysed[(key, language)] = _analyse(content, language)
                    analyses.append(analysed[(key, language)])
                else:
                    analyses.append(_analyse(content, language))
            self.languages[language] = _build(analyses)

    def search(self, query: str, language: str, limit: int = 3) -> list[SearchHit]:
        index = self.languages[language]
        found, corrected = _correct_typos(lemmas(query[:MAX_QUERY_CHARS], language), index)
        terms = _query_terms(found, corrected)
        if not terms or not index.trees:
            return []
        node_terms = dict(terms)
        for pair in _pairs(found):
            node_terms.setdefault(pair, 1.0)
        best_possible = sum(
            weight * index.idf.get(t, index.unknown_idf) for t, weight in terms.items()
        ) * (K1 + 1)
        scores: dict[int, float] = defaultdict(float)
        for term, weight in terms.items():
            idf = index.idf.get(term)
            if idf is None:
                continue
            for doc_index in index.postings.get(term, ()):
                doc = index.trees[doc_index]
                scores[doc_index] += weight * _term_score(
                    idf, doc.terms[term], doc.length, index.avg_tree_length
                )
        ranked = sorted(scores.items(), key=lambda item: (-item[1], index.trees[item[0]].slug))
        hits = []
        for doc_index, raw in ranked[:limit]:
            score = raw / best_possible
            if score < MINIMUM_SCORE:
                break
            slug = index.trees[doc_index].slug
            hits.append(
                SearchHit(
                    slug=slug,
                    title=index.titles[slug],
                    score=round(score, 4),
                    node=_best_answer(index, slug, node_terms),
                )
            )
        return hits


def _term_score(idf: float, tf: float, length: int, avg_length: float) -> float:
    return idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg_length))


def _query_terms(
    found: list[str], corrected: set[str] | frozenset[str] = frozenset()
) -> dict[str, float]:
    """Each distinct query term with its weight (stems count less than whole lemmas, and a
    word read through a typo less than one written right)."""
    terms: dict[str, float] = {}
    for lemma in found:
        typo = TYPO_WEIGHT if lemma in corrected else 1.0
        terms.setdefault(lemma, typo)
        if len(lemma) > STEM_CHARS:
            terms.setdefault(STEM_MARK + lemma[:STEM_CHARS], STEM_WEIGHT * typo)
    return terms


def _correct_typos(found: list[str], index: _LanguageIndex) -> tuple[list[str], set[str]]:
    """Each unknown long word read as the known lemma one edit away, if there is exactly one.

    Symmetric deletion: a word and a lemma are one insertion, deletion, substitution or
    swap apart when deleting at most one letter from each gives the same string. The
    lookup is a few dictionary reads per unknown word. Returns the lemmas and the set of
    corrected ones (they count at TYPO_WEIGHT).
    """
    corrected_lemmas, corrected = [], set()
    for term in found:
        if term in index.idf or len(term) < TYPO_MIN_CHARS or not term.isalpha():
            corrected_lemmas.append(term)
            continue
        candidates: set[str] = set(index.deletions.get(term, ()))
        for variant in _deletions(term):
            if variant in index.idf:
                candidates.add(variant)
            candidates |= index.deletions.get(variant, set())
        if len(candidates) == 1:
            (known,) = candidates
            corrected_lemmas.append(known)
            corrected.add(known)
        else:
            corrected_lemmas.append(term)
    return corrected_lemmas, corrected


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _best_answer(index: _LanguageIndex, slug: str, terms: dict[str, float]) -> str | None:
    """The answer the question points at, or None when it fits no answer, or several alike.

    BM25 over the tree's answers, each term also weighed by how much it tells this tree's
    answers apart ("reso" in every answer of the returns tree says nothing about which
    one), and two adjacent query lemmas that are two adjacent lemmas of a choice label
    ("pacco regalo") count as one more term. The score is divided by the most the query's
    words that this tree knows could score, so words of other topics do not hide an answer.
    """
    answers = index.answers.get(slug, [])
    answer_df = index.answer_df.get(slug, Counter())
    if not answers:
        return None
    known = {t: w for t, w in terms.items() if t in answer_df}
    best = sum(w * index.idf[t] for t, w in known.items() if not _is_pair(t)) * (K1 + 1)
    if not best:
        return None
    spread = math.log(1 + len(answers))
    specific = {t: math.log(1 + len(answers) / answer_df[t]) / spread for t in known}
    scores = []
    for doc in answers:
        score = 0.0
        for term, weight in known.items():
            tf = doc.terms.get(term)
            if tf:
                score += (
                    weight
                    * specific[term]
                    * _term_score(_idf(index, term), tf, doc.length, index.avg_answer_length)
                )
        scores.append((score, doc))
    scores.sort(key=lambda item: -item[0])
    top_score, top = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    if top_score / best < NODE_MIN_SCORE or top_score < NODE_MARGIN * runner_up:
        return None
    # Evidence from a word or a label's phrase that sets answers apart, not only from
    # half-weight stems ("assist" → ~assis) or words every answer shares.
    if not any(
        t in top.terms and not t.startswith(STEM_MARK) and specific[t] >= NODE_TELLING
        for t in known
    ):
        return None
    return top.node


def _is_pair(term: str) -> bool:
    return PAIR_MARK in term


def _idf(index: _LanguageIndex, term: str) -> float:
    if _is_pair(term):
        first, second = term.split(PAIR_MARK)
        return (index.idf.get(first, 0.0) + index.idf.get(second, 0.0)) / 2
    return index.idf[term]


def _pairs(found: list[str]) -> list[str]:
    """Adjacent lemmas as one term ("pacco+regalo"), for phrases of choice labels."""
    return [f"{a}{PAIR_MARK}{b}" for a, b in zip(found, found[1:], strict=False)]


@dataclass(frozen=True)
class _Analysis:
    """One tree in one language, lemmatised: the slow part, done once per published version."""

    slug: str
    title: str
    header: Counter[str]  # title and example questions
    passages: tuple[tuple[str, str, Counter[str]], ...]  # (node key, kind, terms)
    # (answer key, terms): its text, the labels leading to it and the labels of its path
    answers: tuple[tuple[str, Counter[str]], ...] = ()


def _analyse(content: dict[str, Any], language: str) -> _Analysis:
    slug = content["slug"]
    title = content["title"].get(language) or next(
        (t for t in content["title"].values() if t), slug
    )
    header: Counter[str] = Counter()
    _add(header, title, language, WEIGHT_TITLE)
    for example in content["examples"].get(language, []):
        _add(header, example, language, WEIGHT_EXAMPLES)
    incoming = _incoming_labels(content, language)
    parents = _parents(content)
    label_lemmas = {
        key: [lemmas(label, language) for label in labels] for key, labels in incoming.items()
    }
    label_terms = {
        key: Counter(term for found in per_label for term in _with_stems(found))
        for key, per_label in label_lemmas.items()
    }
    label_pairs = {
        key: Counter(pair for found in per_label for pair in _pairs(found))
        for key, per_label in label_lemmas.items()
    }
    passages = []
    answers = []
    for node in content["nodes"]:
        labels = label_terms.get(node["key"], Counter())
        passage: Counter[str] = Counter({t: n * WEIGHT_LABELS for t, n in labels.items()})
        text = node["text"].get(language, "")
        if node["kind"] == "answer":
            text = markdown_to_text(text)
        text_terms = Counter(terms_of(text, language))
        passage.update({t: n * WEIGHT_TEXT for t, n in text_terms.items()})
        passages.append((node["key"], node["kind"], passage))
        if node["kind"] == "answer":
            answer: Counter[str] = Counter({t: n * WEIGHT_TEXT for t, n in text_terms.items()})
            answer.update({t: n * WEIGHT_NODE_LABELS for t, n in labels.items()})
            pairs = label_pairs.get(node["key"], Counter())
            answer.update({t: n * WEIGHT_NODE_LABELS for t, n in pairs.items()})
            for ancestor in _ancestors(node["key"], parents):
                path = label_terms.get(ancestor, Counter())
                answer.update({t: n * WEIGHT_NODE_PATH for t, n in path.items()})
            answers.append((node["key"], answer))
    return _Analysis(
        slug=slug,
        title=title,
        header=header,
        passages=tuple(passages),
        answers=tuple(answers),
    )


def _parents(content: dict[str, Any]) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for node in content["nodes"]:
        for choice in node.get("choices", []):
            if choice.get("target"):
                parents[choice["target"]].add(node["key"])
    return parents


def _ancestors(key: str, parents: dict[str, set[str]]) -> set[str]:
    """The question nodes above `key` on any path (cycles and reuse visited once)."""
    seen: set[str] = set()
    pending = list(parents.get(key, ()))
    while pending:
        current = pending.pop()
        if current in seen or current == key:
            continue
        seen.add(current)
        pending.extend(parents.get(current, ()))
    return seen


def _build(analyses: list[_Analysis]) -> _LanguageIndex:
    """Statistics and postings over analysed trees: cheap, redone on every publish."""
    index = _LanguageIndex()
    document_frequency: Counter[str] = Counter()  # over passages: headers and nodes
    passages_total = 0
    for analysis in analyses:
        index.titles[analysis.slug] = analysis.title
        tree_terms = Counter(analysis.header)
        document_frequency.update(analysis.header.keys())
        for _key, _kind, passage in analysis.passages:
            tree_terms.update(passage)
            document_frequency.update(passage.keys())
        passages_total += 1 + len(analysis.passages)
        index.trees.append(_Doc(slug=analysis.slug, node=None, terms=tree_terms))
        index.answers[analysis.slug] = [
            _Doc(slug=analysis.slug, node=key, terms=terms) for key, terms in analysis.answers
        ]
        answer_df: Counter[str] = Counter()
        for _key, terms in analysis.answers:
            answer_df.update(terms.keys())
        index.answer_df[analysis.slug] = answer_df
    total = max(passages_total, 1)
    index.idf = {
        term: math.log(1 + (total - df + 0.5) / (df + 0.5))
        for term, df in document_frequency.items()
    }
    index.unknown_idf = math.log(1 + (total + 0.5) / 0.5 / 2)  # as rare as a word seen ~once
    for doc_index, doc in enumerate(index.trees):
        for term in doc.terms:
            index.postings.setdefault(term, []).append(doc_index)
    for term in index.idf:
        if len(term) >= TYPO_MIN_CHARS - 1 and not term.startswith(STEM_MARK):
            for variant in _deletions(term):
                index.deletions.setdefault(variant, set()).add(term)
    if index.trees:
        index.avg_tree_length = sum(d.length for d in index.trees) / len(index.trees) or 1.0
    all_answers = [doc for docs in index.answers.values() for doc in docs]
    if all_answers:
        index.avg_answer_length = sum(d.length for d in all_answers) / len(all_answers) or 1.0
    return index


def _incoming_labels(content: dict[str, Any], language: str) -> dict[str, list[str]]:
    labels: dict[str, list[str]] = defaultdict(list)
    for node in content["nodes"]:
        for choice in node.get("choices", []):
            if choice.get("target"):
                labels[choice["target"]].append(choice["label"].get(language, ""))
                labels[choice["target"]].extend(choice["synonyms"].get(language, []))
    return labels


def terms_of(text: str, language: str) -> list[str]:
    """Lemmas, plus a prefix stem of each long lemma ("~conse" joins consegna and consegnare:
    the lookup lemmatizer knows words, not word families)."""
    return _with_stems(lemmas(text, language))


def _with_stems(found: list[str]) -> list[str]:
    return found + [STEM_MARK + lemma[:STEM_CHARS] for lemma in found if len(lemma) > STEM_CHARS]


def _add(counter: Counter[str], text: str, language: str, weight: int) -> None:
    for term in terms_of(text, language):
        counter[term] += weight


# --- the process-wide index over published versions ------------------------------------

_index: SearchIndex | None = None
_index_key: tuple[Any, ...] | None = None
_index_lock = threading.Lock()
# ((version id, publish time), language) → analysis
_analysed: dict[tuple[Any, str], _Analysis] = {}


def _published_key() -> tuple[Any, ...]:
    from django.db.models import Count, Max

    from kb.models import Tree

    return tuple(
        Tree.objects.filter(live_version__isnull=False)
        .aggregate(
            newest=Max("live_version_id"),
            trees=Count("id"),
            # ids can be reused after a delete (SQLite); a publish time cannot go back.
            latest=Max("live_version__published_at"),
        )
        .values()
    )


def _published_versions() -> list[tuple[tuple[int, str], dict[str, Any]]]:
    """((version id, publish time), content) of each live version; contents only for new ones.

    The publish time is in the key because SQLite may hand a deleted row's id out again.
    """
    from kb.models import Tree, TreeVersion

    live = [
        (pk, published_at.isoformat())
        for pk, published_at in Tree.objects.filter(live_version__isnull=False)
        .order_by("slug")
        .values_list("live_version_id", "live_version__published_at")
    ]
    known = {key for key, _ in _analysed}
    missing = [pk for pk, _ in (key for key in live if key not in known)]
    contents = dict(TreeVersion.objects.filter(pk__in=missing).values_list("pk", "content"))
    return [(key, contents.get(key[0], {})) for key in live]


def published_index() -> SearchIndex:
    """The index of what is published now; rebuilt when a publish or rollback happened."""
    global _index, _index_key
    key = _published_key()
    if _index is not None and key == _index_key:
        return _index
    with _index_lock:
        if _index is None or key != _index_key:
            versions = _published_versions()
            live = {pk for pk, _ in versions}
            for stale in [k for k in _analysed if k[0] not in live]:
                del _analysed[stale]
            _index = SearchIndex(
                [content for _, content in versions],
                keys=[pk for pk, _ in versions],
                analysed=_analysed,
            )
            _index_key = key
    return _index


def index_invalidate() -> None:
    """Forget this process's index (after a publish; other processes notice the key change).

    The lemmatised versions stay cached: a rebuild only analyses what is new."""
    global _index, _index_key
    with _index_lock:
        _index, _index_key = None, None


def index_reset() -> None:
    """Forget everything, cached analyses included (tests: ids repeat after a rollback)."""
    index_invalidate()
    with _index_lock:
        _analysed.clear()


def kb_search(*, query: str, language: str, limit: int = 3) -> list[SearchHit]:
    """The published trees that best answer `query`, best first, scores 0..1.

    Treat a first hit with score >= CONFIDENT_SCORE as an answer; between
    MINIMUM_SCORE and that, offer the hits as choices; nothing returned: no idea.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    if not query or not query.strip():
        return []
    return published_index().search(query, language, max(1, min(limit, 20)))
