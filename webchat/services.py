"""The customer side of a web conversation: sessions, customer messages, bot output.

The one place that turns a bot response into stored messages (bot_responses_store).
Conversation state itself is owned by crm.services; this module calls it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from crm import services as crm_services
from crm.models import Channel, Conversation, Customer, Message, Ticket
from crm.states import IllegalTransition, State

VISITOR_TOKEN_SALT = "webchat.visitor"
VISITOR_TOKEN_MAX_AGE_SECONDS = 24 * 3600
ENTRY_TOKEN_SALT = "webchat.entry"
ENTRY_TOKEN_MAX_AGE_SECONDS = 30 * 24 * 3600
LANGUAGES = ("it", "en")

BOT_UNAVAILABLE_TEXT = {
    "it": "Il nostro assistente non è disponibile in questo momento: "
    "ti mettiamo in contatto con un operatore.",
    "en": "Our assistant is not available right now: we are putting you through to a person.",
}


class InvalidToken(Exception):
    pass


class BadIdentity(Exception):
    pass


class ConversationClosed(Exception):
    pass


# --- tokens and identity ----------------------------------------------------------


def visitor_token_make(*, conversation_id: int) -> str:
    return signing.dumps({"c": conversation_id}, salt=VISITOR_TOKEN_SALT, compress=True)


def visitor_token_read(token: str) -> int:
    """The conversation a visitor token grants, or InvalidToken (forged or expired)."""
    try:
        data = signing.loads(token, salt=VISITOR_TOKEN_SALT, max_age=VISITOR_TOKEN_MAX_AGE_SECONDS)
    except signing.BadSignature as exc:  # SignatureExpired is a BadSignature
        raise InvalidToken(str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        raise InvalidToken("malformed token")
    return data["c"]


def identity_signature(*, customer_id: int) -> str:
    """What the host shop's server computes to vouch for a logged-in customer."""
    key = settings.WIDGET_IDENTITY_SECRET.encode()
    return hmac.new(key, str(customer_id).encode(), hashlib.sha256).hexdigest()


def identity_verify(*, customer_id: Any, signature: Any) -> Customer:
    if not isinstance(signature, str) or not str(customer_id).isdigit():
        raise BadIdentity("identity needs a numeric customer_id and a signature")
    expected = identity_signature(customer_id=int(customer_id))
    if not hmac.compare_digest(expected, signature.lower()):
        raise BadIdentity("the identity signature does not match")
    customer = Customer.objects.filter(pk=int(customer_id)).first()
    if customer is None:
        raise BadIdentity("no such customer")
    return customer


def entry_token_make(*, ticket: Ticket) -> str:
    """A signed link parameter that opens the chat on this ticket (used in e-mails)."""
    return signing.dumps({"t": ticket.pk}, salt=ENTRY_TOKEN_SALT, compress=True)


def entry_token_read(token: str) -> Ticket:
    try:
        data = signing.loads(token, salt=ENTRY_TOKEN_SALT, max_age=ENTRY_TOKEN_MAX_AGE_SECONDS)
        return Ticket.objects.select_related("customer", "team").get(pk=data["t"])
    except (signing.BadSignature, KeyError, TypeError, Ticket.DoesNotExist) as exc:
        raise InvalidToken(f"bad entry link: {exc}") from None


# --- sessions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    token: str
    conversation: Conversation


def session_open(
    *,
    language: str = "it",
    token: str | None = None,
    identity: dict[str, Any] | None = None,
    entry: str | None = None,
) -> Session:
    """Resume the visitor's open conversation or start one; link identity and ticket.

    Raises BadIdentity / InvalidToken (for identity and entry only: a stale visitor
    token simply starts a new conversation).
    """
    language = language if language in LANGUAGES else "it"
    customer = identity_verify(**_identity_fields(identity)) if identity else None
    ticket = entry_token_read(entry) if entry else None
    if ticket and customer is None:
        customer = ticket.customer

    conversation = _resumable(token)
    if conversation is not None and _may_resume(conversation, customer, ticket):
        if customer and conversation.customer_id is None:
            Conversation.objects.filter(pk=conversation.pk).update(customer=customer)
            conversation.customer = customer
    else:
        conversation = crm_services.conversation_start(
            channel=Channel.WEB,
            customer=customer,
            ticket=ticket,
            language=language,
            entry_pending=ticket is not None,  # the bot picks the e-mail up on connect
        )
    return Session(
        token=visitor_token_make(conversation_id=conversation.pk), conversation=conversation
    )


# What the bot is told when a customer opens the chat from an e-mail link, by the intent
# of that e-mail: it picks up the request instead of greeting a stranger.
ENTRY_OPENINGS = {
    "ask_offers": "/browse_products",
    "browse_products": "/browse_products",
    "order_status": "/order_status",
}


