"""Markers from the folder (unit / integration / e2e) and fixtures shared by all."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

pytest_plugins = ["tests.stack"]

# The test process imports config.asgi for the consumers' tests: no KB warm-up thread there
# (tests.processes.Service takes it out again for the real web processes tests start).
os.environ["SPORTELLO_SKIP_WARM_UP"] = "1"

TESTS_DIR = Path(__file__).parent


KIND_ORDER = {"unit": 0, "integration": 1, "e2e": 2}


def _kind(item: pytest.Item) -> str:
    relative = Path(item.fspath).resolve().relative_to(TESTS_DIR)
    if relative.parts[0] == "dialogues":  # the dialogue suite runs on the real stack
        return "integration" if relative.name == "test_dialogues.py" else "unit"
    return relative.parts[0] if len(relative.parts) > 1 else "unit"


def pytest_configure(config: pytest.Config) -> None:
    _retry_flush_on_deadlock()


def _retry_flush_on_deadlock() -> None:
    """A transactional test's teardown empties the tables (TRUNCATE on PostgreSQL) while the
    stack's daphne may still be finishing the test's last message (a browser socket closes
    after the flush starts). PostgreSQL then breaks the deadlock by failing the TRUNCATE;
    trying again a moment later succeeds. Only deadlocks are retried."""
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def teardown(self) -> None:
        for attempt in range(5):
            try:
                return original(self)
            except Exception as exc:
                causes = f"{exc} {exc.__cause__} {exc.__context__}"
                if "deadlock detected" not in causes or attempt == 4:
                    raise
                time.sleep(0.5 * (attempt + 1))

    TransactionTestCase._fixture_teardown = teardown


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


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each async test runs in its own event loop; channels_redis keeps locks and pools per
    layer instance, so a layer built in another test's loop must not be reused (it failed
    with "Lock ... is bound to a different event loop", or hung at teardown)."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
