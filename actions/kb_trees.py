"""KB decision trees in the chat: search, walk with buttons or free text, "did it help?".

Trees come live from the web's KB (published versions): editing and publishing a tree
changes the bot's answers on the next conversation, without retraining.

A specific question goes straight to its answer node (the search is node-level); a
vague one starts the tree's walk or offers the best topics. While a walk waits for a
choice (slot `pending` = "kb"), each customer turn is matched against the current
node's choices (labels and synonyms, by the web); a turn that is not a choice is
answered as what it is, and the walk's question is offered again (actions/respond.py).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import webapp_client
from actions.handoff import handoff
from actions.texts import say

TOP_HITS = 3
# A hit that names its answer node is preferred to a slightly better tree without one.
NAMED_RUNNER_UP = 0.85
MAX_DESCENT = 4
CLEAR_LEAD = 1.25


def _buttons(labels: list[str]) -> list[dict[str, str]]:
    # The payload is the label itself: the walk matches it like typed text.
    return [{"title": label, "payload": label} for label in labels]


async def show_node(
    dispatcher: CollectingDispatcher, *, slug: str, key: str | None, language: str
) -> dict[str, Any] | None:
    """Say one node (a question with its choices, or the answer) and count the visit."""
    node = await webapp_client.kb_node(slug=slug, key=key, language=language)
    if node is None:
        return None
    await webapp_client.kb_count(slug=slug, key=node["key"], event="visit")
    # As custom payloads: Rasa would split a plain text at blank lines into several
    # messages, and an answer is one message with its paragraphs.
    if node["kind"] == "question":
        labels = [c["label"] for c in node["choices"]]
        dispatcher.utter_message(
            json_message={"type": "buttons", "text": node["text"], "buttons": _buttons(labels)}
        )
    else:
        files = "".join(f"\n📎 {a['name']}: {a['url']}" for a in node.get("attachments", []))
        dispatcher.utter_message(json_message={"type": "text", "text": node["text"] + files})
    return node


def _walk_slots(reply: Any, slug: str, node: dict[str, Any], path: list[str]) -> None:
    """Slots after showing `node`: a question waits for a choice, an answer asks if it
    helped (with the other topics the search found)."""
    reply.set("kb_tree", slug)
    reply.set("kb_node", node["key"])
    reply.set("kb_path", [*path, f"{slug}:{node['key']}"])
    if node["kind"] == "answer":
        reply.set("pending", "did_it_help")
    else:
        reply.set("pending", "kb")
        reply.asked = f"kb:{slug}:{node['key']}"


def _did_it_help(reply: Any, others: list[dict[str, str]]) -> None:
    language = reply.language
    buttons = [
        ("Sì, grazie" if language != "en" else "Yes, thanks", "/affirm"),
        ("No", "/deny"),
    ] + [(c["title"], c["title"]) for c in others]
    reply.buttons(say("kb_did_it_help", language), buttons)
    reply.set("kb_candidates", others or None)


async def start(reply: Any, text: str) -> bool:
    """Search the KB for `text`: a confident hit on an answer goes straight to it; a
    confident hit on a tree starts its walk; weaker hits are offered (top three).
    False when the KB has nothing for it."""
    language = reply.language
    found = await webapp_client.kb_search(query=text, language=language)
    hits = [h for h in found.get("results") or [] if h["score"] >= found.get("minimum_score", 0)]
    if not hits:
        return False
    best = hits[0]
    if best.get("node") is None:
        # A close second that names its answer beats a tree's root menu.
        named = next((h for h in hits[1:] if h.get("node")), None)
        if named and named["score"] >= NAMED_RUNNER_UP * best["score"]:
            best = named
    runner_up = next((h["score"] for h in hits if h["slug"] != best["slug"]), 0.0)
    clear_node = bool(best.get("node")) and best["score"] >= CLEAR_LEAD * runner_up
    if best["score"] >= found.get("confident_score", 0.4) or clear_node:
        # Confident, or a named answer well ahead of any other topic ("incartare" finds
        # gift wrapping with a modest score and nothing else near it).
        key = best.get("node") or await _descend(best["slug"], text, language)
        node = await show_node(reply.dispatcher, slug=best["slug"], key=key, language=language)
        if node is None:
            return False
        _walk_slots(reply, best["slug"], node, [])
        if node["kind"] == "answer":
            others = [
                {"slug": h["slug"], "title": h["title"]}
                for h in hits[1:]
                if h["slug"] != best["slug"]
            ][:2]
            _did_it_help(reply, others)
        return True
    candidates = [{"slug": h["slug"], "title": h["title"]} for h in hits[:TOP_HITS]]
    reply.dispatcher.utter_message(
        text=say("kb_several", language), buttons=_buttons([c["title"] for c in candidates])
    )
    reply.set("kb_tree", None)
    reply.set("kb_node", None)
    reply.set("kb_candidates", candidates)
    reply.set("pending", "kb")
    reply.asked = "kb:menu"
    return True


async def _descend(slug: str, text: str, language: str) -> str | None:
    """Walk down from the root as far as the question's own words choose (the authors'
    labels and synonyms): "can I pay with PayPal?" passes "payment methods" and lands on
    PayPal instead of asking. None: start at the root."""
    node = await webapp_client.kb_node(slug=slug, key=None, language=language)
    key = None
    for _ in range(MAX_DESCENT):
        if node is None or node["kind"] == "answer":
            break
        match = await webapp_client.kb_match(
            slug=slug, key=node["key"], text=text, language=language
        )
        if match is None:
            break
        key = match["target"]
        node = await webapp_client.kb_node(slug=slug, key=key, language=language)
    return key


async def continue_walk(reply: Any, text: str, quiet: bool = False) -> bool:
    """The customer's answer to the walk's question (or a pick among offered topics):
    one step on. False when it is not an answer to it."""
    tracker, language = reply.tracker, reply.language
    slug = tracker.get_slot("kb_tree")
    path = list(tracker.get_slot("kb_path") or [])
    pending = tracker.get_slot("pending")
    candidates = tracker.get_slot("kb_candidates") or []
    picked = _pick(text, candidates) if (slug is None or pending == "did_it_help") else None
    if picked:
        node = await show_node(reply.dispatcher, slug=picked, key=None, language=language)
        if node is None:
            return False
        _walk_slots(reply, picked, node, path)
        if node["kind"] == "answer":
            _did_it_help(reply, [])
        return True
    if slug is None or pending != "kb" or not tracker.get_slot("kb_node"):
        return False
    match = await webapp_client.kb_match(
        slug=slug, key=tracker.get_slot("kb_node"), text=text, language=language
    )
    if match is None:
        return False
    node = await show_node(reply.dispatcher, slug=slug, key=match["target"], language=language)
    if node is None:
        return False
    _walk_slots(reply, slug, node, path)
    if node["kind"] == "answer":
        _did_it_help(reply, [])
    return True


async def remind(reply: Any, intro: str = "kb_resume") -> None:
    """The walk's pending question again: after a digression, or an answer it did not know."""
    tracker = reply.tracker
    reply.text(intro)
    await show_node(
        reply.dispatcher,
        slug=tracker.get_slot("kb_tree"),
        key=tracker.get_slot("kb_node"),
        language=reply.language,
    )


