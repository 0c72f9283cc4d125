"""KB decision trees in the chat: search, walk with buttons or free text, "did it help?".

Trees come live from the web's KB (published versions): editing and publishing a tree
changes the bot's answers on the next conversation, without retraining.

The walk is a form with one slot, `kb_reply`: each customer turn is matched against the
current node's choices (labels and synonyms, by the web) and moves one step; reaching an
answer fills the slot and ends the form, then the bot asks whether it helped.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import webapp_client
from actions.handoff import handoff
from actions.texts import say

TOP_HITS = 3
DONE = "done"


def _buttons(labels: list[str]) -> list[dict[str, str]]:
    # The payload is the label itself: the walk matches it like typed text.
    return [{"title": label, "payload": label} for label in labels]


def _language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "it"


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


def walk_state(slug: str | None, node: dict[str, Any] | None, path: list[str]) -> dict[str, Any]:
    """Slots after showing `node`: still walking (question) or done (answer / gone)."""
    if slug is None or node is None:
        return {"kb_reply": DONE, "kb_node": None}
    path = [*path, f"{slug}:{node['key']}"]
    reply = DONE if node["kind"] == "answer" else None
    return {"kb_tree": slug, "kb_node": node["key"], "kb_path": path, "kb_reply": reply}


async def kb_start(
    dispatcher: CollectingDispatcher, *, text: str, language: str
) -> list[EventType] | None:
    """Search the KB for `text`: a confident hit starts its tree, weaker ones are offered
    (top three). None when the KB has nothing for it."""
    found = await webapp_client.kb_search(query=text, language=language)
    hits = found.get("results") or []
    if not hits:
        return None
    if hits[0]["score"] >= found.get("confident_score", 0.4):
        node = await show_node(dispatcher, slug=hits[0]["slug"], key=None, language=language)
        state = walk_state(hits[0]["slug"], node, [])
        state["kb_candidates"] = None
    else:
        candidates = [{"slug": h["slug"], "title": h["title"]} for h in hits[:TOP_HITS]]
        dispatcher.utter_message(
            text=say("kb_several", language), buttons=_buttons([c["title"] for c in candidates])
        )
        state = {"kb_tree": None, "kb_node": None, "kb_path": [], "kb_reply": None}
        state["kb_candidates"] = candidates
    return walk_events(state)


def walk_events(state: dict[str, Any]) -> list[EventType]:
    events: list[EventType] = [SlotSet(name, value) for name, value in state.items()]
    # Keep listening inside the walk until an answer; an answer asks "did it help?".
    next_action = "kb_walk_form" if state["kb_reply"] is None else "action_kb_did_it_help"
    return [*events, FollowupAction(next_action)]


async def kb_resume(
    dispatcher: CollectingDispatcher, *, slug: str, key: str | None, language: str
) -> list[EventType] | None:
    """An operator handed the chat back at a tree node: continue the walk from there."""
    node = await show_node(dispatcher, slug=slug, key=key, language=language)
    if node is None:
        return None
    return walk_events({**walk_state(slug, node, []), "kb_candidates": None})


class ActionKbSearch(Action):
    """support_question: the KB's best tree, or its top three, or "not understood"."""

    def name(self) -> str:
        return "action_kb_search"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        resume = (latest.get("metadata") or {}).get("resume_at") or {}
        try:
            if resume.get("skill") == "kb" and resume.get("kb_tree"):
                events = await kb_resume(
                    dispatcher,
                    slug=str(resume["kb_tree"]),
                    key=resume.get("kb_node") or None,
                    language=_language(tracker),
                )
            else:
                events = await kb_start(
                    dispatcher, text=latest.get("text", ""), language=_language(tracker)
                )
        except webapp_client.Unavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if events is None:
            dispatcher.utter_message(response="utter_default")
            return []
        return events


class ActionAskKbReply(Action):
    """The walk's question was the node itself, already shown: nothing more to ask."""

    def name(self) -> str:
        return "action_ask_kb_reply"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[EventType]:
        return []


class ValidateKbWalkForm(FormValidationAction):
    def name(self) -> str:
        return "validate_kb_walk_form"

    async def validate_kb_reply(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == DONE:
            return {"kb_reply": DONE}
        if tracker.get_slot("requested_slot") != "kb_reply":
            # Activation: the message that started the walk is not an answer to it.
            return {"kb_reply": None}
        language = _language(tracker)
        text = str(value or "")
        slug = tracker.get_slot("kb_tree")
        path = list(tracker.get_slot("kb_path") or [])
        try:
            if slug is None:  # choosing among the offered trees
                slug = _pick(text, tracker.get_slot("kb_candidates") or [])
                if slug is None:
                    dispatcher.utter_message(text=say("kb_no_match", language))
                    return {"kb_reply": None}
                node = await show_node(dispatcher, slug=slug, key=None, language=language)
                return walk_state(slug, node, path)
            match = await webapp_client.kb_match(
                slug=slug, key=tracker.get_slot("kb_node"), text=text, language=language
            )
            if match is None:
                dispatcher.utter_message(text=say("kb_no_match", language))
                return {"kb_reply": None}
            node = await show_node(dispatcher, slug=slug, key=match["target"], language=language)
            return walk_state(slug, node, path)
        except webapp_client.Unavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return {"kb_reply": DONE, "kb_node": None}


def _pick(text: str, candidates: list[dict[str, str]]) -> str | None:
    lowered = text.strip().lower()
    for number, candidate in enumerate(candidates, start=1):
        if lowered in (str(number), candidate["title"].lower(), candidate["slug"]):
            return candidate["slug"]
    return None


class ActionKbDidItHelp(Action):
    def name(self) -> str:
        return "action_kb_did_it_help"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[EventType]:
        if tracker.get_slot("kb_node"):
            dispatcher.utter_message(response="utter_kb_did_it_help")
        return []


class ActionKbResolved(Action):
    def name(self) -> str:
        return "action_kb_resolved"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[EventType]:
        await _count(tracker, "resolved")
        dispatcher.utter_message(response="utter_kb_glad")
        return [SlotSet("kb_node", None)]


class ActionKbEscalate(Action):
    """The answer did not help: a person takes over, with the path walked."""

    def name(self) -> str:
        return "action_kb_escalate"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[EventType]:
        await _count(tracker, "escalated")
        handoff(dispatcher, tracker, "dead_end")
        return [SlotSet("kb_node", None)]


async def _count(tracker: Tracker, event: str) -> None:
    slug, key = tracker.get_slot("kb_tree"), tracker.get_slot("kb_node")
    if slug and key:
        try:
            await webapp_client.kb_count(slug=slug, key=key, event=event)
        except webapp_client.Unavailable:
            pass  # a lost counter is not worth failing the customer's turn
