"""What the benchmarks share: percentiles, best-of, and the real processes.

The processes are started with tests.processes.Service from the Procfile's commands, on
free ports, sharing the bench's scratch database (bench/run.py points SPORTELLO_VAR_DIR at
a temporary directory and loads the demo data there), as tests/stack.py does for the
integration tests. Rasa and the action server are slow to start: `bot_services()` starts
them once for every benchmark that needs them and stops them when the run ends.

Their logs go to a scratch directory under /tmp (`log_dir()`), never to var/.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import json
import logging
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from websockets.asyncio.client import ClientConnection, connect

from tests.processes import ROOT, Service, database_url_of, free_port, procfile_commands

RASA_TOKEN = "bench-rasa-token"
ACTIONS_API_TOKEN = "bench-actions-token"
WEB_APP = "config.asgi:application"
ECHO_APP = "bench.echo_asgi:application"  # the websocket benchmarks' baseline

# This process logs at INFO (config.settings); a line per HTTP call or SMTP command of the
# benchmarks' clients and sink would bury the results.
for _chatty in ("httpx", "mail.log"):
    logging.getLogger(_chatty).setLevel(logging.WARNING)


# --- statistics ---------------------------------------------------------------------------


def percentile(values: Iterable[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def best_of(rounds: int, work: Callable[[], Any]) -> float:
    """Best of a few runs, in ms: what the work costs, not what a busy scheduler adds."""
    runs = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        runs.append(time.perf_counter() - started)
    return min(runs) * 1000


def ratio(value: float, baseline: float) -> float | None:
    return round(value / baseline, 2) if baseline else None


def ratio_text(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}×" if baseline else "n/a"


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


# --- processes ----------------------------------------------------------------------------


@functools.cache
def log_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="sportello-bench-logs-"))


def service(name: str, env: dict[str, str], *, command: str | None = None) -> Service:
    """A tests.processes.Service whose log is in the bench's scratch log directory."""
    started = Service(name, env, command=command)
    started.log_path = log_dir() / f"{name}.log"
    return started


def database_url() -> str:
    """The bench's scratch database, for the child processes (as tests/stack.py does)."""
    return database_url_of(connection.settings_dict)


def database_label() -> str:
    vendor = connection.vendor
    return "SQLite" if vendor == "sqlite" else "PostgreSQL" if vendor == "postgresql" else vendor


def channel_layer_label() -> str:
    return "Redis channel layer" if os.environ.get("REDIS_URL") else "in-memory channel layer"


