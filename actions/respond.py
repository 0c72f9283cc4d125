"""One action answers every customer turn: `decide` picks the skill, the skill answers.

Rasa's NLU gives the intent and entities; `understanding.read` reads the text itself
(constraints, negations, ages, prices, product codes, anger, language requests). What is
pending — a refining question, a KB walk, "did it help?", an order number — is in slots,
so a message can answer it, refine the search, or ask something else entirely (then the
bot answers and offers to go back). Every turn produces a reply.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import kb_trees, search, sizing, webapp_client
from actions.handoff import handoff
from actions.offers import offers_say
from actions.order_status import order_status_turn
from actions.texts import say
from actions.understanding import GREETING_ONLY, Reading, normalise, read

logger = logging.getLogger(__name__)

# Slots this action owns.
PENDING = "pending"  # "search:<dimension>", "kb", "did_it_help", "order_number", "order_check"
MAX_SAME_QUESTION = 2
CONFIDENT = 0.6
ENTITY_SLOTS = ("category", "audience", "size", "color", "material")
SMALL_TALK = {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge"}


@dataclass
class Turn:
    text: str
    intent: str
    confidence: float
    reading: Reading
    metadata: dict[str, Any]
    payload: bool  # a button's "/intent" payload, not typed text

    def is_(self, *intents: str, confidence: float = 0.0) -> bool:
        return self.intent in intents and self.confidence >= confidence


def turn_of(tracker: Tracker) -> Turn:
    latest = tracker.latest_message or {}
    text = str(latest.get("text") or "")
    intent = latest.get("intent") or {}
    name, confidence = str(intent.get("name") or ""), float(intent.get("confidence") or 0)
    if name == "nlu_fallback":
        ranking = latest.get("intent_ranking") or []
        second = next((r for r in ranking if r.get("name") != "nlu_fallback"), None)
        if second and float(second.get("confidence") or 0) >= 0.3:
            name, confidence = "nlu_fallback:" + str(second["name"]), float(second["confidence"])
    payload = text.startswith("/")
    reading = Reading() if payload else read(text)
    if name.startswith("nlu_fallback:") and name.split(":")[1] in SMALL_TALK and len(text) < 40:
        name = name.split(":")[1]  # "ciao!!" is a greeting, however unsure the model is
    if not payload and GREETING_ONLY.match(normalise(text)):
        name, confidence = "greet", 1.0
    _merge_entities(reading, latest.get("entities") or [])
    return Turn(
        text=text,
        intent=name,
        confidence=confidence,
        reading=reading,
        metadata=latest.get("metadata") or {},
        payload=payload,
    )


def _merge_entities(reading: Reading, entities: list[dict[str, Any]]) -> None:
    """The model's entities fill what the reading did not find (never against a negation)."""
    from actions.understanding import COLOUR_WORDS, MATERIAL_INCLUDES

    known_colours = {c for covered in COLOUR_WORDS.values() for c in covered}
    for entity in entities:
        kind, value = entity.get("entity"), str(entity.get("value") or "").strip().lower()
        if not value:
            continue
        if kind == "category" and not reading.category and value in search.CATEGORY_NAMES["en"]:
            reading.category = value
        elif kind == "audience" and not reading.audience and value in ("woman", "man", "kids"):
            reading.audience = value
        elif kind == "size" and not reading.size and value.upper() in ("XS", "S", "M", "L", "XL"):
            # Children's sizes come from ages the reading understood, never from a stray
            # number the model tagged ("4 my wife").
            reading.size = value.upper()
        elif kind == "material" and not reading.materials and not reading.exclude_materials:
            if value in search.MATERIAL_NAMES["en"]:
                reading.materials = list(MATERIAL_INCLUDES.get(value, (value,)))
        elif kind == "color" and not reading.colours and not reading.any_colour:
            if value == "any":
                reading.any_colour = True
            else:
                family = next((c for words, c in COLOUR_WORDS.items() if value in words), None)
                if family or value in known_colours:
                    reading.colours = list(family or (value,))


