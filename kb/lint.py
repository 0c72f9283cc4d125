"""The tree linter: a pure function over tree content → findings. Every finding blocks publish.

Codes (docs/kb-authoring.md explains each and how to fix it):

    no_root              the tree has no start node
    no_examples          no example question in either language (search cannot find it)
    dead_end             a question node without choices
    missing_target       a choice that leads nowhere
    unreachable          a node no path from the start reaches
    cycle                a path that comes back to a node it passed (the customer loops)
    missing_translation  text present in one language and missing in the other
    empty_question       a question node with no question text
    empty_answer         an answer node with no text (after sanitising) in any language
    broken_attachment    an attachment of the wrong type or size, or whose file is missing
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from kb.attachments import attachment_problem
from kb.content import LANGUAGES, nodes_by_key
from kb.rendering import markdown_to_text

CODES = (
    "no_root",
    "no_examples",
    "dead_end",
    "missing_target",
    "unreachable",
    "cycle",
    "missing_translation",
    "empty_question",
    "empty_answer",
    "broken_attachment",
)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    node: str | None = None  # the node key it concerns; None for the tree itself
    language: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def lint(
    content: dict[str, Any], *, file_exists: Callable[[str], bool] | None = None
) -> list[Finding]:
    """All findings, tree-level first, then node by node in the content's order.

    `file_exists(path)` checks attachment files in storage; None skips that check
    (the content alone cannot know).
    """
    findings: list[Finding] = []
    nodes = nodes_by_key(content)
    findings += _tree_findings(content)
    root = content.get("root")
    if root is None or root not in nodes:
        findings.append(Finding("no_root", "The tree has no start node: choose one."))
    for node in content.get("nodes", []):
        findings += _node_findings(node, nodes, file_exists)
    if root in nodes:
        findings += _graph_findings(content, nodes, root)
    return findings


def _tree_findings(content: dict[str, Any]) -> list[Finding]:
    findings = []
    findings += _translations(content.get("title", {}), "title", node=None)
    examples = content.get("examples", {})
    if not any(examples.get(lang) for lang in LANGUAGES):
        findings.append(
            Finding("no_examples", "Add example questions: they are how customers find the tree.")
        )
    else:
        for lang in LANGUAGES:
            if not examples.get(lang):
                findings.append(
                    Finding(
                        "missing_translation",
                        f"No example questions in {lang}.",
                        language=lang,
                    )
                )
    if not any(content.get("title", {}).get(lang) for lang in LANGUAGES):
        findings.append(Finding("missing_translation", "The tree has no title."))
    return findings


def _translations(texts: dict[str, str], what: str, *, node: str | None) -> list[Finding]:
    """missing_translation for each language left empty while another has text."""
    present = [lang for lang in LANGUAGES if (texts.get(lang) or "").strip()]
    if not present:
        return []
    return [
        Finding("missing_translation", f"The {what} has no {lang} text.", node=node, language=lang)
        for lang in LANGUAGES
        if lang not in present
    ]


def _node_findings(
    node: dict[str, Any],
    nodes: dict[str, dict[str, Any]],
    file_exists: Callable[[str], bool] | None,
) -> list[Finding]:
    key = node["key"]
    findings = []
    if node["kind"] == "question":
        texts = node.get("text", {})
        if not any((texts.get(lang) or "").strip() for lang in LANGUAGES):
            findings.append(Finding("empty_question", "The question has no text.", node=key))
        findings += _translations(texts, "question", node=key)
        choices = node.get("choices", [])
        if not choices:
            findings.append(
                Finding("dead_end", "A question without choices: the customer is stuck.", node=key)
            )
        for number, choice in enumerate(choices, start=1):
            if choice.get("target") not in nodes:
                findings.append(
                    Finding("missing_target", f"Choice {number} leads nowhere.", node=key)
                )
            labels = choice.get("label", {})
            if not any((labels.get(lang) or "").strip() for lang in LANGUAGES):
                findings.append(
                    Finding("missing_translation", f"Choice {number} has no label.", node=key)
                )
            findings += _translations(labels, f"label of choice {number}", node=key)
    else:
        plain = {lang: markdown_to_text(node.get("text", {}).get(lang, "")) for lang in LANGUAGES}
        if not any(plain.values()):
            findings.append(
                Finding("empty_answer", "The answer is empty (after removing markup).", node=key)
            )
        findings += _translations(plain, "answer", node=key)
        for attachment in node.get("attachments", []):
            problem = attachment_problem(attachment, file_exists=file_exists)
            if problem:
                findings.append(
                    Finding(
                        "broken_attachment",
                        f"Attachment “{attachment.get('name', '?')}”: {problem}.",
                        node=key,
                    )
                )
    return findings


def _graph_findings(
    content: dict[str, Any], nodes: dict[str, dict[str, Any]], root: str
) -> list[Finding]:
    """Unreachable nodes and cycles, by one depth-first walk from the root."""

    def targets(key: str) -> list[str]:
        node = nodes[key]
        if node["kind"] != "question":
            return []
        return [c["target"] for c in node.get("choices", []) if c.get("target") in nodes]

    findings = []
    seen: set[str] = set()
    on_path: list[str] = []
    reported_cycles: set[frozenset[str]] = set()

    # Iterative DFS (trees can be deep; no recursion limit to hit).
    stack: list[tuple[str, int]] = [(root, 0)]
    seen.add(root)
    on_path.append(root)
    while stack:
        key, index = stack[-1]
        children = targets(key)
        if index >= len(children):
            stack.pop()
            on_path.pop()
            continue
        stack[-1] = (key, index + 1)
        child = children[index]
        if child in on_path:
            loop = on_path[on_path.index(child) :] + [child]
            if frozenset(loop) not in reported_cycles:
                reported_cycles.add(frozenset(loop))
                findings.append(
                    Finding(
                        "cycle",
                        "A loop: " + " → ".join(loop) + ". The customer would go round forever.",
                        node=child,
                    )
                )
            continue
        if child not in seen:
            seen.add(child)
            on_path.append(child)
            stack.append((child, 0))
    for node in content.get("nodes", []):
        if node["key"] not in seen:
            findings.append(
                Finding(
                    "unreachable",
                    "No path from the start reaches this node: link it from a choice or delete it.",
                    node=node["key"],
                )
            )
    return findings
