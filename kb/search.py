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
# The best answer node is named only when it matches this well on its own.
NODE_MIN_SCORE = 0.25

K1 = 1.2
B = 0.75
# How much each part of a tree counts (term-frequency multipliers, BM25F style).
WEIGHT_TITLE = 3
WEIGHT_EXAMPLES = 2
WEIGHT_LABELS = 2  # choice labels and synonyms leading to a node
WEIGHT_TEXT = 1
MAX_QUERY_CHARS = 1000
STEM_CHARS = 5
STEM_MARK = "~"
STEM_WEIGHT = 0.5


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
        terms = _query_terms(query, language)
        if not terms or not index.trees:
            return []
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
                    node=_best_answer(index, slug, terms, best_possible),
                )
            )
        return hits


def _term_score(idf: float, tf: float, length: int, avg_length: float) -> float:
    return idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg_length))


def _query_terms(query: str, language: str) -> dict[str, float]:
    """Each distinct query term with its weight (stems count less than whole lemmas)."""
    terms: dict[str, float] = {}
    for term in terms_of(query[:MAX_QUERY_CHARS], language):
        terms.setdefault(term, STEM_WEIGHT if term.startswith(STEM_MARK) else 1.0)
    return terms


def _best_answer(
    index: _LanguageIndex, slug: str, terms: dict[str, float], best: float
) -> str | None:
    top_key, top_score = None, 0.0
    for doc in index.answers.get(slug, []):
        score = sum(
            weight * _term_score(index.idf[t], doc.terms[t], doc.length, index.avg_answer_length)
            for t, weight in terms.items()
            if t in doc.terms
        )
        if score > top_score:
            top_key, top_score = doc.node, score
    return top_key if top_score / best >= NODE_MIN_SCORE else None


@dataclass(frozen=True)
class _Analysis:
    """One tree in one language, lemmatised: the slow part, done once per published version."""

    slug: str
    title: str
    header: Counter[str]  # title and example questions
    passages: tuple[tuple[str, str, Counter[str]], ...]  # (node key, kind, terms)


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
    passages = []
    for node in content["nodes"]:
        passage: Counter[str] = Counter()
        for label in incoming.get(node["key"], []):
            _add(passage, label, language, WEIGHT_LABELS)
        text = node["text"].get(language, "")
        if node["kind"] == "answer":
            text = markdown_to_text(text)
        _add(passage, text, language, WEIGHT_TEXT)
        passages.append((node["key"], node["kind"], passage))
    return _Analysis(slug=slug, title=title, header=header, passages=tuple(passages))


def _build(analyses: list[_Analysis]) -> _LanguageIndex:
    """Statistics and postings over analysed trees: cheap, redone on every publish."""
    index = _LanguageIndex()
    document_frequency: Counter[str] = Counter()  # over passages: headers and nodes
    passages_total = 0
    for analysis in analyses:
        index.titles[analysis.slug] = analysis.title
        tree_terms = Counter(analysis.header)
        document_frequency.update(analysis.header.keys())
        answers = []
        for key, kind, passage in analysis.passages:
            tree_terms.update(passage)
            document_frequency.update(passage.keys())
            if kind == "answer":
                answers.append(_Doc(slug=analysis.slug, node=key, terms=passage))
        passages_total += 1 + len(analysis.passages)
        index.trees.append(_Doc(slug=analysis.slug, node=None, terms=tree_terms))
        index.answers[analysis.slug] = answers
    total = max(passages_total, 1)
    index.idf = {
        term: math.log(1 + (total - df + 0.5) / (df + 0.5))
        for term, df in document_frequency.items()
    }
    index.unknown_idf = math.log(1 + (total + 0.5) / 0.5 / 2)  # as rare as a word seen ~once
    for doc_index, doc in enumerate(index.trees):
        for term in doc.terms:
            index.postings.setdefault(term, []).append(doc_index)
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
    found = lemmas(text, language)
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