def entry_opening_claim(*, conversation_id: int) -> str | None:
    """What to tell the bot so it picks up the e-mail's request, for the first caller only
    (several sockets may connect at once: one conditional UPDATE decides)."""
    claimed = Conversation.objects.filter(pk=conversation_id, entry_pending=True).update(
        entry_pending=False
    )
    if not claimed:
        return None
    conversation = Conversation.objects.select_related("ticket").get(pk=conversation_id)
    return entry_opening_text(conversation=conversation)


def entry_opening_text(*, conversation: Conversation) -> str:
    context = conversation.ticket.context if conversation.ticket else {}
    return ENTRY_OPENINGS.get(str(context.get("intent", "")), "/greet")


def _identity_fields(identity: dict[str, Any]) -> dict[str, Any]:
    return {"customer_id": identity.get("customer_id"), "signature": identity.get("signature")}


def _resumable(token: str | None) -> Conversation | None:
    if not token:
        return None
    try:
        conversation_id = visitor_token_read(token)
    except InvalidToken:
        return None
    return (
        Conversation.objects.exclude(state=State.CLOSED)
        .select_related("customer")
        .filter(pk=conversation_id)
        .first()
    )


def _may_resume(
    conversation: Conversation, customer: Customer | None, ticket: Ticket | None
) -> bool:
    # A different verified customer on the same browser, or a new e-mail link, starts afresh.
    if customer and conversation.customer_id not in (None, customer.pk):
        return False
    return not (ticket and conversation.ticket_id != ticket.pk)


# --- customer input -------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    seq: int
    created: bool
    forward_to_bot: bool  # True: the bridge must send this message to Rasa now


def customer_message_receive(
    *, conversation_id: int, text: str, client_msg_id: str, payload: dict[str, Any] | None = None
) -> Received:
    """Store the customer's message (idempotent by client id); say whether the bot gets it."""
    state = _state_of(conversation_id)
    appended = crm_services.message_append(
        conversation_id=conversation_id,
        sender=Message.Sender.CUSTOMER,
        text=text,
        payload=payload or {},
        client_msg_id=client_msg_id,
    )
    if state == State.CLOSED and appended.created:
        # Raced with a close: keep the message (nothing is lost) but tell the customer.
        raise ConversationClosed()
    return Received(
        seq=appended.message.seq,
        created=appended.created,
        forward_to_bot=appended.created and state == State.BOT,
    )


def conversation_request_human(
    *, conversation_id: int, client_msg_id: str, reason: str = "asked"
) -> Received:
    """The customer pressed "Live Interaction": queue the conversation (once)."""
    state = _state_of(conversation_id)
    appended = crm_services.message_append(
        conversation_id=conversation_id,
        sender=Message.Sender.CUSTOMER,
        kind=Message.Kind.EVENT,
        payload={"event": "live_interaction"},
        client_msg_id=client_msg_id,
    )
    if appended.created and state == State.BOT:
        try:
            crm_services.conversation_queue(conversation_id=conversation_id, reason=reason)
        except IllegalTransition:
            pass  # someone queued or took it meanwhile: the customer is already served
    return Received(seq=appended.message.seq, created=appended.created, forward_to_bot=False)


def csat_record(*, conversation_id: int, score: int, comment: str) -> None:
    updated = Conversation.objects.filter(pk=conversation_id, state=State.CLOSED).update(
        csat_score=score, csat_comment=comment[:1000]
    )
    if updated != 1:
        raise IllegalTransition(
            conversation_id=conversation_id,
            current=_state_of(conversation_id),
            target=State.CLOSED,
        )


def _state_of(conversation_id: int) -> str:
    state = Conversation.objects.filter(pk=conversation_id).values_list("state", flat=True).first()
    if state is None:
        raise Conversation.DoesNotExist(f"conversation {conversation_id} does not exist")
    if state == State.CLOSED:
        raise ConversationClosed()
    return state


# --- bot output -----------------------------------------------------------------------


def bot_metadata(*, conversation_id: int) -> dict[str, Any]:
    """What Rasa gets with every message: who, which language, which request."""
    conversation = Conversation.objects.select_related("ticket").get(pk=conversation_id)
    return {
        "conversation": conversation.pk,
        "customer_id": conversation.customer_id,
        "language": conversation.language,
        "channel": conversation.channel,
        "ticket": conversation.ticket.number if conversation.ticket else None,
        "context": conversation.ticket.context if conversation.ticket else {},
    }


def bot_responses_store(*, conversation_id: int, responses: list[dict[str, Any]]) -> list[Message]:
    """Turn Rasa's REST responses into stored messages, while the bot still owns the chat.

    If an operator took over while Rasa was thinking, the bot's words are dropped:
    no bot output reaches a customer once a person has the conversation.
    """
    stored: list[Message] = []
    handoff: dict[str, Any] | None = None
    with transaction.atomic():
        # The UPDATE both checks the state and locks the row until we commit, so a
        # take-over cannot slip in between the check and the inserts.
        owns = Conversation.objects.filter(pk=conversation_id, state=State.BOT).update(
            updated_at=timezone.now()
        )
        if owns != 1:
            return []
        for response in responses:
            custom = response.get("custom")
            if isinstance(custom, dict) and custom.get("type") == "handoff":
                handoff = custom
                if response.get("text"):
                    stored.append(_append_bot(conversation_id, text=response["text"]))
                continue
            stored.append(_append_bot(conversation_id, **_bot_message_fields(response)))
        if handoff is not None:
            crm_services.conversation_queue(
                conversation_id=conversation_id,
                reason=str(handoff.get("reason") or "asked")[:40],
                context=handoff.get("context") or {},
                priority=1 if handoff.get("reason") == "complaint" else 0,
            )
    return stored


