"""A readable diff between two tree contents (versions, or the live version and the draft).

The tree is flattened into labelled fields ("Node eu-return › answer (it)"); fields
only in the new content are added, only in the old removed, in both but different
changed, with a word-level diff of the text so a reviewer sees exactly what moved.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from kb.content import LANGUAGES


@dataclass(frozen=True)
class Segment:
    op: str  # "same" | "added" | "removed"
    text: str


@dataclass(frozen=True)
class Change:
    kind: str  # "added" | "removed" | "changed"
    label: str
    old: str = ""
    new: str = ""
    segments: list[Segment] = field(default_factory=list)


def _flatten(content: dict[str, Any] | None) -> dict[str, str]:
    if not content:
        return {}
    fields: dict[str, str] = {}
    for lang in LANGUAGES:
        fields[f"Title ({lang})"] = content["title"].get(lang, "")
        fields[f"Example questions ({lang})"] = "\n".join(content["examples"].get(lang, []))
    fields["Team"] = content.get("team") or ""
    fields["Start node"] = content.get("root") or ""
    for node in content.get("nodes", []):
        prefix = f"Node {node['key']}"
        fields[f"{prefix} › kind"] = node["kind"]
        what = "question" if node["kind"] == "question" else "answer"
        for lang in LANGUAGES:
            fields[f"{prefix} › {what} ({lang})"] = node["text"].get(lang, "")
        for number, choice in enumerate(node.get("choices", []), start=1):
            label = f"{prefix} › choice {number}"
            for lang in LANGUAGES:
                fields[f"{label} › label ({lang})"] = choice["label"].get(lang, "")
                fields[f"{label} › synonyms ({lang})"] = ", ".join(choice["synonyms"].get(lang, []))
            fields[f"{label} › leads to"] = choice.get("target") or "(nowhere)"
        for number, attachment in enumerate(node.get("attachments", []), start=1):
            fields[f"{prefix} › attachment {number}"] = (
                f"{attachment['name']} ({attachment.get('filename', '')}, "
                f"{attachment.get('sha256', '')[:8]})"
            )
        if node["kind"] == "answer":
            followup = node.get("followup")
            fields[f"{prefix} › follow-up"] = (
                f"{followup['action']} {json.dumps(followup['filter'])}"
                if followup and followup.get("filter")
                else (followup or {}).get("action", "")
            )
    return {label: value for label, value in fields.items() if value}


_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def _segments(old: str, new: str) -> list[Segment]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    result: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            result.append(Segment("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            result.append(Segment("removed", "".join(a[i1:i2])))
        if j2 > j1:
            result.append(Segment("added", "".join(b[j1:j2])))
    return result


def content_diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Change]:
    """What changed from `old` to `new`, in the new content's order (removals after)."""
    before, after = _flatten(old), _flatten(new)
    changes = []
    for label, value in after.items():
        if label not in before:
            changes.append(Change("added", label, new=value))
        elif before[label] != value:
            changes.append(
                Change("changed", label, before[label], value, _segments(before[label], value))
            )
    for label, value in before.items():
        if label not in after:
            changes.append(Change("removed", label, old=value))
    return changes
