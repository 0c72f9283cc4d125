"""The e-mail channel: keep every message, thread it, answer it (RFC 3834), send replies.

The SMTP handler stores the raw bytes (email_store_inbound) before it says 250, then
asks for email_process in the background. Everything a customer sends or receives by
e-mail is also a message in the ticket's e-mail conversation, so the console shows it
in the same timeline as chats.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from email.utils import make_msgid
from typing import Any

import httpx
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage as OutgoingEmail
from django.db import transaction
from django.utils import timezone

from config import http
from crm import services as crm_services
from crm.models import Channel, Conversation, Customer, Message, Team, Ticket
from crm.states import State
from mail_channel import parsing, replies, threading
from mail_channel.models import EmailAttachment, EmailMessage, RoutingRule
from shop import selectors as shop_selectors
from webchat.services import entry_token_make

logger = logging.getLogger(__name__)

SUPPRESSING_PRECEDENCE = {"bulk", "list", "junk"}
ROBOT_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.I)
TOPIC_BY_INTENT = {"ask_offers": "offers", "order_status": "order_status"}


def email_store_inbound(*, raw: bytes, mail_from: str, rcpt_to: list[str]) -> EmailMessage:
    """Store the raw message first; parsing problems never lose it."""
    headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)

    def header(name: str, limit: int = 255) -> str:
        try:
            return str(headers.get(name, "") or "")[:limit]
        except (ValueError, TypeError, IndexError, LookupError):  # malformed: raw only
            return ""

    return EmailMessage.objects.create(
        direction=EmailMessage.Direction.INBOUND,
        message_id=header("Message-ID").strip(),
        in_reply_to=header("In-Reply-To"),
        references=header("References", limit=10_000),
        mail_from=mail_from[:255],
        rcpt_to=rcpt_to,
        subject=header("Subject"),
        raw=raw,
    )


# --- classification and routing -------------------------------------------------------


@dataclass
class Classification:
    intent: str = ""
    confidence: float = 0.0
    language: str = ""
    entities: dict[str, str] = field(default_factory=dict)


def classify(text: str) -> Classification:
    """The bot's NLU over Rasa's HTTP API; an empty classification if Rasa is away."""
    if not text.strip():
        return Classification()
    try:
        response = httpx.post(
            f"{settings.RASA_URL}/model/parse",
            params={"token": settings.RASA_TOKEN},
            json={"text": text[:2000]},
            timeout=settings.RASA_TIMEOUT_SECONDS,
            verify=http.tls_context(),
        )
        response.raise_for_status()
        parsed = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        logger.warning("e-mail classification unavailable: %r", exc)
        return Classification()
    entities: dict[str, str] = {}
    for entity in parsed.get("entities") or []:
        entities.setdefault(str(entity.get("entity")), str(entity.get("value")))
    intent = parsed.get("intent") or {}
    language = str(parsed.get("language") or "")
    return Classification(
        intent=str(intent.get("name") or ""),
        confidence=float(intent.get("confidence") or 0.0),
        language=language if language in ("it", "en") else "",
        entities=entities,
    )


def team_for(intent: str) -> Team | None:
    rule = RoutingRule.objects.select_related("team").filter(intent=intent).first()
    if rule is not None:
        return rule.team
    slug = settings.MAIL_DEFAULT_ROUTES.get(intent, settings.MAIL_FALLBACK_TEAM)
    return Team.objects.filter(slug=slug).first()


def kb_answer(*, text: str, language: str) -> str:
    """The best published KB answer as plain text, or "" when nothing is confident."""
    from kb import search, selectors

    hits = search.kb_search(query=text, language=language, limit=1)
    if not hits or hits[0].score < search.CONFIDENT_SCORE or hits[0].node is None:
        return ""  # a question to walk is for the chat; by e-mail, only a real answer
    try:
        node = selectors.tree_node(slug=hits[0].slug, node_key=hits[0].node, language=language)
    except (selectors.TreeNotFound, selectors.NodeNotFound):
        return ""  # unpublished meanwhile
    return node.text if node.kind == "answer" else ""


# --- processing -----------------------------------------------------------------------


def customer_for_sender(*, address: str, name: str) -> Customer:
    """The customer an address names: a verified record first, else an unverified one
    (created if needed). Good enough to greet and thread; not to identify."""
    existing = Customer.objects.filter(email__iexact=address).order_by("-verified", "pk").first()
    if existing is not None:
        return existing
    first, _, last = name.partition(" ")
    return Customer.objects.create(email=address, first_name=first[:80], last_name=last[:80])


def suppression_reason(parsed: parsing.ParsedEmail, *, envelope_from: str) -> str:
    """Why RFC 3834 (or plain sense) says not to answer automatically; "" to answer."""
    auto_submitted = parsed.headers.get("auto-submitted", "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = parsed.headers.get("precedence", "").strip().lower()
    if precedence in SUPPRESSING_PRECEDENCE:
        return f"Precedence: {precedence}"
    if parsed.list_headers:
        return "mailing list"
    sender = parsed.from_address
    if not sender or not envelope_from:
        return "no sender (bounce)"
    if sender in settings.SUPPORT_ADDRESSES or sender == settings.DEFAULT_FROM_EMAIL.lower():
        return "from our own address"
    if ROBOT_SENDERS.match(sender):
        return "automated sender"
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    recent = EmailMessage.objects.filter(
        direction=EmailMessage.Direction.OUTBOUND,
        auto_reply=True,
        counterpart=sender,
        received_at__gte=an_hour_ago,
    ).count()
    if recent >= settings.MAIL_AUTOREPLY_MAX_PER_HOUR:
        return f"rate limit: {settings.MAIL_AUTOREPLY_MAX_PER_HOUR} automatic answers per hour"
    return ""


def _store_attachments(email: EmailMessage, parsed: parsing.ParsedEmail) -> None:
    for attachment in parsed.attachments:
        row = EmailAttachment(
            email=email,
            filename=attachment.filename[:200],
            content_type=attachment.content_type[:100],
            size_bytes=len(attachment.data),
        )
        if len(attachment.data) > parsing.MAX_ATTACHMENT_BYTES:
            row.skipped_reason = f"larger than {parsing.MAX_ATTACHMENT_BYTES // 1024 // 1024} MB"
        else:
            row.file.save(
                attachment.filename[:100] or "attachment", ContentFile(attachment.data), save=False
            )
        row.save()


def _conversation_for(ticket: Ticket, language: str) -> Conversation:
    conversation = (
        Conversation.objects.filter(ticket=ticket, channel=Channel.EMAIL)
        .exclude(state=State.CLOSED)
        .order_by("-created_at")
        .first()
    )
    return conversation or crm_services.conversation_start(
        channel=Channel.EMAIL,
        customer=ticket.customer,
        ticket=ticket,
        team=ticket.team,
        language=language or ticket.customer.language,
    )


def email_process(*, email_id: int) -> EmailMessage:
    """Thread, classify and (unless RFC 3834 says no) answer one stored inbound e-mail."""
    email = EmailMessage.objects.get(pk=email_id)
    if email.outcome != EmailMessage.Outcome.PENDING:
        return email  # processed already (the gateway restarts pending ones)
    try:
        return _process(email)
    except Exception as exc:  # the raw message is kept; an operator can still read it
        logger.exception("processing e-mail %s failed", email_id)
        EmailMessage.objects.filter(pk=email_id).update(
            outcome=EmailMessage.Outcome.FAILED, outcome_detail=repr(exc)[:255]
        )
        raise


def _process(email: EmailMessage) -> EmailMessage:
    parsed = parsing.parse(bytes(email.raw))
    words = parsed.text_for_classification
    classification = classify(words)
    with transaction.atomic():
        customer = (
            customer_for_sender(address=parsed.from_address, name=parsed.from_name)
            if parsed.from_address
            else None
        )
        if customer is not None:
            # One sender's mails are processed one at a time (across gateway threads and
            # replicas): the per-hour answer limit below counts what the previous one sent.
            customer = Customer.objects.select_for_update().get(pk=customer.pk)
        ticket = threading.ticket_for(parsed)
        language = classification.language or (customer.language if customer else "it")
        if ticket is None and customer is not None:
            ticket = crm_services.ticket_create(
                customer=customer,
                subject=parsed.subject or words[:80] or "(no subject)",
                channel=Channel.EMAIL,
                team=team_for(classification.intent),
                context=_context(classification),
            )
        conversation = _conversation_for(ticket, language) if ticket else None
        email.from_name = parsed.from_name[:120]
        email.counterpart = parsed.from_address[:255]
        email.subject = parsed.subject
        email.body_text = parsed.text
        email.message_id = parsed.message_id[:255]
        email.in_reply_to = parsed.in_reply_to[:255]
        email.references = " ".join(parsed.references)
        email.customer = customer
        email.ticket = ticket
        email.conversation = conversation
        email.language = language
        email.intent = classification.intent
        if conversation is not None:
            crm_services.message_append(
                conversation_id=conversation.pk,
                sender=Message.Sender.CUSTOMER,
                text=parsed.text,
                payload={"email_id": email.pk, "subject": parsed.subject, "channel": "email"},
            )
        _store_attachments(email, parsed)
        reason = suppression_reason(parsed, envelope_from=email.mail_from)
        if not reason and conversation is not None and conversation.state != State.BOT:
            reason = "a person has this request"
        if reason or ticket is None:
            email.outcome = EmailMessage.Outcome.SUPPRESSED
            email.outcome_detail = (reason or "no sender")[:255]
            email.save()
            return email
        answer = _answer(
            ticket=ticket, classification=classification, words=words, language=language
        )
        email.outcome = (
            EmailMessage.Outcome.ANSWERED if answer else EmailMessage.Outcome.ACKNOWLEDGED
        )
        email.save()
        parts = replies.ReplyParts(
            customer=ticket.customer,
            language=language,
            request_number=ticket.number,
            team_name=ticket.team.name if ticket.team else "",
            link=f"{settings.SHOP_ASSISTANT_URL}?sportello_entry={entry_token_make(ticket=ticket)}",
            answer=answer,
        )
        email_send(
            ticket=ticket,
            conversation=conversation,
            subject=replies.subject_with_number(parsed.subject, ticket.number),
            text=replies.body(parts),
            in_reply_to=email,
            auto_reply=True,
        )
    return email


def _context(classification: Classification) -> dict[str, Any]:
    """What the shop assistant should know when the customer follows the link."""
    context: dict[str, Any] = {"intent": classification.intent}
    context.update({k: v for k, v in classification.entities.items() if k != "order_number"})
    if classification.intent in TOPIC_BY_INTENT:
        context["topic"] = TOPIC_BY_INTENT[classification.intent]
    return context


def _answer(*, ticket: Ticket, classification: Classification, words: str, language: str) -> str:
    if classification.intent == "order_status":
        # Only the orders of the ticket's customer, whose address this came from.
        orders = shop_selectors.customer_orders_latest(customer_id=ticket.customer_id)
        return replies.orders_text(
            [shop_selectors.order_summary(o, language=language) for o in orders], language
        )
    return kb_answer(text=words, language=language)


def email_send(
    *,
    ticket: Ticket,
    conversation: Conversation | None,
    subject: str,
    text: str,
    in_reply_to: EmailMessage | None = None,
    auto_reply: bool = False,
    author_id: int | None = None,
    append_message: bool = True,
) -> EmailMessage:
    """Send to the ticket's customer, threaded, and record it (outbound row, and the
    conversation's message unless the caller stored it already)."""
    thread = _thread_ids(ticket, in_reply_to)
    domain = settings.DEFAULT_FROM_EMAIL.split("@")[-1] or "sportello.example"
    message_id = make_msgid(idstring=f"ticket{ticket.number}", domain=domain)
    headers = {"Message-ID": message_id, "X-Sportello-Request": ticket.number}
    if thread:
        headers["In-Reply-To"] = thread[-1]
        headers["References"] = " ".join(thread)
    if auto_reply:
        headers["Auto-Submitted"] = "auto-replied"  # RFC 3834
    stored = _record_and_deliver(
        to=ticket.customer.email,
        subject=subject,
        text=text,
        headers=headers,
        customer=ticket.customer,
        ticket=ticket,
        conversation=conversation,
        auto_reply=auto_reply,
    )
    if conversation is not None and append_message:
        crm_services.message_append(
            conversation_id=conversation.pk,
            sender=Message.Sender.BOT if auto_reply else Message.Sender.OPERATOR,
            author_id=author_id,
            text=text,
            payload={"email_id": stored.pk, "subject": subject, "channel": "email"},
        )
    return stored


