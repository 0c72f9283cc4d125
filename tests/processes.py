"""Start the real Sportello processes for integration and browser tests.

The commands are read from the Procfile, so the tests run what `make run` runs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
# Parallel test runs each set their own SPORTELLO_VAR_DIR; their logs follow it.
VAR_DIR = Path(os.environ.get("SPORTELLO_VAR_DIR") or ROOT / "var")
LOG_DIR = VAR_DIR / "test-logs"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_commands() -> dict[str, str]:
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            commands[name.strip()] = command.strip()
    return commands


class Service:
    """One Procfile process (or `command`) in its own process group, output in
    var/test-logs/. `env` is added to this process's environment, or replaces it with
    `inherit=False`."""

    def __init__(
        self,
        name: str,
        env: Mapping[str, str],
        *,
        command: str | None = None,
        inherit: bool = True,
    ) -> None:
        self.name = name
        self.env = {**os.environ, **env} if inherit else dict(env)
        if "SPORTELLO_SKIP_WARM_UP" not in env:
            self.env.pop("SPORTELLO_SKIP_WARM_UP", None)  # only the test process skips it
        self.command = command or procfile_commands()[name]
        self.process: subprocess.Popen | None = None
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{name}.log"

    def start(self) -> Service:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            ["bash", "-c", self.command],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def stop(self, *, grace_seconds: float = 15) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def wait_for_http(self, url: str, *, timeout_seconds: float, expect_status: int = 200) -> None:
        deadline = time.monotonic() + timeout_seconds
        last_error = ""
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                response = httpx.get(url, timeout=2)
                if response.status_code == expect_status:
                    return
                last_error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                last_error = repr(exc)
            time.sleep(0.3)
        raise TimeoutError(f"{self.name}: {url} not ready ({last_error}):\n{self.log_tail()}")

    def wait_for_port(self, port: int, *, timeout_seconds: float) -> None:
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.2)
        raise TimeoutError(f"{self.name}: port {port} not open:\n{self.log_tail()}")


def database_url_of(settings_dict: Mapping) -> str:
    """The DATABASE_URL a child process needs to share the test database."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"