class Reply:
    """What a turn says and which slots it sets; `asked` feeds the loop guard."""

    def __init__(self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str):
        self.dispatcher = dispatcher
        self.tracker = tracker
        self.language = language
        self.events: list[EventType] = []
        self.asked: str | None = None

    def set(self, name: str, value: Any) -> None:
        self.events.append(SlotSet(name, value))

    def text(self, key: str, **values: Any) -> None:
        self.dispatcher.utter_message(text=say(key, self.language, **values))

    def buttons(self, text: str, buttons: list[tuple[str, str]], asks: str | None = None) -> None:
        message: dict[str, Any] = {
            "type": "buttons",
            "text": text,
            "buttons": [{"title": t, "payload": p} for t, p in buttons],
        }
        if asks:
            message["asks"] = asks
        self.dispatcher.utter_message(json_message=message)


class ActionRespond(Action):
    def name(self) -> str:
        return "action_respond"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = turn_of(tracker)
        language = tracker.get_slot("language") or "it"
        if turn.reading.language_request and turn.reading.language_request != language:
            language = turn.reading.language_request
        reply = Reply(dispatcher, tracker, language)
        if language != (tracker.get_slot("language") or "it"):
            reply.set("language", language)
        try:
            await respond(turn, reply)
        except webapp_client.Unavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
        except Exception:  # never silence: the customer gets an answer and a way out
            logger.exception("action_respond failed on %r", turn.text[:200])
            dispatcher.utter_message(response="utter_default")
        if not dispatcher.messages:
            dispatcher.utter_message(response="utter_default")
        return reply.events + _loop_guard(tracker, reply)


def _loop_guard(tracker: Tracker, reply: Reply) -> list[EventType]:
    previous = tracker.get_slot("last_question")
    repeats = int(tracker.get_slot("question_repeats") or 0)
    if reply.asked and reply.asked == previous:
        return [SlotSet("question_repeats", repeats + 1)]
    return [
        SlotSet("last_question", reply.asked),
        SlotSet("question_repeats", 1 if reply.asked else 0),
    ]


def _repeats_of(tracker: Tracker, question: str) -> int:
    if tracker.get_slot("last_question") != question:
        return 0
    return int(tracker.get_slot("question_repeats") or 0)


