"""Reads of the CRM (no side effects)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from crm.models import Conversation, Message, OperatorProfile, PhoneNote, TeamMembership, Ticket
from crm.states import State

REPLAY_LIMIT = 500


def conversation_messages_after(*, conversation_id: int, after_seq: int) -> list[Message]:
    """What a reconnecting customer missed, oldest first; never internal notes."""
    return list(
        Message.objects.filter(conversation_id=conversation_id, seq__gt=after_seq)
        .exclude(kind=Message.Kind.INTERNAL_NOTE)
        .select_related("author__operator")
        .order_by("seq")[:REPLAY_LIMIT]
    )


def queue_position(*, conversation_id: int) -> int | None:
    """1 for the next conversation a person will take, None when not queued.

    Higher priority first (complaints), then the longest wait; counted within the
    conversation's team when it has one.
    """
    conversation = (
        Conversation.objects.filter(pk=conversation_id)
        .values("state", "priority", "queued_at", "team_id")
        .first()
    )
    if conversation is None or conversation["state"] != State.QUEUED:
        return None
    ahead = Conversation.objects.filter(state=State.QUEUED).filter(
        Q(priority__gt=conversation["priority"])
        | Q(priority=conversation["priority"], queued_at__lt=conversation["queued_at"])
        | Q(
            priority=conversation["priority"],
            queued_at=conversation["queued_at"],
            pk__lt=conversation_id,
        )
    )
    if conversation["team_id"]:
        ahead = ahead.filter(team_id=conversation["team_id"])
    return ahead.count() + 1


# --- the operator console ---------------------------------------------------------------

BOT_WATCH_WINDOW = dt.timedelta(hours=2)
BOT_WATCH_LIMIT = 30


def operator_team_ids(*, user_id: int) -> set[int]:
    return set(TeamMembership.objects.filter(user_id=user_id).values_list("team_id", flat=True))


def operator_open_chats(*, user_id: int) -> int:
    return Conversation.objects.filter(state=State.HUMAN, owner_id=user_id).count()


def conversation_for_console(*, conversation_id: int) -> Conversation | None:
    return (
        Conversation.objects.select_related("customer", "team", "owner__operator", "ticket")
        .filter(pk=conversation_id)
        .first()
    )


def conversation_card(conversation: Conversation, *, now: dt.datetime | None = None) -> dict:
    """What the console shows about a conversation: in the queue and atop the chat."""
    now = now or timezone.now()
    customer = conversation.customer
    owner = conversation.owner
    owner_name = ""
    if owner is not None:
        profile = getattr(owner, "operator", None)
        owner_name = profile.display_name if profile else owner.get_username()
    waited_from = conversation.queued_at if conversation.state == State.QUEUED else None
    return {
        "id": conversation.pk,
        "state": conversation.state,
        "channel": conversation.channel,
        "channel_label": conversation.get_channel_display(),
        "language": conversation.language,
        "priority": conversation.priority,
        "reason": conversation.handoff_reason,
        "context": conversation.handoff_context or {},
        "team": conversation.team.slug if conversation.team else "",
        "team_name": conversation.team.name if conversation.team else "",
        "owner": owner_name,
        "owner_id": conversation.owner_id,
        "customer": (
            {
                "id": customer.pk,
                "name": str(customer),
                "email": customer.email,
                "verified": customer.verified,
            }
            if customer
            else None
        ),
        "ticket": conversation.ticket.number if conversation.ticket else "",
        "last_seq": conversation.last_seq,
        "last_text": getattr(conversation, "last_text", None) or "",
        "created_at": conversation.created_at.isoformat(),
        "updated_at": conversation.updated_at.isoformat(),
        "queued_at": conversation.queued_at.isoformat() if conversation.queued_at else None,
        "wait_seconds": int((now - waited_from).total_seconds()) if waited_from else None,
    }


def console_queue(*, user_id: int) -> dict[str, list[dict]]:
    """One operator's view of the work: waiting for their teams (complaints first, then
    the longest wait), their own chats, colleagues' chats, and chats the bot handles."""
    teams = operator_team_ids(user_id=user_id)
    mine_or_unassigned = Q(team_id__in=teams) | Q(team__isnull=True)
    last_text = Subquery(
        Message.objects.filter(conversation=OuterRef("pk"), kind__in=["text", "buttons"])
        .exclude(sender=Message.Sender.SYSTEM)
        .order_by("-seq")
        .values("text")[:1]
    )
    base = Conversation.objects.select_related(
        "customer", "team", "owner__operator", "ticket"
    ).annotate(last_text=last_text)
    now = timezone.now()
    queued = base.filter(mine_or_unassigned, state=State.QUEUED).order_by(
        "-priority", "queued_at", "pk"
    )
    mine = base.filter(state=State.HUMAN, owner_id=user_id).order_by("-updated_at")
    others = (
        base.filter(state=State.HUMAN, team_id__in=teams)
        .exclude(owner_id=user_id)
        .order_by("-updated_at")
    )
    bot = base.filter(
        mine_or_unassigned,
        state=State.BOT,
        last_seq__gt=0,
        updated_at__gte=now - BOT_WATCH_WINDOW,
    ).order_by("-updated_at")[:BOT_WATCH_LIMIT]
    return {
        name: [conversation_card(c, now=now) for c in rows]
        for name, rows in (("queued", queued), ("mine", mine), ("others", others), ("bot", bot))
    }


