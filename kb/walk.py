"""Walking a tree's content as a customer: one node's view, and free text → a choice.

Pure functions over content (kb/content.py), so the bot's walk over a published
version and the author's preview of a draft show exactly the same thing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage

from kb.attachments import IMAGE_TYPES
from kb.content import LANGUAGES, nodes_by_key
from kb.rendering import markdown_to_html, markdown_to_text
from kb.text import lemmas

# Share of a choice's words the customer's text must contain to pick it.
CHOICE_MIN_SCORE = 0.5


class NodeNotFound(LookupError):
    pass


@dataclass(frozen=True)
class NodeView:
    slug: str
    version: int | None  # None: the draft
    title: str
    team: str | None
    key: str
    kind: str  # "question" | "answer"
    text: str  # plain text (bot, e-mail text part)
    html: str  # sanitised HTML (pages, e-mail HTML part)
    is_root: bool
    choices: list[dict[str, Any]] = field(default_factory=list)  # number, label, target
    attachments: list[dict[str, Any]] = field(default_factory=list)
    followup: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChoiceMatch:
    number: int  # 1-based, as shown to the customer
    label: str
    target: str
    score: float  # 1.0 exact label, synonym or number; else the share of words matched

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _in(texts: dict[str, Any], language: str) -> Any:
    """The text in `language`, falling back to another language rather than showing nothing."""
    value = texts.get(language)
    if value:
        return value
    return next((texts[lang] for lang in LANGUAGES if texts.get(lang)), texts.get(language, ""))


def attachment_url(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{default_storage.url(path)}"


def node_view(
    content: dict[str, Any], *, node_key: str | None, language: str, version: int | None
) -> NodeView:
    """The node as the customer meets it; `node_key` None or "" is the tree's start."""
    nodes = nodes_by_key(content)
    key = node_key or content.get("root")
    if key not in nodes:
        raise NodeNotFound(f"tree {content['slug']} has no node {node_key!r}")
    node = nodes[key]
    text = _in(node["text"], language)
    if node["kind"] == "answer":
        html = markdown_to_html(text)
        plain = markdown_to_text(text)
    else:
        # A question is one plain sentence: escaped, never interpreted.
        plain = text
        html = f"<p>{_escape(text)}</p>" if text else ""
    return NodeView(
        slug=content["slug"],
        version=version,
        title=_in(content["title"], language),
        team=content.get("team"),
        key=key,
        kind=node["kind"],
        text=plain,
        html=html,
        is_root=key == content.get("root"),
        choices=[
            {"number": number, "label": _in(choice["label"], language), "target": choice["target"]}
            for number, choice in enumerate(node.get("choices", []), start=1)
        ],
        attachments=[
            {
                "name": attachment["name"],
                "url": attachment_url(attachment["file"]),
                "content_type": attachment.get("content_type", ""),
                "size": attachment.get("size", 0),
                "image": attachment.get("content_type") in IMAGE_TYPES,
            }
            for attachment in node.get("attachments", [])
        ],
        followup=node.get("followup"),
    )


def _escape(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


_WORDS = re.compile(r"[\W_]+", re.UNICODE)


def _normal(text: str) -> str:
    return _WORDS.sub(" ", text.casefold()).strip()


def match_choice(
    content: dict[str, Any], *, node_key: str | None, text: str, language: str
) -> ChoiceMatch | None:
    """The choice of a question node that free text means, or None (no match or a tie).

    In order: the choice's number ("2"), its label or a synonym said exactly, a label
    or synonym contained in the text, then the share of a label's or synonym's
    lemmas found in the text's lemmas (at least CHOICE_MIN_SCORE, and clearly ahead).
    """
    nodes = nodes_by_key(content)
    key = node_key or content.get("root")
    if key not in nodes:
        raise NodeNotFound(f"tree {content['slug']} has no node {node_key!r}")
    choices = [c for c in nodes[key].get("choices", []) if c.get("target")]
    said = _normal(text)
    if not said or not choices:
        return None

    def result(index: int, score: float) -> ChoiceMatch:
        choice = choices[index]
        return ChoiceMatch(
            number=index + 1,
            label=_in(choice["label"], language),
            target=choice["target"],
            score=round(score, 4),
        )

    if said.isdigit() and 1 <= int(said) <= len(choices):
        return result(int(said) - 1, 1.0)
    phrases = [
        [_normal(p) for p in [c["label"].get(language, "")] + c["synonyms"].get(language, []) if p]
        for c in choices
    ]
    for index, options in enumerate(phrases):
        if said in options:
            return result(index, 1.0)
    contained = [
        index
        for index, options in enumerate(phrases)
        if any(f" {p} " in f" {said} " for p in options)
    ]
    if len(contained) == 1:
        return result(contained[0], 0.9)
    said_lemmas = set(lemmas(text, language, keep_answer_words=True))
    scores = []
    for options in phrases:
        best = 0.0
        for phrase in options:
            phrase_lemmas = set(lemmas(phrase, language, keep_answer_words=True))
            if phrase_lemmas:
                best = max(best, len(phrase_lemmas & said_lemmas) / len(phrase_lemmas))
        scores.append(best)
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    top = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    if scores[top] >= CHOICE_MIN_SCORE and scores[top] > runner_up:
        return result(top, scores[top] * 0.85)  # never as sure as an exact match
    return None