async def respond(turn: Turn, reply: Reply) -> None:
    tracker, r = reply.tracker, turn.reading
    pending = tracker.get_slot(PENDING)
    state = tracker.get_slot("search") or {}

    resume = turn.metadata.get("resume_at") or {}
    if resume.get("skill") == "kb" and resume.get("kb_tree"):
        await kb_trees.resume(reply, slug=str(resume["kb_tree"]), key=resume.get("kb_node"))
        return
    if resume.get("skill") == "shop":
        await _search(turn, reply, state, fresh=False)
        return

    if r.language_request:
        reply.text("language_switched")
        if not (r.has_search_terms or r.kb_topic):
            return

    if r.human_request or turn.is_("request_human", confidence=CONFIDENT):
        reply.set(PENDING, None)
        handoff(reply.dispatcher, tracker, "asked", language=reply.language)
        return
    if r.anger or turn.is_("complain", confidence=0.85) and not (r.kb_topic or r.question):
        reply.set(PENDING, None)
        reply.dispatcher.utter_message(response="utter_complain_ack")
        handoff(reply.dispatcher, tracker, "complaint", language=reply.language)
        return
    if r.insult:
        reply.buttons(
            say("insult", reply.language),
            [(say("handoff_button", reply.language), "/request_human")],
        )
        return

    if r.sku or (r.product_question and r.question and not r.size_question):
        if await _product_answer(turn, reply):
            await _offer_resume(turn, reply, state, pending)
            return
        if r.sku:
            reply.text("sku_unknown", sku=r.sku)
            return

    if _same_message_again(tracker, turn) and not turn.payload:
        # The third identical message in a row: whatever we answered did not help.
        _offer_person(reply)
        return

    # An answer to what is pending?
    if pending in ("order_number", "order_check") and not _another_request(turn):
        await order_status_turn(reply, turn)
        return
    if pending == "kb" and not turn.payload and not r.has_search_terms:
        if await kb_trees.continue_walk(reply, turn.text):
            return
    if (
        pending == "kb"
        and turn.payload is False
        and r.has_search_terms
        and (await kb_trees.continue_walk(reply, turn.text, quiet=True))
    ):
        return
    if pending == "did_it_help":
        if turn.is_("affirm") or turn.is_("thank"):
            await kb_trees.resolved(reply)
            return
        if turn.is_("deny"):
            await kb_trees.escalate(reply)
            return
    if pending and pending.startswith("search:") and not (r.kb_topic and r.question):
        if r.has_search_terms or r.any_size or r.any_price or r.any_material or r.any_colour:
            await _search(turn, reply, state)
            return
        if turn.is_("deny"):
            reply.set(PENDING, None)
            reply.text("anything_else")
            return
        if pending == "search:relax" and turn.is_("affirm"):
            await _search(turn, reply, search.relax(state))
            return

    if r.gibberish and not r.has_search_terms:
        await _not_understood(reply)
        return

    if (r.size_question or r.height_cm or r.weight_kg or r.chest_cm) and (
        r.height_cm or r.weight_kg or r.chest_cm or (r.size_question and r.age_years is not None)
    ):
        sizing.advise(reply, r, state)
        await _offer_resume(turn, reply, state, pending)
        return
    if r.size_question and not r.category:
        # "che differenza c'è tra la M e la L?", "size guide": the size guide answers.
        if not await kb_trees.start(reply, turn.text):
            reply.text("size_need_data")
        return

    if r.unsold and not r.category:
        reply.text("unsold", thing=r.unsold)
        return

    wish = r.wish and r.has_search_terms and not r.care
    if (r.care or (r.owned and r.kb_topic)) and not r.unsold:
        # "can my alpaca jumper go in the machine?" is about care, not a wish to buy.
        if await kb_trees.start(reply, turn.text):
            await _offer_resume(turn, reply, state, pending)
            return

    kb_first = r.kb_topic and (
        turn.is_("support_question", "complain", "out_of_scope", "nlu_fallback")
        or turn.intent.startswith("nlu_fallback")
        or not r.category
    )
    if kb_first and not wish and not (turn.is_("browse_products", confidence=0.8) and r.category):
        if await kb_trees.start(reply, turn.text):
            if turn.is_("complain"):
                reply.buttons(
                    say("complaint_answer_offer", reply.language),
                    [(say("handoff_button", reply.language), "/request_human")],
                )
            await _offer_resume(turn, reply, state, pending)
            return

    if turn.is_("order_status") or turn.intent == "nlu_fallback:order_status":
        await order_status_turn(reply, turn)
        return

    if r.has_search_terms or r.any_colour:
        if turn.is_("ask_offers") and not (r.category or r.audience or r.materials):
            await offers_say(reply, state)
            return
        await _search(turn, reply, state)
        return
    if turn.is_("browse_products", "inform"):
        await _search(turn, reply, state, fresh=not state)
        return
    if turn.is_("ask_offers"):
        await offers_say(reply, state)
        return

    if turn.is_("support_question", "complain") or turn.intent.startswith("nlu_fallback"):
        if pending == "kb" and turn.intent.startswith("nlu_fallback"):
            await _not_understood(reply)  # not a choice of the walk, nor anything else
            return
        if await kb_trees.start(reply, turn.text):
            await _offer_resume(turn, reply, state, pending)
            return
        if turn.is_("complain"):
            reply.dispatcher.utter_message(response="utter_complain_ack")
            handoff(reply.dispatcher, tracker, "complaint", language=reply.language)
            return
        await _not_understood(reply)
        return

    small_talk = {
        "greet": "utter_greet",
        "goodbye": "utter_goodbye",
        "thank": "utter_thank",
        "bot_challenge": "utter_iamabot",
        "out_of_scope": "utter_out_of_scope",
    }
    if turn.intent == "out_of_scope":
        if _confused(reply.tracker):
            _offer_person(reply)
            return
        reply.asked = "not_understood"
        reply.dispatcher.utter_message(response="utter_out_of_scope")
        return
    if turn.intent in small_talk:
        if turn.intent == "greet":
            await _greet(reply)
        else:
            reply.dispatcher.utter_message(response=small_talk[turn.intent])
        if turn.intent in ("thank", "bot_challenge"):
            await _offer_resume(turn, reply, state, pending)
        return
    if turn.is_("affirm", "deny"):
        if state and turn.is_("affirm"):
            await _search(turn, reply, state, fresh=False)
            return
        reply.text("anything_else")
        return
    await _not_understood(reply)