def email_notify(
    *,
    customer: Customer,
    to: str,
    subject: str,
    text: str,
    ticket: Ticket | None = None,
    conversation: Conversation | None = None,
) -> EmailMessage:
    """A notification to a customer outside any e-mail thread (e.g. an order confirmation):
    sent and recorded like every outbound mail, so it is in the customer's timeline."""
    domain = settings.DEFAULT_FROM_EMAIL.split("@")[-1] or "sportello.example"
    headers = {"Message-ID": make_msgid(idstring="notice", domain=domain)}
    if ticket is not None:
        headers["X-Sportello-Request"] = ticket.number
    return _record_and_deliver(
        to=to,
        subject=subject,
        text=text,
        headers=headers,
        customer=customer,
        ticket=ticket,
        conversation=conversation,
        auto_reply=True,
    )


def _record_and_deliver(
    *,
    to: str,
    subject: str,
    text: str,
    headers: dict[str, str],
    customer: Customer,
    ticket: Ticket | None,
    conversation: Conversation | None,
    auto_reply: bool,
) -> EmailMessage:
    outgoing = OutgoingEmail(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    stored = EmailMessage.objects.create(
        direction=EmailMessage.Direction.OUTBOUND,
        message_id=headers["Message-ID"],
        in_reply_to=headers.get("In-Reply-To", ""),
        references=headers.get("References", ""),
        mail_from=settings.DEFAULT_FROM_EMAIL,
        counterpart=to.lower(),
        rcpt_to=[to],
        subject=subject[:255],
        body_text=text,
        raw=outgoing.message().as_bytes(),
        customer=customer,
        ticket=ticket,
        conversation=conversation,
        auto_reply=auto_reply,
        outcome=EmailMessage.Outcome.SENT,
    )
    # Sent once the records are committed: a rollback never leaves a sent, unrecorded mail.
    transaction.on_commit(lambda: _deliver(outgoing, stored.pk))
    return stored


def _deliver(outgoing: OutgoingEmail, stored_id: int) -> None:
    try:
        outgoing.send(fail_silently=False)
    except Exception as exc:  # recorded, visible in the admin and the console
        logger.exception("sending e-mail %s failed", stored_id)
        EmailMessage.objects.filter(pk=stored_id).update(
            outcome=EmailMessage.Outcome.FAILED, outcome_detail=repr(exc)[:255]
        )


def _thread_ids(ticket: Ticket, in_reply_to: EmailMessage | None) -> list[str]:
    if in_reply_to is not None and in_reply_to.message_id:
        earlier = in_reply_to.references.split() if in_reply_to.references else []
        return [*earlier, in_reply_to.message_id][-10:]
    last = ticket.emails.exclude(message_id="").order_by("-received_at").first()
    if last is None:
        return []
    return [*(last.references.split() if last.references else []), last.message_id][-10:]


def email_reply_from_operator(*, message: Message) -> EmailMessage:
    """An operator's chat message in an e-mail conversation goes out by e-mail, threaded.

    The message is already stored (and its ownership checked) by the console's service.
    """
    conversation = Conversation.objects.select_related("ticket__customer").get(
        pk=message.conversation_id
    )
    if conversation.ticket is None:
        raise ValueError(f"conversation {conversation.pk} has no ticket to answer by e-mail")
    ticket = conversation.ticket
    return email_send(
        ticket=ticket,
        conversation=conversation,
        subject=replies.subject_with_number(ticket.subject, ticket.number),
        text=message.text,
        author_id=message.author_id,
        append_message=False,
    )


def emails_pending() -> list[int]:
    return list(
        EmailMessage.objects.filter(
            direction=EmailMessage.Direction.INBOUND, outcome=EmailMessage.Outcome.PENDING
        ).values_list("pk", flat=True)
    )
