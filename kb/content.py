"""The tree content: one JSON document that holds a whole tree.

It is what a publish freezes (TreeVersion.content), what the linter, the diff, the
search and the bot read, and (with attachments as file references) the YAML format
of kb_import / kb_export. Shape, in the order export writes it:

    slug: returns
    team: customer-care            # crm.Team slug or null
    title:    {it: ..., en: ...}
    examples: {it: [...], en: [...]}
    root: start                    # key of the first node
    nodes:
    - key: start
      kind: question
      text: {it: ..., en: ...}
      choices:
      - label: {it: ..., en: ...}
        synonyms: {it: [...], en: [...]}
        target: eu-return
    - key: eu-return
      kind: answer
      text: {it: markdown, en: markdown}
      attachments: [{name: ..., file: files/returns-form.pdf}]
      followup: {action: catalog, filter: {category: pullover}}   # or null

In stored content an attachment also carries its storage path, type, size and sha256.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

LANGUAGES = ("it", "en")
SCHEMA = 1
NODE_KINDS = ("question", "answer")
FOLLOWUP_ACTIONS = ("handoff", "shop_assistant", "catalog")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
MAX_TEXT_CHARS = 20_000


class ContentError(ValueError):
    """The document is not a valid tree; the message says where."""


def empty_content(slug: str) -> dict[str, Any]:
    return {
        "slug": slug,
        "team": None,
        "title": {lang: "" for lang in LANGUAGES},
        "examples": {lang: [] for lang in LANGUAGES},
        "root": None,
        "nodes": [],
    }


def nodes_by_key(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["key"]: node for node in content.get("nodes", [])}


def lines(text: str) -> list[str]:
    """A textarea with one item a line → the non-empty, stripped items."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- validation of outside input (YAML import) --------------------------------------


def content_validate(data: Any) -> dict[str, Any]:
    """Check a document from outside and return it in canonical shape, or raise ContentError.

    Structure only: a tree may still have linter findings (dead ends, …), so that a
    half-written tree can be imported as a draft.
    """
    if not isinstance(data, dict):
        raise ContentError("the document must be a mapping")
    slug = data.get("slug")
    if not isinstance(slug, str) or not KEY_PATTERN.match(slug):
        raise ContentError("slug: lowercase letters, digits, '-' or '_' (at most 60)")
    team = data.get("team")
    if team is not None and not isinstance(team, str):
        raise ContentError("team: a team slug or null")
    content = {
        "slug": slug,
        "team": team or None,
        "title": _per_language(data.get("title"), "title"),
        "examples": _per_language_list(data.get("examples"), "examples"),
        "root": data.get("root"),
        "nodes": [],
    }
    raw_nodes = data.get("nodes") or []
    if not isinstance(raw_nodes, list):
        raise ContentError("nodes: a list")
    seen: set[str] = set()
    for index, raw in enumerate(raw_nodes):
        node = _node(raw, f"nodes[{index}]")
        if node["key"] in seen:
            raise ContentError(f"nodes[{index}]: the key {node['key']!r} is used twice")
        seen.add(node["key"])
        content["nodes"].append(node)
    if content["root"] is not None and content["root"] not in seen:
        raise ContentError(f"root: no node has the key {content['root']!r}")
    for node in content["nodes"]:
        for number, choice in enumerate(node.get("choices", []), start=1):
            if choice["target"] is not None and choice["target"] not in seen:
                raise ContentError(
                    f"node {node['key']}, choice {number}: no node has the key {choice['target']!r}"
                )
    return content


def _node(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: a mapping")
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise ContentError(f"{where}.key: lowercase letters, digits, '-' or '_' (at most 60)")
    where = f"node {key}"
    kind = raw.get("kind")
    if kind not in NODE_KINDS:
        raise ContentError(f"{where}: kind must be one of {', '.join(NODE_KINDS)}")
    node: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "text": _per_language(raw.get("text"), f"{where}.text"),
    }
    if kind == "question":
        if raw.get("attachments") or raw.get("followup"):
            raise ContentError(f"{where}: a question has choices, not attachments or follow-up")
        raw_choices = raw.get("choices") or []
        if not isinstance(raw_choices, list):
            raise ContentError(f"{where}.choices: a list")
        node["choices"] = [
            _choice(choice, f"{where}, choice {number}")
            for number, choice in enumerate(raw_choices, start=1)
        ]
    else:
        if raw.get("choices"):
            raise ContentError(f"{where}: an answer has no choices")
        raw_attachments = raw.get("attachments") or []
        if not isinstance(raw_attachments, list):
            raise ContentError(f"{where}.attachments: a list")
        node["attachments"] = [
            _attachment(item, f"{where}, attachment {number}")
            for number, item in enumerate(raw_attachments, start=1)
        ]
        node["followup"] = _followup(raw.get("followup"), f"{where}.followup")
    return node