def _another_request(turn: Turn) -> bool:
    r = turn.reading
    return bool(
        r.kb_topic
        and r.question
        or r.has_search_terms
        and turn.is_("browse_products", "ask_offers")
        or turn.is_("support_question", confidence=0.8)
    )


async def _search(turn: Turn, reply: Reply, state: dict[str, Any], fresh: bool = False) -> None:
    merged = search.merge(state, turn.reading)
    if not search.has_filters(merged):
        # Nothing to search on yet: the one question that starts a search.
        if _confused(reply.tracker):
            _offer_person(reply)
            return
        reply.dispatcher.utter_message(json_message=search.question("category", reply.language))
        # Counts with "not understood": asking what they want again and again is a loop.
        reply.asked = "not_understood"
        reply.set(PENDING, "search:category")
        reply.set("search", merged or None)
        return
    # Typed wishes get results; a refining question only when far too many match, or when
    # the customer pressed a button ("show me the garments") rather than said anything.
    merged, ask, shown = await search.run(
        reply.dispatcher,
        state=merged,
        language=reply.language,
        ask_above=search.SHOWN if turn.payload else 2 * search.SHOWN,
    )
    asked = ask["asks"] if ask else None
    reply.set("search", merged)
    reply.set(PENDING, f"search:{asked}" if asked else "search:refine")
    reply.set("last_shown", shown or None)
    if shown:
        previously = reply.tracker.get_slot("products_shown") or []
        reply.set("products_shown", previously + [s for s in shown if s not in previously])
        if not previously:
            await _first_results(reply)
    if ask:
        if _repeats_of(reply.tracker, asked) >= MAX_SAME_QUESTION:
            _offer_person(reply)
            return
        reply.asked = asked
        reply.dispatcher.utter_message(json_message=ask)


async def _first_results(reply: Reply) -> None:
    """With the first products shown: the new 0-12 collection for a customer who bought for
    children before, and the offer of a person to go through them with."""
    customer_id = reply.tracker.get_slot("customer_id")
    if customer_id and not reply.tracker.get_slot("kids_note_shown"):
        profile = await webapp_client.customer(customer_id=customer_id) or {}
        if profile.get("bought_for_kids"):
            products = await webapp_client.kids_new_arrivals(language=reply.language)
            if products:
                reply.dispatcher.utter_message(
                    json_message={
                        "type": "catalog",
                        "text": say("kids_new", reply.language),
                        "products": products,
                    }
                )
                reply.set("kids_note_shown", True)
    reply.dispatcher.utter_message(
        text=say("live_offer", reply.language),
        buttons=[{"title": say("live_button", reply.language), "payload": "/request_human"}],
    )


async def _offer_resume(
    turn: Turn, reply: Reply, state: dict[str, Any], pending: str | None
) -> None:
    """After answering something else, offer to go back to the search or the KB walk."""
    if pending == "kb" and reply.tracker.get_slot("kb_node"):
        if not any(e.get("event") == "slot" and e.get("name") == PENDING for e in reply.events):
            await kb_trees.remind(reply)
        return
    if search.has_filters(state) and pending and pending.startswith("search"):
        reply.buttons(
            say("search_resume", reply.language, what=search.describe(state, reply.language)),
            [(say("search_resume_button", reply.language), "/browse_products")],
        )
        reply.set(PENDING, "search:refine")