def _append_bot(conversation_id: int, **fields: Any) -> Message:
    return crm_services.message_append(
        conversation_id=conversation_id, sender=Message.Sender.BOT, **fields
    ).message


def _bot_message_fields(response: dict[str, Any]) -> dict[str, Any]:
    text = str(response.get("text") or "")
    custom = response.get("custom")
    if isinstance(custom, dict) and custom.get("type") == "catalog":
        return {
            "kind": Message.Kind.CATALOG,
            "text": text or str(custom.get("text") or ""),
            "payload": {"products": _json_safe(custom.get("products") or [])},
        }
    if isinstance(custom, dict) and custom.get("type") == "buttons":
        payload: dict[str, Any] = {"buttons": _buttons(custom.get("buttons"))}
        if isinstance(custom.get("asks"), str):
            # What the bot asks for (docs/protocol.md): a refining question of the search.
            payload["asks"] = custom["asks"][:40]
        return {
            "kind": Message.Kind.BUTTONS,
            "text": text or str(custom.get("text") or ""),
            "payload": payload,
        }
    if response.get("buttons"):
        return {
            "kind": Message.Kind.BUTTONS,
            "text": text,
            "payload": {"buttons": _buttons(response["buttons"])},
        }
    if isinstance(custom, dict) and custom.get("type") == "text":
        return {"kind": Message.Kind.TEXT, "text": str(custom.get("text") or text), "payload": {}}
    payload = {"image": str(response["image"])} if response.get("image") else {}
    if isinstance(custom, dict):
        payload["custom"] = _json_safe(custom)
    return {"kind": Message.Kind.TEXT, "text": text, "payload": payload}


def _buttons(raw: Any) -> list[dict[str, str]]:
    buttons = []
    for button in raw or []:
        if isinstance(button, dict) and button.get("title") and button.get("payload"):
            buttons.append(
                {"title": str(button["title"])[:200], "payload": str(button["payload"])[:500]}
            )
    return buttons


def _json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


# --- back to the bot --------------------------------------------------------------------

# Where an operator may hand a chat back to the bot: "" (the bot waits for the customer),
# the shop assistant, a KB tree (optionally a node of it), or the satisfaction question.
RESUME_PATTERN = r"^(|shop_assistant|csat|kb:[a-z0-9-]{1,60}(/[a-z0-9-]{1,60})?)$"
CSAT_OUTCOME = "handed back to the bot for the satisfaction question"


@dataclass(frozen=True)
class BotResume:
    """What the bridge sends to Rasa so the bot picks up at the chosen point."""

    text: str
    metadata: dict[str, Any]


def conversation_hand_back_to_bot(
    *, conversation_id: int, operator_id: int, resume_at: str = ""
) -> BotResume | None:
    """The owner hands the chat back; the bot resumes at `resume_at` (RESUME_PATTERN).

    "csat" ends the chat with the satisfaction question the widget asks on close. The
    shop assistant and KB points return the message the bridge must relay to Rasa.
    """
    crm_services.conversation_hand_back(
        conversation_id=conversation_id, resume_at=resume_at, by_operator_id=operator_id
    )
    if resume_at == "csat":
        crm_services.conversation_close(conversation_id=conversation_id, outcome=CSAT_OUTCOME)
        return None
    if resume_at == "shop_assistant":
        return BotResume(text="/browse_products", metadata={"resume_at": {"skill": "shop"}})
    if resume_at.startswith("kb:"):
        tree, _, node = resume_at[3:].partition("/")
        return BotResume(
            text="/support_question",
            metadata={"resume_at": {"skill": "kb", "kb_tree": tree, "kb_node": node or None}},
        )
    return None


def bot_unavailable(*, conversation_id: int) -> None:
    """Rasa did not answer: tell the customer in their language and queue for a person."""
    language = Conversation.objects.values_list("language", flat=True).get(pk=conversation_id)
    with transaction.atomic():
        if not Conversation.objects.filter(pk=conversation_id, state=State.BOT).exists():
            return  # a person has it already
        crm_services.message_append_system(
            conversation_id=conversation_id,
            event="bot_unavailable",
            data={"text": BOT_UNAVAILABLE_TEXT.get(language, BOT_UNAVAILABLE_TEXT["it"])},
        )
        try:
            crm_services.conversation_queue(
                conversation_id=conversation_id, reason="bot_unavailable"
            )
        except IllegalTransition:
            pass
