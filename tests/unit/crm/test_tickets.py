"""Request numbers: six digits, unique, readable on the phone."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from crm import services
from crm.models import Ticket


def test_a_ticket_gets_a_six_digit_request_number(customer):
    ticket = services.ticket_create(customer=customer, subject="pullover", channel="email")
    assert len(ticket.number) == 6 and ticket.number.isdigit() and ticket.number[0] != "0"


def test_the_database_refuses_a_duplicate_request_number(customer):
    Ticket.objects.create(number="123455", subject="a", customer=customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(number="123455", subject="b", customer=customer)


def test_the_database_refuses_a_number_that_is_not_six_digits(customer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(number="12A45", subject="b", customer=customer)


def test_a_colliding_number_is_drawn_again(customer, monkeypatch):
    Ticket.objects.create(number="123455", subject="taken", customer=customer)
    draws = iter(["123455", "123455", "654321"])
    monkeypatch.setattr(services, "request_number_generate", lambda: next(draws))
    ticket = services.ticket_create(customer=customer, subject="new", channel="email")
    assert ticket.number == "654321"
    assert Ticket.objects.count() == 2


def test_many_tickets_have_distinct_numbers(customer):
    numbers = {
        services.ticket_create(customer=customer, subject=f"t{i}", channel="web").number
        for i in range(200)
    }
    assert len(numbers) == 200