def _choice(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: a mapping")
    target = raw.get("target")
    if target is not None and not isinstance(target, str):
        raise ContentError(f"{where}.target: a node key")
    return {
        "label": _per_language(raw.get("label"), f"{where}.label", max_chars=200),
        "synonyms": _per_language_list(raw.get("synonyms"), f"{where}.synonyms"),
        "target": target,
    }


def _attachment(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("file"), str):
        raise ContentError(f"{where}: a mapping with at least `file`")
    name = raw.get("name") or raw["file"].rsplit("/", 1)[-1]
    if not isinstance(name, str):
        raise ContentError(f"{where}.name: text")
    attachment = {"name": name[:200], "file": raw["file"]}
    for field in ("filename", "content_type", "size", "sha256"):
        if field in raw:
            attachment[field] = raw[field]
    return attachment


def _followup(raw: Any, where: str) -> dict[str, Any] | None:
    if raw in (None, "", {}):
        return None
    if isinstance(raw, str):
        raw = {"action": raw}
    if not isinstance(raw, dict) or raw.get("action") not in FOLLOWUP_ACTIONS:
        raise ContentError(f"{where}: action must be one of {', '.join(FOLLOWUP_ACTIONS)}")
    filter_ = raw.get("filter") or {}
    if not isinstance(filter_, dict) or not all(
        isinstance(k, str) and isinstance(v, (str, int, bool)) for k, v in filter_.items()
    ):
        raise ContentError(f"{where}.filter: a mapping of names to plain values")
    if raw["action"] != "catalog" and filter_:
        raise ContentError(f"{where}.filter: only the catalog follow-up takes a filter")
    return {"action": raw["action"], "filter": dict(filter_)}


def _per_language(raw: Any, where: str, *, max_chars: int = MAX_TEXT_CHARS) -> dict[str, str]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict) or set(raw) - set(LANGUAGES):
        raise ContentError(f"{where}: a mapping with the languages {', '.join(LANGUAGES)}")
    result = {}
    for lang in LANGUAGES:
        value = raw.get(lang) or ""
        if not isinstance(value, str):
            raise ContentError(f"{where}.{lang}: text")
        if len(value) > max_chars:
            raise ContentError(f"{where}.{lang}: at most {max_chars} characters")
        result[lang] = value.strip()
    return result


def _per_language_list(raw: Any, where: str) -> dict[str, list[str]]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict) or set(raw) - set(LANGUAGES):
        raise ContentError(f"{where}: a mapping with the languages {', '.join(LANGUAGES)}")
    result = {}
    for lang in LANGUAGES:
        items = raw.get(lang) or []
        if isinstance(items, str):
            items = lines(items)
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise ContentError(f"{where}.{lang}: a list of texts")
        result[lang] = [item.strip() for item in items if item.strip()]
    return result


# --- YAML ---------------------------------------------------------------------------


class _BlockDumper(yaml.SafeDumper):
    """Multi-line text (answers in markdown) as readable `|` blocks."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str_representer)


def _ordered(per_language: dict[str, Any]) -> dict[str, Any]:
    # PostgreSQL's jsonb does not keep key order: write the languages in our order.
    return {lang: per_language.get(lang, "") for lang in LANGUAGES}


def content_to_yaml(content: dict[str, Any]) -> str:
    """The YAML of kb_export: attachments as `{name, file: files/<filename>}`."""
    document = {
        "slug": content["slug"],
        "team": content.get("team"),
        "title": _ordered(content["title"]),
        "examples": _ordered(content["examples"]),
        "root": content.get("root"),
        "nodes": [_node_for_yaml(node) for node in content["nodes"]],
    }
    return yaml.dump(document, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100)


def _node_for_yaml(node: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"key": node["key"], "kind": node["kind"], "text": _ordered(node["text"])}
    if node["kind"] == "question":
        out["choices"] = [
            {
                "label": _ordered(c["label"]),
                "synonyms": _ordered(c["synonyms"]),
                "target": c["target"],
            }
            for c in node["choices"]
        ]
    else:
        out["attachments"] = [
            {"name": a["name"], "file": f"files/{a['filename']}"} for a in node["attachments"]
        ]
        followup = node["followup"]
        out["followup"] = (
            {"action": followup["action"], "filter": followup["filter"]} if followup else None
        )
    return out


def content_from_yaml(text: str) -> dict[str, Any]:
    """Parse and validate; attachment `file`s stay paths relative to the YAML file."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContentError(f"not valid YAML: {exc}") from exc
    return content_validate(data)
