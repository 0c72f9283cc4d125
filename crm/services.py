"""State changes of the CRM: conversations, messages, tickets.

The one place that owns conversation state (over crm.states) and message sequence
numbers. Views, consumers and the bot bridge call these; none assigns the fields.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from crm import events
from crm.models import (
    Conversation,
    Customer,
    Message,
    OperatorProfile,
    PhoneNote,
    Team,
    TeamMembership,
    Ticket,
)
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
            if seq == 1:  # a chat has begun: consoles list it among the bot's chats
                transaction.on_commit(
                    lambda: events.notify_started(conversation_id=conversation_id)
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


class NotOwner(Exception):
    """The conversation is with a person, and that person is someone else."""

    def __init__(self, *, conversation_id: int, owner: str = "") -> None:
        self.conversation_id = conversation_id
        self.owner = owner
        super().__init__(
            f"conversation {conversation_id} is owned by {owner or 'nobody'}: "
            "only its owner may do this"
        )


class OverLimit(Exception):
    """The operator already has as many open chats as their profile allows."""


def conversation_start(
    *,
    channel: str,
    customer: Customer | None = None,
    ticket: Ticket | None = None,
    team: Team | None = None,
    language: str = "it",
    entry_pending: bool = False,
) -> Conversation:
    conversation = Conversation(
        channel=channel,
        customer=customer,
        ticket=ticket,
        team=team or (ticket.team if ticket else None),
        language=language,
        state=State.BOT,
        entry_pending=entry_pending,
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
    by_operator_id: int | None = None,
) -> Conversation:
    """Move a conversation to `to`, or raise IllegalTransition (or NotOwner).

    One conditional UPDATE decides: it matches only if the current state may move
    to `to`, so two racing moves cannot both succeed. With `by_operator_id`, a
    conversation that is with a person moves only if that person is the one asking.
    """
    to = State(to)
    with transaction.atomic():
        candidates = Conversation.objects.filter(pk=conversation_id, state__in=may_become(to))
        if by_operator_id is not None:
            candidates = candidates.filter(~Q(state=State.HUMAN) | Q(owner_id=by_operator_id))
        matched = candidates.update(state=to, updated_at=timezone.now(), **(changes or {}))
        if matched != 1:
            current = (
                Conversation.objects.filter(pk=conversation_id).values("state", "owner_id").first()
            )
            if current is None:
                raise Conversation.DoesNotExist(f"conversation {conversation_id} does not exist")
            if by_operator_id is not None and current["state"] in may_become(to):
                # an allowed move, asked by someone other than the owner
                raise NotOwner(
                    conversation_id=conversation_id,
                    owner=_display_name(current["owner_id"]) if current["owner_id"] else "",
                )
            raise IllegalTransition(
                conversation_id=conversation_id, current=current["state"], target=to
            )
        if event:
            message_append_system(conversation_id=conversation_id, event=event, data=event_data)
        transaction.on_commit(
            lambda: events.notify_state(conversation_id=conversation_id, state=to)
        )
    return Conversation.objects.get(pk=conversation_id)


def routing_team_slugs() -> set[str]:
    """Every team slug the settings route chats and e-mails to."""
    return {
        settings.DEFAULT_CHAT_TEAM_SLUG,
        settings.MAIL_FALLBACK_TEAM,
        *settings.HANDOFF_TEAM_BY_REASON.values(),
        *settings.MAIL_DEFAULT_ROUTES.values(),
    }


def routing_teams_ensure() -> list[Team]:
    """Create the teams routing needs that do not exist yet (named after their slug; an
    existing team is left as it is). Returns the ones created."""
    created = []
    for slug in sorted(routing_team_slugs()):
        team, was_created = Team.objects.get_or_create(
            slug=slug, defaults={"name": slug.replace("-", " ").title()}
        )
        if was_created:
            created.append(team)
    return created


def handoff_team(*, reason: str) -> Team | None:
    """Where a conversation without a team goes when it is handed to the humans.

    HANDOFF_TEAM_BY_REASON may route a reason (e.g. "complaint") to its own team;
    everything else goes to DEFAULT_CHAT_TEAM_SLUG (the seed's Assistenza Commerciale).
    """
    slug = settings.HANDOFF_TEAM_BY_REASON.get(reason) or settings.DEFAULT_CHAT_TEAM_SLUG
    return Team.objects.filter(slug=slug).first() if slug else None


def conversation_queue(
    *, conversation_id: int, reason: str, context: dict[str, Any] | None = None, priority: int = 0
) -> Conversation:
    """Hand the conversation to the humans: nothing more goes to the bot.

    A conversation that has no team yet (a web chat not linked to a ticket) gets one
    here, so it lands in exactly one team's queue.
    """
    changes: dict[str, Any] = {
        "handoff_reason": reason,
        "handoff_context": context or {},
        "priority": priority,
        "queued_at": timezone.now(),
        "owner": None,
    }
    team_id = Conversation.objects.filter(pk=conversation_id).values_list("team_id", flat=True)
    if not team_id.first():
        changes["team"] = handoff_team(reason=reason)
    return conversation_transition(
        conversation_id=conversation_id,
        to=State.QUEUED,
        changes=changes,
        event="handoff",
        event_data={"reason": reason},
    )


@dataclass(frozen=True)
class TakeOverResult:
    won: bool
    owner: str  # display name of whoever has the conversation now
    reason: str = ""  # when not won: "taken", "limit", "closed"


def conversation_take_over(*, conversation_id: int, operator_id: int) -> TakeOverResult:
    # The database settles the race: of two simultaneous clicks exactly one
    # UPDATE matches a row. Works the same on SQLite and PostgreSQL.
    with transaction.atomic():
        # One operator's take-overs queue up on their profile row, so two quick clicks
        # on two chats cannot both pass the limit check (SQLite: BEGIN IMMEDIATE does it).
        profile = OperatorProfile.objects.select_for_update().filter(user_id=operator_id).first()
        if profile is not None and _open_chats(operator_id) >= profile.max_concurrent_chats:
            owner_id = _owner_id(conversation_id)
            return TakeOverResult(
                won=False, owner=_display_name(owner_id) if owner_id else "", reason="limit"
            )
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
        if won:
            # A chat the bot was handling had no team yet: it joins the operator's.
            team = _home_team_id(operator_id)
            if team is not None:
                Conversation.objects.filter(pk=conversation_id, team__isnull=True).update(
                    team_id=team
                )
        current = Conversation.objects.values("owner_id", "state").get(pk=conversation_id)
    owner = _display_name(current["owner_id"]) if current["owner_id"] else ""
    if won:
        return TakeOverResult(won=True, owner=owner)
    return TakeOverResult(
        won=False, owner=owner, reason="closed" if current["state"] == State.CLOSED else "taken"
    )


def conversation_hand_back(
    *, conversation_id: int, resume_at: str = "", by_operator_id: int | None = None
) -> Conversation:
    return conversation_transition(
        conversation_id=conversation_id,
        to=State.BOT,
        changes={"owner": None},
        event="handed_back",
        event_data={"resume_at": resume_at},
        by_operator_id=by_operator_id,
    )


def conversation_close(
    *, conversation_id: int, outcome: str = "", by_operator_id: int | None = None
) -> Conversation:
    return conversation_transition(
        conversation_id=conversation_id,
        to=State.CLOSED,
        changes={"outcome": outcome[:200], "closed_at": timezone.now()},
        event="closed",
        event_data={"outcome": outcome[:200]},
        by_operator_id=by_operator_id,
    )


def conversation_transfer_to_team(
    *, conversation_id: int, team_id: int, by_operator_id: int, note: str = ""
) -> Conversation:
    """Back into the queue of another team (e.g. first → second level), with a note.

    Only the owner transfers; the note is an internal note and goes on the context
    card the next operator sees in the queue.
    """
    team = Team.objects.get(pk=team_id)
    from_name = _display_name(by_operator_id)
    with transaction.atomic():
        context = (
            Conversation.objects.filter(pk=conversation_id)
            .values_list("handoff_context", flat=True)
            .first()
        )
        context = dict(context or {})
        context["transfer"] = {"from": from_name, "note": note[:1000]}
        conversation = conversation_transition(
            conversation_id=conversation_id,
            to=State.QUEUED,
            changes={
                "team": team,
                "owner": None,
                "queued_at": timezone.now(),
                "handoff_context": context,
            },
            event="transferred",
            event_data={"team": team.name},
            by_operator_id=by_operator_id,
        )
        if note:
            internal_note_append(
                conversation_id=conversation_id, operator_id=by_operator_id, text=note
            )
    return conversation


def conversation_transfer_to_operator(
    *, conversation_id: int, operator_id: int, by_operator_id: int, note: str = ""
) -> Conversation:
    """Hand a chat straight to a colleague: the owner changes, the customer stays with a
    person. The colleague's limit of concurrent chats applies."""
    with transaction.atomic():
        profile = OperatorProfile.objects.select_for_update().filter(user_id=operator_id).first()
        if profile is not None and _open_chats(operator_id) >= profile.max_concurrent_chats:
            raise OverLimit(f"{profile.display_name} already has {_open_chats(operator_id)} chats")
        team_ids = set(
            TeamMembership.objects.filter(user_id=operator_id).values_list("team_id", flat=True)
        )
        current = Conversation.objects.filter(pk=conversation_id).values("team_id").first()
        if current is None:
            raise Conversation.DoesNotExist(f"conversation {conversation_id} does not exist")
        changes: dict[str, Any] = {"owner_id": operator_id, "updated_at": timezone.now()}
        if current["team_id"] not in team_ids and team_ids:
            changes["team_id"] = _home_team_id(operator_id)
        moved = Conversation.objects.filter(
            pk=conversation_id, state=State.HUMAN, owner_id=by_operator_id
        ).update(**changes)
        if moved != 1:
            owner_id = _owner_id(conversation_id)
            raise NotOwner(
                conversation_id=conversation_id,
                owner=_display_name(owner_id) if owner_id else "",
            )
        message_append_system(
            conversation_id=conversation_id,
            event="operator_left",
            data={"operator": _display_name(by_operator_id)},
        )
        message_append_system(
            conversation_id=conversation_id,
            event="operator_joined",
            data={"operator": _display_name(operator_id)},
        )
        if note:
            internal_note_append(
                conversation_id=conversation_id, operator_id=by_operator_id, text=note
            )
        transaction.on_commit(
            lambda: events.notify_state(conversation_id=conversation_id, state=State.HUMAN)
        )
    return Conversation.objects.get(pk=conversation_id)


def operator_message_append(
    *,
    conversation_id: int,
    operator_id: int,
    text: str = "",
    kind: str = Message.Kind.TEXT,
    payload: dict[str, Any] | None = None,
    client_msg_id: str | None = None,
) -> Appended:
    """Something the operator sends to the customer: only while they own the chat.

    The UPDATE checks ownership and locks the row until commit, so a hand-back or a
    transfer cannot slip in between the check and the insert. A resend of a stored
    client id returns the original, even after the chat moved on.
    """
    if client_msg_id is not None:
        existing = _message_by_client_id(conversation_id, client_msg_id)
        if existing is not None:
            return Appended(existing, created=False)
    with transaction.atomic():
        owns = Conversation.objects.filter(
            pk=conversation_id, state=State.HUMAN, owner_id=operator_id
        ).update(updated_at=timezone.now())
        if owns != 1:
            owner_id = _owner_id(conversation_id)
            raise NotOwner(
                conversation_id=conversation_id,
                owner=_display_name(owner_id) if owner_id else "",
            )
        return message_append(
            conversation_id=conversation_id,
            sender=Message.Sender.OPERATOR,
            author_id=operator_id,
            text=text,
            kind=kind,
            payload=payload,
            client_msg_id=client_msg_id,
        )


def operator_owns(*, conversation_id: int, operator_id: int) -> bool:
    return Conversation.objects.filter(
        pk=conversation_id, state=State.HUMAN, owner_id=operator_id
    ).exists()


def operator_owns_or_raise(*, conversation_id: int, operator_id: int) -> None:
    """NotOwner (naming who has it) unless the operator owns this chat right now."""
    if not operator_owns(conversation_id=conversation_id, operator_id=operator_id):
        owner_id = _owner_id(conversation_id)
        raise NotOwner(
            conversation_id=conversation_id, owner=_display_name(owner_id) if owner_id else ""
        )


def internal_note_append(
    *, conversation_id: int, operator_id: int, text: str, client_msg_id: str | None = None
) -> Appended:
    """A note for colleagues: stored in the conversation, never sent to the customer."""
    return message_append(
        conversation_id=conversation_id,
        sender=Message.Sender.OPERATOR,
        author_id=operator_id,
        kind=Message.Kind.INTERNAL_NOTE,
        text=text,
        client_msg_id=client_msg_id,
    )


def _open_chats(operator_id: int) -> int:
    return Conversation.objects.filter(state=State.HUMAN, owner_id=operator_id).count()


def _owner_id(conversation_id: int) -> int | None:
    return (
        Conversation.objects.filter(pk=conversation_id).values_list("owner_id", flat=True).first()
    )


def _home_team_id(operator_id: int) -> int | None:
    """The operator's team for a chat that has none: the default chat team if they are in
    it, else their first team."""
    memberships = TeamMembership.objects.filter(user_id=operator_id).select_related("team")
    teams = sorted(
        memberships, key=lambda m: (m.team.slug != settings.DEFAULT_CHAT_TEAM_SLUG, m.pk)
    )
    return teams[0].team_id if teams else None


def _display_name(user_id: int) -> str:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.select_related("operator").get(pk=user_id)
    profile = getattr(user, "operator", None)
    return profile.display_name if profile else user.get_username()


# --- customers ------------------------------------------------------------------------


def customer_create(
    *,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    address: str = "",
    postcode: str = "",
    city: str = "",
    language: str = "it",
) -> Customer:
    """A customer record from what someone typed (an order form, an e-mail): unverified."""
    customer = Customer(
        first_name=first_name[:80],
        last_name=last_name[:80],
        email=email,
        address=address[:200],
        postcode=postcode[:10],
        city=city[:80],
        language=language,
        verified=False,
    )
    customer.full_clean()
    customer.save()
    return customer


def conversation_customer_link(*, conversation_id: int, customer_id: int) -> bool:
    """Link a still anonymous conversation to a customer; never replaces one."""
    return (
        Conversation.objects.filter(pk=conversation_id, customer__isnull=True).update(
            customer_id=customer_id
        )
        == 1
    )


# --- operators and phone notes --------------------------------------------------------


def operator_presence_set(*, user_id: int, presence: str) -> OperatorProfile:
    """Online / away / offline; an operator without a profile gets one."""
    profile, _ = OperatorProfile.objects.get_or_create(
        user_id=user_id, defaults={"display_name": _display_name(user_id)}
    )
    profile.presence = presence
    profile.full_clean()
    profile.save(update_fields=["presence"])
    return profile


def phone_note_create(
    *,
    customer_id: int,
    operator_id: int,
    text: str,
    direction: str = PhoneNote.Direction.INBOUND,
    ticket_id: int | None = None,
) -> PhoneNote:
    note = PhoneNote(
        customer_id=customer_id,
        operator_id=operator_id,
        text=text.strip(),
        direction=direction,
        ticket_id=ticket_id,
    )
    note.full_clean()
    note.save()
    return note


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