def conversation_messages_for_console(*, conversation_id: int, after_seq: int = 0) -> list[Message]:
    """Everything in the conversation, internal notes included (operators only)."""
    return list(
        Message.objects.filter(conversation_id=conversation_id, seq__gt=after_seq)
        .select_related("author__operator")
        .order_by("seq")[:REPLAY_LIMIT]
    )


def team_operators(*, exclude_user_id: int | None = None) -> list[dict]:
    """Operators one can transfer a chat to, with their presence and load."""
    profiles = OperatorProfile.objects.select_related("user").filter(user__is_active=True)
    if exclude_user_id is not None:
        profiles = profiles.exclude(user_id=exclude_user_id)
    open_chats = dict(
        Conversation.objects.filter(state=State.HUMAN)
        .order_by()
        .values_list("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    return [
        {
            "username": p.user.get_username(),
            "name": p.display_name,
            "presence": p.presence,
            "open_chats": open_chats.get(p.user_id, 0),
            "max_chats": p.max_concurrent_chats,
        }
        for p in profiles.order_by("display_name")
    ]


# --- the customer's cross-channel timeline -------------------------------------------------

TIMELINE_KINDS = ("email", "chat", "phone", "form", "order", "ticket")
TIMELINE_MESSAGES_PER_CHAT = 200


@dataclass(frozen=True)
class TimelineItem:
    """One entry of the timeline; `data` carries the codes and values behind the English
    title and body, so a view can word them in the operator's language."""

    kind: str  # one of TIMELINE_KINDS
    at: dt.datetime
    title: str
    body: str = ""
    direction: str = ""  # e-mails: "in" / "out"; phone notes: "in" / "out"
    lines: tuple[dict[str, Any], ...] = ()  # chat transcript, order lines
    ref: str = ""  # order number, ticket number, conversation id
    data: dict[str, Any] = field(default_factory=dict)


def customer_timeline(
    *, customer_id: int, kinds: Iterable[str] | None = None
) -> list[TimelineItem]:
    """E-mails in and out, chats (bot and human parts), phone notes, form submissions,
    orders and tickets of one customer, oldest first."""
    wanted = set(kinds or TIMELINE_KINDS) & set(TIMELINE_KINDS)
    items: list[TimelineItem] = []
    if "email" in wanted:
        items += _timeline_emails(customer_id)
    if "chat" in wanted or "form" in wanted:
        chats, forms = _timeline_chats_and_forms(customer_id)
        items += chats if "chat" in wanted else []
        items += forms if "form" in wanted else []
    if "phone" in wanted:
        items += [
            TimelineItem(
                kind="phone",
                at=note.created_at,
                title=f"{note.get_direction_display()}"
                + (f" — {_user_name(note.operator)}" if note.operator else ""),
                body=note.text,
                direction=note.direction,
                ref=note.ticket.number if note.ticket else "",
                data={"operator": _user_name(note.operator) if note.operator else ""},
            )
            for note in PhoneNote.objects.filter(customer_id=customer_id).select_related(
                "operator__operator", "ticket"
            )
        ]
    if "order" in wanted:
        items += _timeline_orders(customer_id)
    if "ticket" in wanted:
        items += [
            TimelineItem(
                kind="ticket",
                at=ticket.created_at,
                title=f"#{ticket.number} {ticket.subject}",
                body=f"{ticket.get_status_display()} · {ticket.team.name if ticket.team else '—'}",
                direction=ticket.channel,
                ref=ticket.number,
                data={
                    "subject": ticket.subject,
                    "status": ticket.status,
                    "team": ticket.team.name if ticket.team else "",
                },
            )
            for ticket in Ticket.objects.filter(customer_id=customer_id).select_related("team")
        ]
    return sorted(items, key=lambda item: item.at)


def _timeline_emails(customer_id: int) -> list[TimelineItem]:
    EmailMessage = apps.get_model("mail_channel", "EmailMessage")  # noqa: N806 (a model)
    emails = EmailMessage.objects.filter(
        Q(customer_id=customer_id) | Q(ticket__customer_id=customer_id)
    ).select_related("ticket")
    return [
        TimelineItem(
            kind="email",
            at=email.received_at,
            title=email.subject or "(no subject)",
            body=(email.body_text or "")[:4000],
            direction=email.direction,
            ref=email.ticket.number if email.ticket else "",
            data={
                "from": email.mail_from,
                "to": list(email.rcpt_to or []),
                "subject": email.subject or "",
            },
        )
        for email in emails.distinct()
    ]


def _timeline_chats_and_forms(customer_id: int) -> tuple[list[TimelineItem], list[TimelineItem]]:
    chats, forms = [], []
    conversations = Conversation.objects.filter(customer_id=customer_id).select_related(
        "owner__operator", "team"
    )
    for conversation in conversations:
        messages = list(
            conversation.messages.select_related("author__operator").order_by("-seq")[
                :TIMELINE_MESSAGES_PER_CHAT
            ]
        )[::-1]
        transcript = tuple(_transcript_line(m) for m in messages)
        people = sorted({line["author"] for line in transcript if line["sender"] == "operator"})
        title = f"{conversation.get_channel_display()} · {conversation.state}"
        if people:
            title += " · " + ", ".join(people)
        chats.append(
            TimelineItem(
                kind="chat",
                at=conversation.created_at,
                title=title,
                body=conversation.outcome,
                lines=transcript,
                ref=str(conversation.pk),
                data={
                    "state": conversation.state,
                    "messages": conversation.last_seq,
                    "channel": conversation.channel,
                    "people": people,
                },
            )
        )
        for message in messages:
            payload = message.payload or {}
            if message.kind == Message.Kind.FORM and payload.get("status") == "submitted":
                values = payload.get("values") or {}
                labels = {
                    f.get("name"): f.get("label") or f.get("name")
                    for f in (payload.get("schema") or {}).get("fields", [])
                }
                submitted_at = payload.get("submitted_at")
                forms.append(
                    TimelineItem(
                        kind="form",
                        at=dt.datetime.fromisoformat(submitted_at)
                        if submitted_at
                        else message.created_at,
                        title=f"Order form submitted · {payload.get('order_number') or ''}",
                        lines=tuple(
                            {"label": str(labels.get(k, k)), "value": str(v)}
                            for k, v in values.items()
                            if k != "card_code"  # never shown again, even to operators
                        ),
                        ref=str(payload.get("order_number") or ""),
                        data={"conversation": conversation.pk, "seq": message.seq},
                    )
                )
    return chats, forms


def _transcript_line(message: Message) -> dict[str, Any]:
    payload = message.payload or {}
    text = message.text
    if message.kind == Message.Kind.EVENT:
        text = text or " ".join(
            str(v) for v in (payload.get("event"), payload.get("operator") or "") if v
        )
    elif message.kind == Message.Kind.CATALOG:
        skus = [str(p.get("sku", "")) for p in payload.get("products") or []]
        text = (text + " " if text else "") + f"[catalog: {', '.join(skus)}]"
    elif message.kind == Message.Kind.FORM:
        text = (text + " " if text else "") + f"[form: {payload.get('status', '')}]"
    return {
        "seq": message.seq,
        "sender": message.sender,
        "kind": message.kind,
        "author": _user_name(message.author) if message.author else "",
        "text": text,
        "at": message.created_at.isoformat(),
    }


def _timeline_orders(customer_id: int) -> list[TimelineItem]:
    Order = apps.get_model("shop", "Order")  # noqa: N806 (a model)
    orders = Order.objects.filter(customer_id=customer_id).prefetch_related("lines__product")
    return [
        TimelineItem(
            kind="order",
            at=order.created_at,
            title=f"Order {order.number} · {order.get_status_display()}",
            body=(
                f"€ {order.total} · {order.get_payment_method_display()} · "
                f"delivery {order.estimated_delivery.isoformat()}"
            ),
            lines=tuple(
                {
                    "sku": line.product.sku,
                    "name": line.product.name_it,
                    "size": line.size,
                    "colour": line.colour,
                    "quantity": line.quantity,
                }
                for line in order.lines.all()
            ),
            ref=order.number,
            data={
                "status": order.status,
                "conversation": order.conversation_id,
                "total": order.total,
                "payment_method": order.payment_method,
                "estimated_delivery": order.estimated_delivery,
            },
        )
        for order in orders
    ]


def _user_name(user: Any) -> str:
    profile = getattr(user, "operator", None)
    return profile.display_name if profile else user.get_username()
