"""The real stack for integration and browser tests: actions, Rasa (trained model), daphne.

A pytest plugin (tests/conftest.py loads it).
`stack`: started once per test session from the Procfile's commands, on free ports, sharing
the test database with the test process (tests use transaction=True so rows are
committed and visible to daphne).
`site`: `make run` itself, on its own embedded default, for the quick start and the
reference scenario.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.mailbox import Sink
from tests.processes import LOG_DIR, ROOT, Service, database_url_of, free_port

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


# --- `make run` as a newcomer types it ------------------------------------------------------

# Exported by an outer `make test`; `make run` must derive them from the ports given here.
INHERITED_BY_MAKE = (
    "RASA_URL",
    "ACTIONS_URL",
    "PUBLIC_BASE_URL",
    "RASA_TOKEN",
    "ACTIONS_API_TOKEN",
)
# The test process's own configuration, which a fresh `make run` does not have.
TEST_ONLY = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")


@dataclass
class Site:
    """The whole product started by `make run` on the embedded default (SQLite in a scratch
    var/ directory, the in-memory channel layer): web, bot, actions and the mail gateway."""

    url: str
    mail_port: int
    outbox: Sink  # the outbound SMTP relay of web and mail
    var_dir: Path
    service: Service  # `make run`; its log is what it printed

    def printed(self) -> str:
        return self.service.log_path.read_text(errors="replace")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    outbox = Sink(free_port())
    outbox.controller.start()
    ports = {name: free_port() for name in ("WEB", "RASA", "ACTIONS", "MAIL_GATEWAY")}
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_BY_MAKE + TEST_ONLY}
    env.update({f"{name}_PORT": str(port) for name, port in ports.items()})
    var_dir = tmp_path_factory.mktemp("make-run-var")
    env.update(SPORTELLO_VAR_DIR=str(var_dir), EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(outbox.port))
    (LOG_DIR / "make-run.log").unlink(missing_ok=True)
    service = Service("make-run", env, command="exec make run", inherit=False).start()
    url = f"http://127.0.0.1:{ports['WEB']}"
    try:
        # Green /healthz: database, channel layer, Rasa with its model, and the actions.
        service.wait_for_http(f"{url}/healthz", timeout_seconds=420)
        service.wait_for_port(ports["MAIL_GATEWAY"], timeout_seconds=60)
        yield Site(
            url=url,
            mail_port=ports["MAIL_GATEWAY"],
            outbox=outbox,
            var_dir=var_dir,
            service=service,
        )
    finally:
        service.stop(grace_seconds=30)  # honcho stops every process it started
        outbox.controller.stop()
