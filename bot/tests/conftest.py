"""Bot-side tests (bot environment): the actions against a real test web server."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the `actions` package lives at the repository root
WEB_PYTHON = ROOT / ".venvs/web/bin/python"
TOKEN = "bot-tests-actions-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class WebServer:
    url: str
    mario_id: str  # the demo's Mario Rossi, read from the server's database


@pytest.fixture(scope="session")
def web_server(tmp_path_factory) -> WebServer:
    """daphne from the web environment, on a fresh SQLite database with the demo data."""
    var_dir = tmp_path_factory.mktemp("web")
    port = _free_port()
    env = {
        **os.environ,
        "SPORTELLO_VAR_DIR": str(var_dir),
        "ACTIONS_API_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    for command in (["migrate", "-v0"], ["load_demo"]):
        subprocess.run(
            [WEB_PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    log = (var_dir / "daphne.log").open("wb")
    process = subprocess.Popen(
        [
            ROOT / ".venvs/web/bin/daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            break
        except OSError as exc:
            if getattr(exc, "code", None):  # any HTTP answer means daphne is up
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError((var_dir / "daphne.log").read_text()) from exc
            time.sleep(0.3)
    os.environ["WEB_INTERNAL_URL"] = url
    os.environ["ACTIONS_API_TOKEN"] = TOKEN
    with sqlite3.connect(var_dir / "sportello.sqlite3") as db:
        (mario_id,) = db.execute(
            "SELECT id FROM crm_customer WHERE email = 'mario.rossi@example.it' AND verified"
        ).fetchone()
    yield WebServer(url=url, mario_id=str(mario_id))
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=15)


@pytest.fixture(scope="session")
def tokenizer():
    """The bot's own tokenizer (bot/components), as the trained model runs it."""
    from components.bilingual_tokenizer import BilingualSpacyTokenizer

    config = BilingualSpacyTokenizer.get_default_config()
    return BilingualSpacyTokenizer.create(config, None, None, None)