def open_files_limit(wanted: int) -> int:
    """Raise this process's RLIMIT_NOFILE towards `wanted` (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc/<pid>/status (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, from /proc/<pid>/stat (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


@dataclass
class BotServices:
    """Rasa (the trained model) and the action server. The actions call the web's internal
    API at `web_port`: a benchmark that needs the bot starts its web process there."""

    web_port: int
    rasa_url: str
    actions_url: str
    bot: Service
    actions: Service

    def stop(self) -> None:
        self.bot.stop()
        self.actions.stop()


_bot_services: BotServices | None = None


def bot_services() -> BotServices:
    """Started on first use, shared by the benchmarks of this run, stopped at exit."""
    global _bot_services
    if _bot_services is not None:
        return _bot_services
    assert (ROOT / "bot/models/sportello.tar.gz").exists(), "run `make model` first"
    web_port, rasa_port, actions_port = free_port(), free_port(), free_port()
    env = {
        "WEB_PORT": str(web_port),
        "RASA_PORT": str(rasa_port),
        "ACTIONS_PORT": str(actions_port),
        "RASA_TOKEN": RASA_TOKEN,
        "ACTIONS_API_TOKEN": ACTIONS_API_TOKEN,
        "ACTIONS_URL": f"http://127.0.0.1:{actions_port}",
    }
    services = BotServices(
        web_port=web_port,
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        actions_url=env["ACTIONS_URL"],
        actions=service("actions", env).start(),
        bot=service("bot", env).start(),
    )
    atexit.register(services.stop)
    try:
        services.actions.wait_for_http(f"{services.actions_url}/health", timeout_seconds=60)
        services.bot.wait_for_http(
            f"{services.rasa_url}/status?token={RASA_TOKEN}", timeout_seconds=180
        )
    except BaseException:
        services.stop()
        raise
    _bot_services = services
    return services


@dataclass
class Web:
    """One daphne process: the web (`WEB_APP`) or the bare echo (`ECHO_APP`)."""

    url: str
    port: int
    service: Service

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://")

    @property
    def pid(self) -> int:
        """daphne's own pid (the command execs it: the Service's process is daphne)."""
        assert self.service.process is not None
        return self.service.process.pid

    def rss_kib(self) -> int:
        return rss_kib(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self) -> None:
        self.service.stop()


def start_web(
    *,
    name: str = "web",
    app: str = WEB_APP,
    port: int | None = None,
    bot: BotServices | None = None,
    open_files: int | None = None,
    env: dict[str, str] | None = None,
) -> Web:
    """The Procfile's web command (daphne) on a free port, sharing the scratch database;
    `app` swaps the ASGI application (the echo baseline runs under the same command),
    `open_files` raises its file-descriptor limit."""
    port = port or (bot.web_port if bot else free_port())
    command = procfile_commands()["web"]
    assert WEB_APP in command, command
    command = command.replace(WEB_APP, app)
    # `exec`: the Service's process is daphne itself, so its pid is the one to measure.
    command = f"ulimit -n {open_files}; exec {command}" if open_files else f"exec {command}"
    url = f"http://127.0.0.1:{port}"
    web_env = {
        "WEB_PORT": str(port),
        "DATABASE_URL": database_url(),
        "PUBLIC_BASE_URL": url,
        "RASA_TOKEN": RASA_TOKEN,
        "ACTIONS_API_TOKEN": ACTIONS_API_TOKEN,
        **(env or {}),
    }
    if bot is not None:
        web_env.update(RASA_URL=bot.rasa_url, ACTIONS_URL=bot.actions_url)
    web = Web(url=url, port=port, service=service(name, web_env, command=command).start())
    try:
        web.service.wait_for_port(port, timeout_seconds=60)
    except BaseException:
        web.stop()
        raise
    return web


# --- customers and operators --------------------------------------------------------------


def customer_sessions(count: int, *, language: str = "it") -> list[tuple[int, str]]:
    """`count` new web conversations, as (conversation id, visitor token): what the widget's
    session call returns, made in this process (setup, not measured)."""
    from webchat import services

    with transaction.atomic():
        sessions = [services.session_open(language=language) for _ in range(count)]
    return [(s.conversation.pk, s.token) for s in sessions]


def bench_operators(count: int, *, team_slug: str = "assistenza-commerciale") -> list[Any]:
    """`count` operators (role operator_l1, members of `team_slug`) in the scratch database."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from crm import roles
    from crm.models import OperatorProfile, Team, TeamMembership

    team = Team.objects.get(slug=team_slug)
    group = Group.objects.get(name=roles.OPERATOR_L1)
    users = []
    with transaction.atomic():
        for number in range(1, count + 1):
            user, _ = get_user_model().objects.get_or_create(
                username=f"bench-operator-{number}", defaults={"first_name": f"Bench {number}"}
            )
            user.groups.add(group)
            OperatorProfile.objects.update_or_create(
                user=user, defaults={"display_name": f"Bench {number}", "presence": "online"}
            )
            TeamMembership.objects.get_or_create(team=team, user=user)
            users.append(user)
    return users


def console_cookie(user: Any) -> str:
    """A Django session for `user`, as the console's Cookie header (the login page's result)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def ws_connect(url: str, *, origin: str, cookie: str | None = None) -> ClientConnection:
    """A websocket client as a browser opens it (no compression: daphne does not offer it);
    keepalive is left to the server's pings."""
    return await connect(
        url,
        origin=origin,
        additional_headers={"Cookie": cookie} if cookie else None,
        compression=None,
        proxy=None,
        ping_interval=None,
        open_timeout=30,
        max_queue=None,
    )


async def open_customer(web: Web, token: str) -> ClientConnection:
    """The widget's opening: connect, `welcome`, `resume` from 0."""
    socket = await ws_connect(f"{web.ws_url}/ws/webchat/?token={token}", origin=web.url)
    welcome = json.loads(await socket.recv())
    if welcome.get("type") != "welcome":
        raise RuntimeError(f"expected welcome, got {welcome}")
    await socket.send(json.dumps({"type": "resume", "last_seq": 0}))
    return socket


async def open_many(opener: Callable[[int], Any], count: int, *, at_once: int = 64) -> list:
    """`count` sockets from `opener(i)`, at most `at_once` handshakes in flight."""
    limit = asyncio.Semaphore(at_once)

    async def one(index: int):
        async with limit:
            return await opener(index)

    return list(await asyncio.gather(*(one(i) for i in range(count))))


async def close_all(sockets: Iterable[ClientConnection]) -> None:
    await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
