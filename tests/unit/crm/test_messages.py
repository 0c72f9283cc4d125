"""Sequence numbers and client message ids: the guarantees replay relies on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from crm import services
from crm.models import Message


def append_in_thread(conversation_id: int, text: str, client_msg_id: str | None = None):
    try:
        return services.message_append(
            conversation_id=conversation_id,
            sender=Message.Sender.CUSTOMER,
            text=text,
            client_msg_id=client_msg_id,
        )
    finally:
        connection.close()  # each worker thread has its own connection


def test_messages_are_numbered_one_two_three(conversation):
    seqs = [
        services.message_append(
            conversation_id=conversation.pk, sender="customer", text=t
        ).message.seq
        for t in ("a", "b", "c")
    ]
    assert seqs == [1, 2, 3]


def test_numbering_is_per_conversation(conversation, customer):
    other = services.conversation_start(channel="web", customer=customer)
    services.message_append(conversation_id=conversation.pk, sender="customer", text="a")
    first_of_other = services.message_append(conversation_id=other.pk, sender="bot", text="b")
    assert first_of_other.message.seq == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_inserts_into_one_conversation_never_share_a_number(customer):
    conversation = services.conversation_start(channel="web", customer=customer)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: append_in_thread(conversation.pk, f"m{i}"), range(60)))
    seqs = sorted(r.message.seq for r in results)
    assert seqs == list(range(1, 61))
    assert Message.objects.filter(conversation=conversation).count() == 60


def test_resending_a_client_message_id_returns_the_original(conversation):
    first = services.message_append(
        conversation_id=conversation.pk, sender="customer", text="ciao", client_msg_id="c-1"
    )
    again = services.message_append(
        conversation_id=conversation.pk, sender="customer", text="ciao", client_msg_id="c-1"
    )
    assert first.created and not again.created
    assert again.message.pk == first.message.pk and again.message.seq == first.message.seq
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_the_same_client_id_in_another_conversation_is_a_new_message(conversation, customer):
    other = services.conversation_start(channel="web", customer=customer)
    services.message_append(
        conversation_id=conversation.pk, sender="customer", text="a", client_msg_id="c-1"
    )
    assert services.message_append(
        conversation_id=other.pk, sender="customer", text="a", client_msg_id="c-1"
    ).created


@pytest.mark.django_db(transaction=True)
def test_concurrent_resends_of_one_client_id_store_one_message(customer):
    conversation = services.conversation_start(channel="web", customer=customer)
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(
            pool.map(lambda _: append_in_thread(conversation.pk, "ciao", "dup-1"), range(12))
        )
    assert len({r.message.pk for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert Message.objects.filter(conversation=conversation).count() == 1
    # the counter did not move for the resends that lost the race
    conversation.refresh_from_db()
    assert conversation.last_seq == 1


def test_appending_to_a_missing_conversation_fails_clearly(db):
    from crm.models import Conversation

    with pytest.raises(Conversation.DoesNotExist, match="conversation 999999 does not exist"):
        services.message_append(conversation_id=999_999, sender="customer", text="x")


def test_an_unknown_sender_is_refused_and_nothing_is_stored(conversation):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.message_append(conversation_id=conversation.pk, sender="martian", text="x")
    conversation.refresh_from_db()
    assert conversation.last_seq == 0 and not conversation.messages.exists()