async def _product_answer(turn: Turn, reply: Reply) -> bool:
    """A question about one product: by code, by name, or about what was just shown ("quali
    taglie ha?", "quella di alpaca quanto costa?")."""
    products = await webapp_client.product_lookup(text=turn.text, language=reply.language)
    if not products and not turn.reading.sku:
        products = await _among_last_shown(turn, reply)
    if not products:
        return False
    product = products[0]
    language = reply.language
    if product.get("offer_price"):
        price = say(
            "price_offer",
            language,
            offer=product["offer_price"],
            price=product["price"],
            label=product.get("offer_label", ""),
        )
    else:
        price = say("price_plain", language, price=product["price"])
    stock = say(f"stock_{product.get('stock_level') or 'available'}", language)
    colours = ", ".join(
        search.COLOUR_NAMES["it"].get(c, c) if language != "en" else c
        for c in product.get("colours", [])
    )
    reply.dispatcher.utter_message(
        json_message={
            "type": "catalog",
            "text": say(
                "product_answer",
                language,
                name=product["name"],
                sku=product["sku"],
                material=product["material"],
                sizes=", ".join(product.get("sizes", [])),
                colours=colours,
                price=price,
                stock=stock,
            ),
            "products": [product],
        }
    )
    reply.set("last_shown", [product["sku"]])
    previously = reply.tracker.get_slot("products_shown") or []
    if product["sku"] not in previously:
        reply.set("products_shown", [*previously, product["sku"]])
    return True


async def _among_last_shown(turn: Turn, reply: Reply) -> list[dict[str, Any]]:
    """The one product of the last results the question is about, if it is clear which."""
    last = reply.tracker.get_slot("last_shown") or []
    if not last:
        return []
    cards = await webapp_client.product_lookup(text=" ".join(last), language=reply.language)
    r = turn.reading
    if r.materials:
        codes = {search.MATERIAL_NAMES[lang].get(m) for m in r.materials for lang in ("it", "en")}
        cards = [c for c in cards if c.get("material") in codes]
    if r.colours:
        cards = [c for c in cards if set(c.get("colours", [])) & set(r.colours)]
    if r.category:
        cards = [c for c in cards if c.get("category") == r.category]
    return cards if len(cards) == 1 else []


def _confused(tracker: Tracker) -> bool:
    """The last turn was already a "not understood" or an offer of a person."""
    return tracker.get_slot("last_question") in ("not_understood", "offer_person")


def _same_message_again(tracker: Tracker, turn: Turn) -> bool:
    said = [
        str(e.get("text") or "").strip().lower() for e in tracker.events if e.get("event") == "user"
    ]
    # The tracker's events end with the current message.
    return len(said) >= 3 and said[-1] == said[-2] == said[-3] == turn.text.strip().lower()


async def _not_understood(reply: Reply) -> None:
    if _confused(reply.tracker):
        _offer_person(reply)
        return
    tracker = reply.tracker
    if tracker.get_slot(PENDING) == "kb" and tracker.get_slot("kb_node"):
        # In the middle of a KB walk: say so, and ask the walk's question again.
        reply.asked = "not_understood"
        await kb_trees.remind(reply, intro="kb_no_match")
        return
    reply.asked = "not_understood"
    reply.buttons(
        say("not_understood", reply.language),
        [(say("handoff_button", reply.language), "/request_human")],
    )


def _offer_person(reply: Reply) -> None:
    reply.asked = "offer_person"
    reply.buttons(
        say("not_understood_again", reply.language),
        [(say("handoff_button", reply.language), "/request_human")],
    )


async def _greet(reply: Reply) -> None:
    customer_id = reply.tracker.get_slot("customer_id")
    profile = None
    if customer_id:
        try:
            profile = await webapp_client.customer(customer_id=customer_id)
        except webapp_client.Unavailable:
            profile = None  # a plain greeting is better than none
    if profile and profile.get("first_name"):
        reply.dispatcher.utter_message(
            response="utter_greet_named", first_name=profile["first_name"]
        )
    else:
        reply.dispatcher.utter_message(response="utter_greet")
