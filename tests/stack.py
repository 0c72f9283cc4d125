"""The real stack for integration and browser tests: actions, Rasa (trained model), daphne.

A pytest plugin (tests/conftest.py loads it).
Started once per test session from the Procfile's commands, on free ports, sharing
the test database with the test process (tests use transaction=True so rows are
committed and visible to daphne).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection

from tests.processes import ROOT, Service, database_url_of, free_port

RASA_TOKEN = "integration-rasa-token"
ACTIONS_API_TOKEN = "integration-actions-token"


@dataclass(frozen=True)
class Ports:
    web: int
    rasa: int
    actions: int


@pytest.fixture(scope="session")
def ports() -> Ports:
    return Ports(web=free_port(), rasa=free_port(), actions=free_port())


@dataclass
class BotServices:
    rasa_url: str
    actions_url: str
    bot: Service
    actions: Service


@dataclass
class Stack:
    web_url: str
    bot: BotServices
    web: Service


@pytest.fixture(scope="session")
def bot_services(ports: Ports) -> Iterator[BotServices]:
    """Rasa and the action server: slow to start, shared by the whole session."""
    assert (ROOT / "bot/models/sportello.tar.gz").exists(), "run `make model` first"
    env = {
        "WEB_PORT": str(ports.web),  # the actions call the web's internal API
        "RASA_PORT": str(ports.rasa),
        "ACTIONS_PORT": str(ports.actions),
        "RASA_TOKEN": RASA_TOKEN,
        "ACTIONS_API_TOKEN": ACTIONS_API_TOKEN,
        "ACTIONS_URL": f"http://127.0.0.1:{ports.actions}",
    }
    services = BotServices(
        rasa_url=f"http://127.0.0.1:{ports.rasa}",
        actions_url=env["ACTIONS_URL"],
        actions=Service("actions", env).start(),
        bot=Service("bot", env).start(),
    )
    try:
        services.actions.wait_for_http(f"{services.actions_url}/health", timeout_seconds=60)
        services.bot.wait_for_http(
            f"{services.rasa_url}/status?token={RASA_TOKEN}", timeout_seconds=180
        )
        yield services
    finally:
        services.bot.stop()
        services.actions.stop()


@pytest.fixture(scope="session")
def stack(
    django_db_setup, django_db_blocker, ports: Ports, bot_services: BotServices
) -> Iterator[Stack]:
    web_port = ports.web
    with django_db_blocker.unblock():
        database_url = database_url_of(connection.settings_dict)
    web = Service(
        "web",
        {
            "WEB_PORT": str(web_port),
            "DATABASE_URL": database_url,
            "RASA_URL": bot_services.rasa_url,
            "RASA_TOKEN": RASA_TOKEN,
            "ACTIONS_URL": bot_services.actions_url,
            "ACTIONS_API_TOKEN": ACTIONS_API_TOKEN,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
        },
    ).start()
    try:
        web.wait_for_port(web_port, timeout_seconds=60)
        yield Stack(web_url=f"http://127.0.0.1:{web_port}", bot=bot_services, web=web)
    finally:
        web.stop()
