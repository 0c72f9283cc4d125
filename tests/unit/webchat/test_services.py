"""Sessions, identity, entry links and the one place bot output becomes messages."""

from __future__ import annotations

import pytest

from crm import services as crm_services
from crm.models import Customer, Message
from crm.states import State
from webchat import services


def test_a_new_visitor_gets_a_new_conversation_in_the_bot_state(db):
    opened = services.session_open(language="en")
    assert opened.conversation.state == State.BOT
    assert opened.conversation.language == "en" and opened.conversation.customer is None
    assert services.visitor_token_read(opened.token) == opened.conversation.pk


def test_a_returning_visitor_resumes_the_open_conversation(db):
    first = services.session_open()
    again = services.session_open(token=first.token)
    assert again.conversation.pk == first.conversation.pk


def test_a_closed_conversation_is_not_resumed(db):
    first = services.session_open()
    crm_services.conversation_close(conversation_id=first.conversation.pk)
    assert services.session_open(token=first.token).conversation.pk != first.conversation.pk


def test_a_stale_or_forged_token_starts_afresh_instead_of_failing(db):
    assert services.session_open(token="forged").conversation.pk


def test_a_signed_identity_links_the_customer(customer):
    signature = services.identity_signature(customer_id=customer.pk)
    opened = services.session_open(identity={"customer_id": customer.pk, "signature": signature})
    assert opened.conversation.customer == customer


@pytest.mark.parametrize(
    "identity",
    [
        {"customer_id": 1, "signature": "0" * 64},
        {"customer_id": "1; drop", "signature": "x"},
        {"customer_id": 1},
        {"email": "mario.rossi@example.it"},  # a typed e-mail address is never identity
    ],
)
def test_an_unsigned_or_wrongly_signed_identity_is_refused(customer, identity):
    with pytest.raises(services.BadIdentity):
        services.session_open(identity=identity)


def test_an_identity_for_another_customer_does_not_resume_a_linked_chat(customer):
    first = services.session_open(
        identity={
            "customer_id": customer.pk,
            "signature": services.identity_signature(customer_id=customer.pk),
        }
    )
    anna = Customer.objects.create(first_name="Anna", last_name="Verdi")
    second = services.session_open(
        token=first.token,
        identity={
            "customer_id": anna.pk,
            "signature": services.identity_signature(customer_id=anna.pk),
        },
    )
    assert second.conversation.pk != first.conversation.pk
    assert second.conversation.customer == anna


def test_an_entry_link_links_customer_and_ticket(customer):
    ticket = crm_services.ticket_create(customer=customer, subject="pullover", channel="email")
    opened = services.session_open(entry=services.entry_token_make(ticket=ticket))
    assert (opened.conversation.customer, opened.conversation.ticket) == (customer, ticket)


def test_a_forged_entry_link_is_refused(db):
    with pytest.raises(services.InvalidToken):
        services.session_open(entry="not-a-real-link")


def test_bot_text_and_buttons_become_stored_messages(conversation):
    stored = services.bot_responses_store(
        conversation_id=conversation.pk,
        responses=[
            {"recipient_id": "x", "text": "Ciao!"},
            {
                "recipient_id": "x",
                "text": "Cosa cerchi?",
                "buttons": [{"title": "Offerte", "payload": "/ask_offers"}, {"title": "x"}],
            },
            {
                "recipient_id": "x",
                "custom": {"type": "catalog", "text": "Ecco", "products": [{"sku": "P1"}]},
            },
        ],
    )
    assert [(m.seq, m.kind, m.text) for m in stored] == [
        (1, "text", "Ciao!"),
        (2, "buttons", "Cosa cerchi?"),
        (3, "catalog", "Ecco"),
    ]
    assert stored[1].payload == {"buttons": [{"title": "Offerte", "payload": "/ask_offers"}]}
    assert stored[2].payload == {"products": [{"sku": "P1"}]}


def test_a_handoff_payload_queues_the_conversation_with_its_context(conversation):
    services.bot_responses_store(
        conversation_id=conversation.pk,
        responses=[
            {"text": "Ti passo a un collega."},
            {
                "custom": {
                    "type": "handoff",
                    "reason": "complaint",
                    "context": {"kb_path": ["returns"]},
                }
            },
        ],
    )
    conversation.refresh_from_db()
    assert conversation.state == State.QUEUED
    assert conversation.handoff_reason == "complaint" and conversation.priority == 1
    assert conversation.handoff_context == {"kb_path": ["returns"]}


def test_bot_output_after_a_take_over_is_dropped(conversation, make_operator):
    laura = make_operator("laura")
    crm_services.conversation_take_over(conversation_id=conversation.pk, operator_id=laura.pk)
    stored = services.bot_responses_store(
        conversation_id=conversation.pk, responses=[{"text": "late bot answer"}]
    )
    assert stored == []
    assert not Message.objects.filter(conversation=conversation, sender="bot").exists()


def test_nothing_goes_to_the_bot_while_queued_or_human(conversation, make_operator):
    first = services.customer_message_receive(
        conversation_id=conversation.pk, text="ciao", client_msg_id="a"
    )
    assert first.forward_to_bot
    crm_services.conversation_queue(conversation_id=conversation.pk, reason="asked")
    queued = services.customer_message_receive(
        conversation_id=conversation.pk, text="ci sei?", client_msg_id="b"
    )
    crm_services.conversation_take_over(
        conversation_id=conversation.pk, operator_id=make_operator("laura").pk
    )
    human = services.customer_message_receive(
        conversation_id=conversation.pk, text="grazie", client_msg_id="c"
    )
    assert not queued.forward_to_bot and not human.forward_to_bot


def test_a_resent_message_is_not_sent_to_the_bot_twice(conversation):
    services.customer_message_receive(conversation_id=conversation.pk, text="x", client_msg_id="a")
    again = services.customer_message_receive(
        conversation_id=conversation.pk, text="x", client_msg_id="a"
    )
    assert not again.created and not again.forward_to_bot


def test_an_entry_links_opening_is_claimed_once(customer):
    ticket = crm_services.ticket_create(customer=customer, subject="pullover", channel="email")
    ticket.context = {"intent": "ask_offers", "topic": "offers"}
    ticket.save()
    opened = services.session_open(entry=services.entry_token_make(ticket=ticket))
    conversation_id = opened.conversation.pk
    first = services.entry_opening_claim(conversation_id=conversation_id)
    assert first == services.ENTRY_OPENINGS["ask_offers"]
    assert services.entry_opening_claim(conversation_id=conversation_id) is None
    # A plain chat has nothing to pick up.
    plain = services.session_open(language="it").conversation.pk
    assert services.entry_opening_claim(conversation_id=plain) is None
