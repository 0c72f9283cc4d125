"""5,000 idle customer sockets on one web process: all connected, all still open and
answering at the end, and the memory they cost (RSS of the daphne process before and
after), against the same number of idle sockets on the bare echo server (bench/echo_asgi.py
under the same daphne command) in the same run.

Each customer socket is opened as the widget opens it (`welcome`, then `resume`), then left
idle for `HOLD_SECONDS`, longer than daphne's keepalive ping interval (20 s). At the end
every socket must answer a `ping` frame with `pong` (the echo: its frame back), which shows
the server still holds it, not only the client.

Target (ARCHITECTURE §9): 5,000 idle customer sockets per web process, memory reported.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from bench import common

SOCKETS = 5000
HOLD_SECONDS = 22  # past daphne's keepalive ping interval (20 s)
WARMUP_SOCKETS = 20
CONNECTING_AT_ONCE = 100
ANSWER_TIMEOUT_SECONDS = 60


async def _answers(socket: Any, frame: str, expected_type: str | None) -> bool:
    """The socket answers `frame`: with a frame of `expected_type`, or (echo) with itself."""
    try:
        await socket.send(frame)
        while True:
            answer = await socket.recv()
            if expected_type is None:
                return answer == frame
            if json.loads(answer).get("type") == expected_type:
                return True
    except Exception:  # closed or broken: not held
        return False


@dataclass
class Held:
    server: common.Web
    sockets: list[Any]
    rss_before_kib: int
    connect_seconds: float
    connect_cpu_seconds: float  # the server's CPU time while they were being opened


async def _open(server: common.Web, opener) -> Held:
    """SOCKETS sockets on `server` from `opener(i)`; the warm-up ones (imports, the first
    database connection) from `opener(SOCKETS + i)`, closed before the `before` figure."""
    warmup = await common.open_many(lambda i: opener(SOCKETS + i), WARMUP_SOCKETS)
    await common.close_all(warmup)
    await asyncio.sleep(1)
    rss_before = server.rss_kib()
    started, cpu_before = time.monotonic(), server.cpu_seconds()
    results = await common.open_many(
        lambda i: _safely(opener(i)), SOCKETS, at_once=CONNECTING_AT_ONCE
    )
    return Held(
        server=server,
        sockets=[s for s in results if s is not None],
        rss_before_kib=rss_before,
        connect_seconds=time.monotonic() - started,
        connect_cpu_seconds=server.cpu_seconds() - cpu_before,
    )


async def _check(held: Held, *, ping: str, pong: str | None) -> dict[str, Any]:
    """Memory and descriptors now, then: is every socket still open, and does it answer?"""
    rss_after = held.server.rss_kib()
    fds = common.open_fds(held.server.pid)
    still_open = sum(1 for s in held.sockets if s.state.name == "OPEN")
    async with asyncio.timeout(ANSWER_TIMEOUT_SECONDS):
        answered = sum(await asyncio.gather(*(_answers(s, ping, pong) for s in held.sockets)))
    return {
        "connected": len(held.sockets),
        "open_at_end": still_open,
        "answered_at_end": answered,
        "connect_seconds": round(held.connect_seconds, 1),
        "cpu_ms_per_connect": round(held.connect_cpu_seconds * 1000 / max(len(held.sockets), 1), 2),
        "rss_before_kib": held.rss_before_kib,
        "rss_after_kib": rss_after,
        "per_socket_kib": round((rss_after - held.rss_before_kib) / max(len(held.sockets), 1), 1),
        "open_fds": fds,
    }


async def _safely(opening) -> Any:
    try:
        return await opening
    except Exception:
        return None


async def _measure(web: common.Web, echo: common.Web, tokens: list[str]) -> tuple[dict, dict]:
    # The echo's sockets are opened first and stay open (idle) while the web's are opened:
    # both are then held at least HOLD_SECONDS, and the run is shorter.
    on_echo = await _open(echo, lambda i: common.ws_connect(f"{echo.ws_url}/", origin=echo.url))
    on_web = await _open(web, lambda i: common.open_customer(web, tokens[i]))
    await asyncio.sleep(HOLD_SECONDS)
    try:
        return (
            await _check(on_web, ping=json.dumps({"type": "ping"}), pong="pong"),
            await _check(on_echo, ping="ping", pong=None),
        )
    finally:
        await common.close_all([*on_web.sockets, *on_echo.sockets])


def run() -> dict[str, Any]:
    from django.db import connection

    # This process holds both servers' sockets at once; each server one set.
    open_files = common.open_files_limit(2 * SOCKETS + 2000)
    assert open_files >= 2 * SOCKETS + 100, f"RLIMIT_NOFILE is {open_files}: too low"
    tokens = [token for _, token in common.customer_sessions(SOCKETS + WARMUP_SOCKETS)]
    connection.close()
    web = common.start_web(open_files=open_files)
    echo = common.start_web(name="echo", app=common.ECHO_APP, open_files=open_files)
    try:
        on_web, on_echo = asyncio.run(_measure(web, echo, tokens))
    finally:
        web.stop()
        echo.stop()
    held = on_web["connected"] == on_web["open_at_end"] == on_web["answered_at_end"] == SOCKETS
    per_socket, echo_per_socket = on_web["per_socket_kib"], on_echo["per_socket_kib"]
    grown_mib = (on_web["rss_after_kib"] - on_web["rss_before_kib"]) / 1024
    echo_grown_mib = (on_echo["rss_after_kib"] - on_echo["rss_before_kib"]) / 1024
    return {
        "name": "idle_sockets",
        "sockets": SOCKETS,
        "hold_seconds": HOLD_SECONDS,
        **{f"web_{key}": value for key, value in on_web.items()},
        "baseline": "the same idle sockets on a bare websocket echo under the same daphne command",
        **{f"echo_{key}": value for key, value in on_echo.items()},
        "ratio_per_socket": common.ratio(per_socket, echo_per_socket),
        "database": common.database_label(),
        "channel_layer": common.channel_layer_label(),
        "meets_target": held,
        "row": {
            "benchmark": f"{SOCKETS:,} idle customer sockets, one web process",
            "result": (
                f"{on_web['answered_at_end']:,} of {SOCKETS:,} held and answering after "
                f"{HOLD_SECONDS} s; RSS {on_web['rss_before_kib'] / 1024:.0f} → "
                f"{on_web['rss_after_kib'] / 1024:.0f} MiB (+{grown_mib:.0f} MiB, "
                f"{per_socket:.1f} KiB per socket)"
            ),
            "baseline": (
                f"echo: {on_echo['answered_at_end']:,} held; +{echo_grown_mib:.0f} MiB, "
                f"{echo_per_socket:.1f} KiB per socket"
            ),
            "ratio": f"{common.ratio_text(per_socket, echo_per_socket)} (memory per socket)",
            "target": f"{SOCKETS:,} sockets held, memory reported",
        },
        "note": (
            f"{common.channel_layer_label()}; every customer socket joins its conversation's "
            f"group and the queue-position group; opening the {SOCKETS:,} took "
            f"{on_web['connect_seconds']:.0f} s and {on_web['cpu_ms_per_connect']:.1f} ms of the "
            f"web process's CPU each (echo: {on_echo['connect_seconds']:.0f} s, "
            f"{on_echo['cpu_ms_per_connect']:.2f} ms)."
        ),
    }
