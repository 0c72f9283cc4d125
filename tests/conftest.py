"""Markers from the folder (unit / integration / e2e) and fixtures shared by all."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.stack"]

TESTS_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        relative = Path(item.fspath).resolve().relative_to(TESTS_DIR)
        kind = relative.parts[0] if len(relative.parts) > 1 else "unit"
        if kind in ("unit", "integration", "e2e"):
            item.add_marker(getattr(pytest.mark, kind))


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
