"""State changes of the CRM: conversations, messages, tickets.

The one place that owns conversation state (over crm.states) and message sequence
numbers. Views, consumers and the bot bridge call these; none assigns the fields.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from crm import events
from crm.models import Conversation, Customer, Message, Team, Ticket
from crm.states import IllegalTransition, State, may_become

REQUEST_NUMBER_ATTEMPTS = 20


# --- messages -----------------------------------------------------------------


@dataclass(frozen=True)
class Appended:
    message: Message
    created: bool  # False: the client message id was seen before, this is the original


def message_append(
    *,
    conversation_id: int,
    sender: str,
    text: str = "",
    kind: str = Message.Kind.TEXT,
    payload: dict[str, Any] | None = None,
    client_msg_id: str | None = None,
    author_id: int | None = None,
) -> Appended:
    """Store a message with the next sequence number of its conversation.

    The counter row is locked by the UPDATE, so concurrent appends to one
    conversation queue up and never share a number (SQLite and PostgreSQL).
    A client message id seen before returns the stored original: resending is safe.
    """
    if client_msg_id is not None:
        existing = _message_by_client_id(conversation_id, client_msg_id)
        if existing is not None:
            return Appended(existing, created=False)
    try:
        with transaction.atomic():
            updated = Conversation.objects.filter(pk=conversation_id).update(
                last_seq=F("last_seq") + 1, updated_at=timezone.now()
            )
            if updated != 1:
                raise Conversation.DoesNotExist(f"conversation {conversation_id} does not exist")
            seq = Conversation.objects.values_list("last_seq", flat=True).get(pk=conversation_id)
            message = Message(
                conversation_id=conversation_id,
                seq=seq,
                sender=sender,
                kind=kind,
                text=text,
                payload=payload or {},
                client_msg_id=client_msg_id,
                author_id=author_id,
            )
            message.full_clean(exclude=["conversation", "author"])
            message.save(force_insert=True)
            transaction.on_commit(
                lambda: events.notify_message(conversation_id=conversation_id, seq=seq)
            )
    except IntegrityError:
        # A concurrent resend of the same client id won the insert: return its row.
        if client_msg_id is not None:
            existing = _message_by_client_id(conversation_id, client_msg_id)
            if existing is not None:
                return Appended(existing, created=False)
        raise
    return Appended(message, created=True)


def _message_by_client_id(conversation_id: int, client_msg_id: str) -> Message | None:
    return Message.objects.filter(
        conversation_id=conversation_id, client_msg_id=client_msg_id
    ).first()


def message_append_system(
    *, conversation_id: int, event: str, data: dict[str, Any] | None = None
) -> Message:
    return message_append(
        conversation_id=conversation_id,
        sender=Message.Sender.SYSTEM,
        kind=Message.Kind.EVENT,
        payload={"event": event, **(data or {})},
    ).message


# --- conversations ----------------------------------------------------------------


def conversation_start(
    *,
    channel: str,
    customer: Customer | None = None,
    ticket: Ticket | None = None,
    team: Team | None = None,
    language: str = "it",
) -> Conversation:
    conversation = Conversation(
        channel=channel,
        customer=customer,
        ticket=ticket,
        team=team or (ticket.team if ticket else None),
        language=language,
        state=State.BOT,
    )
    conversation.full_clean()
    conversation.save()
    return conversation


def conversation_transition(
    *,
    conversation_id: int,
    to: State,
    changes: dict[str, Any] | None = None,
    event: str | None = None,
    event_data: dict[str, Any] | None = None,
) -> Conversation:
    """Move a conversation to `to`, or raise IllegalTransition.

    One conditional UPDATE decides: it matches only if the current state may move
    to `to`, so two racing moves cannot both succeed.
    """
    to = State(to)
    with transaction.atomic():
        matched = Conversation.objects.filter(pk=conversation_id, state__in=may_become(to)).update(
            state=to, updated_at=timezone.now(), **(changes or {})
        )
        if matched != 1:
            current = (
                Conversation.objects.filter(pk=conversation_id)
                .values_list("state", flat=True)
                .first()
            )
            if current is None:
                raise Conversation.DoesNotExist(f"conversation {conversation_id} does not exist")
            raise IllegalTransition(conversation_id=conversation_id, current=current, target=to)
        if event:
            message_append_system(conversation_id=conversation_id, event=event, data=event_data)
        transaction.on_commit(
            lambda: events.notify_state(conversation_id=conversation_id, state=to)
        )
    return Conversation.objects.get(pk=conversation_id)


def conversation_queue(
    *, conversation_id: int, reason: str, context: dict[str, Any] | None = None, priority: int = 0
) -> Conversation:
    """Hand the conversation to the humans: nothing more goes to the bot."""
    return conversation_transition(
        conversation_id=conversation_id,
        to=State.QUEUED,
        changes={
            "handoff_reason": reason,
            "handoff_context": context or {},
            "priority": priority,
            "queued_at": timezone.now(),
            "owner": None,
        },
        event="handoff",
        event_data={"reason": reason},
    )


@dataclass(frozen=True)
class TakeOverResult:
    won: bool
    owner: str  # display name of whoever has the conversation now


def conversation_take_over(*, conversation_id: int, operator_id: int) -> TakeOverResult:
    # The database settles the race: of two simultaneous clicks exactly one
    # UPDATE matches a row. Works the same on SQLite and PostgreSQL.
    try:
        conversation_transition(
            conversation_id=conversation_id,
            to=State.HUMAN,
            changes={"owner_id": operator_id},
            event="operator_joined",
            event_data={"operator": _display_name(operator_id)},
        )
        won = True
    except IllegalTransition:
        won = False
    owner_id = Conversation.objects.values_list("owner_id", flat=True).get(pk=conversation_id)
    return TakeOverResult(won=won, owner=_display_name(owner_id) if owner_id else "")


def conversation_hand_back(*, conversation_id: int, resume_at: str = "") -> Conversation:
    return conversation_transition(
        conversation_id=conversation_id,
        to=State.BOT,
        changes={"owner": None},
        event="handed_back",
        event_data={"resume_at": resume_at},
    )


def conversation_close(*, conversation_id: int, outcome: str = "") -> Conversation:
    return conversation_transition(
        conversation_id=conversation_id,
        to=State.CLOSED,
        changes={"outcome": outcome, "closed_at": timezone.now()},
        event="closed",
        event_data={"outcome": outcome},
    )


def _display_name(user_id: int) -> str:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.select_related("operator").get(pk=user_id)
    profile = getattr(user, "operator", None)
    return profile.display_name if profile else user.get_username()


# --- tickets ------------------------------------------------------------------------


def request_number_generate() -> str:
    return f"{secrets.randbelow(900_000) + 100_000}"


def ticket_create(
    *,
    customer: Customer,
    subject: str,
    channel: str,
    team: Team | None = None,
    context: dict[str, Any] | None = None,
) -> Ticket:
    """A new ticket with a fresh request number (retried on the rare collision)."""
    for _ in range(REQUEST_NUMBER_ATTEMPTS):
        ticket = Ticket(
            number=request_number_generate(),
            subject=subject[:200],
            channel=channel,
            team=team,
            customer=customer,
            context=context or {},
        )
        ticket.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                ticket.save(force_insert=True)
            return ticket
        except IntegrityError:
            if not Ticket.objects.filter(number=ticket.number).exists():
                raise
    raise RuntimeError(f"no free request number after {REQUEST_NUMBER_ATTEMPTS} attempts")
