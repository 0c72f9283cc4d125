"""Markers from the folder (unit / integration / e2e) and fixtures shared by all."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.stack"]

TESTS_DIR = Path(__file__).parent


KIND_ORDER = {"unit": 0, "integration": 1, "e2e": 2}


def _kind(item: pytest.Item) -> str:
    relative = Path(item.fspath).resolve().relative_to(TESTS_DIR)
    return relative.parts[0] if len(relative.parts) > 1 else "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        kind = _kind(item)
        if kind in KIND_ORDER:
            item.add_marker(getattr(pytest.mark, kind))
    # Fast tests first; browsers last: Playwright's sync API keeps an event loop running in
    # this thread until the session ends, and async tests cannot run after it has started.
    items.sort(key=lambda item: KIND_ORDER.get(_kind(item), 0))


@pytest.fixture
def customer(db):
    from crm.models import Customer

    return Customer.objects.create(
        salutation="mr", first_name="Mario", last_name="Rossi", email="mario.rossi@example.it"
    )


@pytest.fixture
def conversation(customer):
    from crm import services

    return services.conversation_start(channel="web", customer=customer)


@pytest.fixture
def make_operator(db):
    from django.contrib.auth import get_user_model

    from crm.models import OperatorProfile

    def make(username: str):
        user = get_user_model().objects.create_user(username=username, password="x" * 12)
        OperatorProfile.objects.create(user=user, display_name=username.capitalize())
        return user

    return make


@pytest.fixture
def demo(db, tmp_path, settings):
    """The demo shop (products, offers, customers, operators, orders)."""
    from shop.demo import load_demo

    settings.MEDIA_ROOT = tmp_path
    return load_demo()
