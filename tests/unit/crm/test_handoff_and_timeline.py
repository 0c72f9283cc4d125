"""Handoff routing to a team, ownership rules of the console's actions, the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from crm import selectors, services
from crm.models import Conversation, Message, Team, TeamMembership
from crm.states import IllegalTransition, State


@pytest.fixture
def commerciale(db):
    return Team.objects.create(slug="assistenza-commerciale", name="Assistenza Commerciale")


@pytest.fixture
def care(db):
    return Team.objects.create(slug="customer-care", name="Customer Care")


# --- which team gets a handoff ----------------------------------------------------------------


def test_a_web_chat_without_a_team_goes_to_the_default_chat_team(conversation, commerciale):
    assert conversation.team is None
    services.conversation_queue(conversation_id=conversation.pk, reason="asked")
    conversation.refresh_from_db()
    assert conversation.team == commerciale


def test_a_reason_may_have_its_own_team(conversation, commerciale, care, settings):
    settings.HANDOFF_TEAM_BY_REASON = {"complaint": "customer-care"}
    services.conversation_queue(conversation_id=conversation.pk, reason="complaint", priority=1)
    conversation.refresh_from_db()
    assert conversation.team == care


def test_a_conversation_keeps_the_team_it_has(customer, commerciale, care):
    conversation = services.conversation_start(channel="web", customer=customer, team=care)
    services.conversation_queue(conversation_id=conversation.pk, reason="asked")
    conversation.refresh_from_db()
    assert conversation.team == care


def test_no_default_team_configured_leaves_the_team_empty(conversation, settings):
    settings.DEFAULT_CHAT_TEAM_SLUG = ""
    services.conversation_queue(conversation_id=conversation.pk, reason="asked")
    conversation.refresh_from_db()
    assert conversation.team is None and conversation.state == State.QUEUED


def test_stepping_into_a_bot_chat_puts_it_in_the_operators_team(
    conversation, commerciale, make_operator
):
    laura = make_operator("laura")
    TeamMembership.objects.create(user=laura, team=commerciale)
    assert services.conversation_take_over(
        conversation_id=conversation.pk, operator_id=laura.pk
    ).won
    conversation.refresh_from_db()
    assert (conversation.state, conversation.team) == (State.HUMAN, commerciale)


# --- owner-only moves -------------------------------------------------------------------------


@pytest.fixture
def taken(conversation, make_operator):
    laura, paolo = make_operator("laura"), make_operator("paolo")
    services.conversation_queue(conversation_id=conversation.pk, reason="asked")
    services.conversation_take_over(conversation_id=conversation.pk, operator_id=laura.pk)
    return conversation, laura, paolo


def test_only_the_owner_writes_to_the_customer(taken):
    conversation, laura, paolo = taken
    with pytest.raises(services.NotOwner) as refused:
        services.operator_message_append(
            conversation_id=conversation.pk, operator_id=paolo.pk, text="ciao"
        )
    assert refused.value.owner == "Laura"
    written = services.operator_message_append(
        conversation_id=conversation.pk, operator_id=laura.pk, text="ciao", client_msg_id="o1"
    )
    assert (written.message.sender, written.message.author_id) == ("operator", laura.pk)


def test_nobody_writes_to_a_queued_or_bot_conversation(conversation, make_operator):
    laura = make_operator("laura")
    with pytest.raises(services.NotOwner):
        services.operator_message_append(
            conversation_id=conversation.pk, operator_id=laura.pk, text="ciao"
        )


@pytest.mark.parametrize("action", ["hand_back", "close", "transfer"])
def test_only_the_owner_hands_back_closes_or_transfers(taken, care, action):
    conversation, _, paolo = taken
    with pytest.raises(services.NotOwner):
        if action == "hand_back":
            services.conversation_hand_back(
                conversation_id=conversation.pk, by_operator_id=paolo.pk
            )
        elif action == "close":
            services.conversation_close(conversation_id=conversation.pk, by_operator_id=paolo.pk)
        else:
            services.conversation_transfer_to_team(
                conversation_id=conversation.pk, team_id=care.pk, by_operator_id=paolo.pk
            )
    conversation.refresh_from_db()
    assert conversation.state == State.HUMAN


def test_a_queued_chat_may_be_closed_by_a_team_member(conversation, make_operator):
    laura = make_operator("laura")
    services.conversation_queue(conversation_id=conversation.pk, reason="asked")
    services.conversation_close(conversation_id=conversation.pk, by_operator_id=laura.pk)
    conversation.refresh_from_db()
    assert conversation.state == State.CLOSED


def test_a_closed_conversation_still_refuses_loudly(taken):
    conversation, laura, _ = taken
    services.conversation_close(conversation_id=conversation.pk, by_operator_id=laura.pk)
    with pytest.raises(IllegalTransition):
        services.conversation_hand_back(conversation_id=conversation.pk, by_operator_id=laura.pk)


def test_transfer_to_an_operator_over_their_limit_is_refused(taken, make_operator):
    conversation, laura, paolo = taken
    paolo.operator.max_concurrent_chats = 0
    paolo.operator.save()
    with pytest.raises(services.OverLimit):
        services.conversation_transfer_to_operator(
            conversation_id=conversation.pk, operator_id=paolo.pk, by_operator_id=laura.pk
        )
    conversation.refresh_from_db()
    assert conversation.owner == laura


def test_transfer_to_an_operator_tells_the_customer_who_joined(taken):
    conversation, laura, paolo = taken
    services.conversation_transfer_to_operator(
        conversation_id=conversation.pk,
        operator_id=paolo.pk,
        by_operator_id=laura.pk,
        note="segue lui",
    )
    events = list(
        Message.objects.filter(conversation=conversation, kind="event")
        .order_by("seq")
        .values_list("payload__event", "payload__operator")
    )
    assert events[-2:] == [("operator_left", "Laura"), ("operator_joined", "Paolo")]
    assert conversation.messages.get(kind="internal_note").text == "segue lui"


# --- the console's queue ----------------------------------------------------------------------


def test_the_queue_shows_only_the_operators_teams(customer, commerciale, care, make_operator):
    laura = make_operator("laura")
    TeamMembership.objects.create(user=laura, team=commerciale)
    ours = services.conversation_start(channel="web", customer=customer)
    theirs = services.conversation_start(channel="web", customer=customer, team=care)
    for c in (ours, theirs):
        services.conversation_queue(conversation_id=c.pk, reason="asked")
    queue = selectors.console_queue(user_id=laura.pk)
    assert [c["id"] for c in queue["queued"]] == [ours.pk]


def test_chats_with_the_bot_are_listed_for_watching(customer, commerciale, make_operator):
    laura = make_operator("laura")
    TeamMembership.objects.create(user=laura, team=commerciale)
    active = services.conversation_start(channel="web", customer=customer)
    services.message_append(conversation_id=active.pk, sender="customer", text="ciao")
    services.conversation_start(channel="web", customer=customer)  # nothing said yet
    queue = selectors.console_queue(user_id=laura.pk)
    assert [c["id"] for c in queue["bot"]] == [active.pk]


# --- the timeline -----------------------------------------------------------------------------


@pytest.fixture
def history(customer, make_operator):
    """An e-mail, a chat with bot and operator parts, a phone call and an order."""
    from mail_channel.models import EmailMessage
    from shop.models import Material, Order, OrderLine, Product

    laura = make_operator("laura")
    now = timezone.now()
    ticket = services.ticket_create(customer=customer, subject="pullover", channel="email")
    type(ticket).objects.filter(pk=ticket.pk).update(created_at=now - dt.timedelta(hours=4))
    email = EmailMessage.objects.create(
        direction="in",
        mail_from=customer.email,
        subject="richiesta di informazioni",
        body_text="vorrei informazioni sui pullover in offerta",
        raw=b"...",
        customer=customer,
        ticket=ticket,
    )
    EmailMessage.objects.filter(pk=email.pk).update(received_at=now - dt.timedelta(hours=3))
    chat = services.conversation_start(channel="web", customer=customer)
    Conversation.objects.filter(pk=chat.pk).update(created_at=now - dt.timedelta(hours=2))
    services.message_append(conversation_id=chat.pk, sender="customer", text="ciao")
    services.message_append(conversation_id=chat.pk, sender="bot", text="Ciao! Sono l'assistente")
    services.conversation_queue(conversation_id=chat.pk, reason="asked")
    services.conversation_take_over(conversation_id=chat.pk, operator_id=laura.pk)
    services.operator_message_append(
        conversation_id=chat.pk, operator_id=laura.pk, text="Buongiorno, sono Laura"
    )
    services.internal_note_append(conversation_id=chat.pk, operator_id=laura.pk, text="VIP")
    note = services.phone_note_create(
        customer_id=customer.pk, operator_id=laura.pk, text="ha chiamato per la taglia"
    )
    type(note).objects.filter(pk=note.pk).update(created_at=now - dt.timedelta(hours=1))
    wool = Material.objects.create(
        code="wool", name_it="lana", name_en="wool", fibre_type="natural"
    )
    product = Product.objects.create(
        sku="PUL-W-001",
        name_it="Pullover",
        name_en="Pullover",
        category="pullover",
        audience="woman",
        material=wool,
        price="69.00",
        sizes=["M"],
        colours=["grey"],
    )
    order = Order.objects.create(
        number="A-20001",
        customer=customer,
        shipping_name="Mario Rossi",
        shipping_address="Via Roma 1",
        shipping_postcode="20121",
        shipping_city="Milano",
        payment_method="cod",
        total="69.00",
        estimated_delivery=now.date(),
        created_at=now - dt.timedelta(minutes=30),
    )
    OrderLine.objects.create(
        order=order, product=product, size="M", colour="grey", quantity=1, unit_price="69.00"
    )
    return {"chat": chat, "ticket": ticket}


def test_the_timeline_merges_every_channel_in_chronological_order(customer, history):
    items = selectors.customer_timeline(customer_id=customer.pk)
    kinds = [item.kind for item in items]
    assert kinds == ["ticket", "email", "chat", "phone", "order"]
    assert [i.at for i in items] == sorted(i.at for i in items)
    chat = items[2]
    assert [(line["sender"], line["kind"]) for line in chat.lines if line["kind"] != "event"] == [
        ("customer", "text"),
        ("bot", "text"),
        ("operator", "text"),
        ("operator", "internal_note"),
    ]
    assert "Laura" in chat.title
    order = items[-1]
    assert order.ref == "A-20001" and order.lines[0]["sku"] == "PUL-W-001"
    email = items[1]
    assert (email.direction, email.title) == ("in", "richiesta di informazioni")


def test_the_timeline_filters_by_kind(customer, history):
    items = selectors.customer_timeline(customer_id=customer.pk, kinds=["email", "order"])
    assert [item.kind for item in items] == ["email", "order"]
    assert selectors.customer_timeline(customer_id=customer.pk, kinds=["nonsense"]) == []