async def resume(reply: Any, *, slug: str, key: str | None) -> None:
    """An operator handed the chat back at a tree node: continue the walk from there."""
    node = await show_node(reply.dispatcher, slug=slug, key=key or None, language=reply.language)
    if node is None:
        reply.dispatcher.utter_message(response="utter_default")
        return
    _walk_slots(reply, slug, node, [])
    if node["kind"] == "answer":
        _did_it_help(reply, [])


def _pick(text: str, candidates: list[dict[str, str]]) -> str | None:
    lowered = text.strip().lower()
    for number, candidate in enumerate(candidates, start=1):
        if lowered in (str(number), candidate["title"].lower(), candidate["slug"]):
            return candidate["slug"]
    return None


async def resolved(reply: Any) -> None:
    await _count(reply.tracker, "resolved")
    reply.dispatcher.utter_message(response="utter_kb_glad")
    reply.set("pending", None)


async def escalate(reply: Any) -> None:
    """The answer did not help: a person takes over, with the path walked."""
    await _count(reply.tracker, "escalated")
    handoff(reply.dispatcher, reply.tracker, "dead_end", language=reply.language)
    reply.set("pending", None)


async def _count(tracker: Tracker, event: str) -> None:
    slug, key = tracker.get_slot("kb_tree"), tracker.get_slot("kb_node")
    if slug and key:
        try:
            await webapp_client.kb_count(slug=slug, key=key, event=event)
        except webapp_client.Unavailable:
            pass  # a lost counter is not worth failing the customer's turn
