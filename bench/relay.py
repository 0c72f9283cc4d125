"""Operator → customer and customer → operator relay with 1,000 open customer conversations
on one web process: p50/p99 per message, against a bare websocket echo (bench/echo_asgi.py
under the same daphne command) measured in the same run, interleaved sample by sample.

A relay sample is one chat message from the moment its frame is sent on one socket to the
moment the other side's socket has the `message` frame: stored with its sequence number,
acked, announced on the channel layer, read back and sent (docs/protocol.md,
docs/console-protocol.md). The echo sample is one frame of the same size sent and received
back on a socket of the echo server, which holds as many idle sockets as the web does.

`OPERATORS` operators own `OPERATORS * CHATS_EACH` of the conversations (each watches their
own in one console socket); the others are open, idle widgets. Messages are paced below the
protocols' rate limits: this measures latency, not throughput.

Target (ARCHITECTURE §9): p99 under 10 ms, within 5× the echo.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from bench import common

CONVERSATIONS = 1000
OPERATORS = 10
CHATS_EACH = 4  # the default OperatorProfile.max_concurrent_chats
ROUNDS = 25  # every measured conversation, both directions, once per round
WARMUP_ROUNDS = 2
IDLE_SECONDS = 5
TARGET_P99_MS = 10.0
TARGET_RATIO = 5.0
CUSTOMER_INTERVAL_SECONDS = 0.55  # the widget allows 2 frames/s sustained
CONSOLE_INTERVAL_SECONDS = 0.11  # the console allows 10 frames/s sustained
TEXT = "Buongiorno, le confermo che il pullover in lana merino è disponibile in taglia M."


class Pacer:
    """Keeps one socket below its rate limit: waits until `interval` after its last send."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.last = 0.0

    async def wait(self) -> None:
        delay = self.last + self.interval - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        self.last = time.monotonic()


@dataclass
class Chat:
    conversation: int
    owner: int
    customer: Any  # the widget's socket
    console: Any  # the owner's console socket
    customer_pacer: Pacer
    console_pacer: Pacer


@dataclass
class Samples:
    to_customer: list[float] = field(default_factory=list)
    to_operator: list[float] = field(default_factory=list)
    echo: list[float] = field(default_factory=list)


async def _until(socket: Any, matches, timeout: float = 10) -> tuple[dict, float]:
    """The first frame on `socket` that `matches`, and when it arrived."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await socket.recv())
            if matches(frame):
                return frame, time.perf_counter()


async def _acked_and_echoed(socket: Any, client_msg_id: str) -> None:
    """The sender's own socket gets an `ack` and its message back: read both."""
    seen: set[str] = set()
    while seen != {"ack", "message"}:
        frame, _ = await _until(
            socket,
            lambda f: f["type"] in ("ack", "message") and f.get("client_msg_id") == client_msg_id,
        )
        seen.add(frame["type"])


async def _sync(socket: Any) -> None:
    """Read everything the socket was sent so far (a ping's pong comes after it)."""
    await socket.send(json.dumps({"type": "ping"}))
    await _until(socket, lambda f: f["type"] == "pong")


async def _operator_to_customer(chat: Chat, number: int) -> float:
    client_msg_id = f"o-{number}"
    text = f"{TEXT} ({number})"
    frame = {
        "type": "message",
        "conversation": chat.conversation,
        "client_msg_id": client_msg_id,
        "text": text,
    }
    await chat.console_pacer.wait()
    started = time.perf_counter()
    await chat.console.send(json.dumps(frame))
    _, arrived = await _until(
        chat.customer, lambda f: f["type"] == "message" and f.get("text") == text
    )
    await _acked_and_echoed(chat.console, client_msg_id)
    return arrived - started


async def _customer_to_operator(chat: Chat, number: int) -> float:
    client_msg_id = f"c-{number}"
    frame = {"type": "message", "client_msg_id": client_msg_id, "text": f"{TEXT} ({number})"}
    await chat.customer_pacer.wait()
    started = time.perf_counter()
    await chat.customer.send(json.dumps(frame))
    _, arrived = await _until(
        chat.console,
        lambda f: (
            f["type"] == "message"
            and f.get("conversation") == chat.conversation
            and f.get("client_msg_id") == client_msg_id
        ),
    )
    await _acked_and_echoed(chat.customer, client_msg_id)
    return arrived - started


async def _echo(socket: Any, number: int) -> float:
    payload = json.dumps(
        {"type": "message", "conversation": 1, "client_msg_id": f"e-{number}", "text": TEXT}
    )
    started = time.perf_counter()
    await socket.send(payload)
    await socket.recv()
    return time.perf_counter() - started


async def _measure(
    web: common.Web,
    echo: common.Web,
    sessions: list[tuple[int, str]],
    owned: dict[int, list[int]],
    cookies: dict[int, str],
) -> tuple[Samples, dict[str, Any]]:
    customers = await common.open_many(
        lambda i: common.open_customer(web, sessions[i][1]), len(sessions)
    )
    echoes = await common.open_many(
        lambda i: common.ws_connect(f"{echo.ws_url}/", origin=echo.url), len(sessions)
    )
    by_conversation = {
        conversation: s for (conversation, _), s in zip(sessions, customers, strict=True)
    }
    chats: list[Chat] = []
    consoles = []
    for user_id, owned_chats in owned.items():
        console = await common.ws_connect(
            f"{web.ws_url}/ws/console/", origin=web.url, cookie=cookies[user_id]
        )
        consoles.append(console)
        pacer = Pacer(CONSOLE_INTERVAL_SECONDS)
        for conversation in owned_chats:
            await console.send(json.dumps({"type": "watch", "conversation": conversation}))
            chats.append(
                Chat(
                    conversation=conversation,
                    owner=user_id,
                    customer=by_conversation[conversation],
                    console=console,
                    customer_pacer=Pacer(CUSTOMER_INTERVAL_SECONDS),
                    console_pacer=pacer,
                )
            )
        await _sync(console)
    # One chat of each operator in turn: every console socket gets a rest between sends.
    chats.sort(key=lambda chat: owned[chat.owner].index(chat.conversation))
    for chat in chats:
        await _sync(chat.customer)
    open_at_start = sum(1 for s in customers if s.state.name == "OPEN")
    # What holding the sockets costs with no traffic (keepalive and timeout checks).
    idle_before = web.cpu_seconds(), echo.cpu_seconds()
    await asyncio.sleep(IDLE_SECONDS)
    idle_cpu = web.cpu_seconds() - idle_before[0], echo.cpu_seconds() - idle_before[1]

    samples = Samples()
    number = 0
    for round_number in range(WARMUP_ROUNDS + ROUNDS):
        keep = round_number >= WARMUP_ROUNDS
        if round_number == WARMUP_ROUNDS:
            cpu_before = web.cpu_seconds(), echo.cpu_seconds()
        for chat in chats:
            echo_socket = echoes[number % len(echoes)]
            number += 1
            to_customer = await _operator_to_customer(chat, number)
            echo_one = await _echo(echo_socket, 2 * number)
            to_operator = await _customer_to_operator(chat, number)
            echo_two = await _echo(echo_socket, 2 * number + 1)
            if keep:
                samples.to_customer.append(to_customer)
                samples.to_operator.append(to_operator)
                samples.echo += [echo_one, echo_two]
    web_cpu, echo_cpu = web.cpu_seconds() - cpu_before[0], echo.cpu_seconds() - cpu_before[1]
    relayed = len(samples.to_customer) + len(samples.to_operator)
    state = {
        # CPU the server spent per message, all threads: what the latency is made of on a
        # busy machine (the scheduler adds the rest).
        "web_cpu_ms_per_message": round(web_cpu * 1000 / relayed, 2),
        "echo_cpu_ms_per_message": round(echo_cpu * 1000 / len(samples.echo), 3),
        "web_idle_cpu_percent": round(idle_cpu[0] * 100 / IDLE_SECONDS, 1),
        "echo_idle_cpu_percent": round(idle_cpu[1] * 100 / IDLE_SECONDS, 1),
        "customer_sockets_open": sum(1 for s in customers if s.state.name == "OPEN"),
        "customer_sockets_open_at_start": open_at_start,
        "web_rss_kib": web.rss_kib(),
    }
    await common.close_all([*customers, *echoes, *consoles])
    return samples, state


def _setup() -> tuple[list[tuple[int, str]], dict[int, list[int]], dict[int, str]]:
    from django.db import connection

    from crm import services as crm_services

    sessions = common.customer_sessions(CONVERSATIONS)
    operators = common.bench_operators(OPERATORS)
    owned: dict[int, list[int]] = {}
    measured = iter(conversation for conversation, _ in sessions)
    for operator in operators:
        owned[operator.pk] = []
        for _ in range(CHATS_EACH):
            conversation = next(measured)
            crm_services.conversation_queue(conversation_id=conversation, reason="asked")
            result = crm_services.conversation_take_over(
                conversation_id=conversation, operator_id=operator.pk
            )
            assert result.won, result
            owned[operator.pk].append(conversation)
    cookies = {operator.pk: common.console_cookie(operator) for operator in operators}
    connection.close()  # from here on only the web process uses the database
    return sessions, owned, cookies


def run() -> dict[str, Any]:
    open_files = common.open_files_limit(4 * CONVERSATIONS + 1000)
    sessions, owned, cookies = _setup()
    web = common.start_web(open_files=open_files)
    echo = common.start_web(name="echo", app=common.ECHO_APP, open_files=open_files)
    try:
        samples, state = asyncio.run(_measure(web, echo, sessions, owned, cookies))
    finally:
        web.stop()
        echo.stop()
    p = {
        name: (common.percentile(values, 0.5), common.percentile(values, 0.99))
        for name, values in (
            ("to_customer", samples.to_customer),
            ("to_operator", samples.to_operator),
            ("echo", samples.echo),
        )
    }
    worst_p99 = max(p["to_customer"][1], p["to_operator"][1])
    echo_p99 = p["echo"][1]
    return {
        "name": "relay",
        "conversations": CONVERSATIONS,
        "measured_conversations": OPERATORS * CHATS_EACH,
        "samples_per_direction": len(samples.to_customer),
        "operator_to_customer_p50_ms": common.ms(p["to_customer"][0]),
        "operator_to_customer_p99_ms": common.ms(p["to_customer"][1]),
        "customer_to_operator_p50_ms": common.ms(p["to_operator"][0]),
        "customer_to_operator_p99_ms": common.ms(p["to_operator"][1]),
        "baseline": "bare websocket echo (bench/echo_asgi.py) under the same daphne command",
        "echo_p50_ms": common.ms(p["echo"][0]),
        "echo_p99_ms": common.ms(echo_p99),
        "ratio_p50": common.ratio(max(p["to_customer"][0], p["to_operator"][0]), p["echo"][0]),
        "ratio_p99": common.ratio(worst_p99, echo_p99),
        **state,
        "database": common.database_label(),
        "channel_layer": common.channel_layer_label(),
        "target_p99_ms": TARGET_P99_MS,
        "target_ratio": TARGET_RATIO,
        "meets_target": worst_p99 * 1000 < TARGET_P99_MS
        and worst_p99 <= TARGET_RATIO * echo_p99
        and state["customer_sockets_open"] == CONVERSATIONS,
        "row": {
            "benchmark": f"Chat relay, {CONVERSATIONS} open conversations, one web process",
            "result": (
                f"operator → customer p50 {p['to_customer'][0] * 1000:.2f} ms, "
                f"p99 {p['to_customer'][1] * 1000:.2f} ms; customer → operator "
                f"p50 {p['to_operator'][0] * 1000:.2f} ms, p99 {p['to_operator'][1] * 1000:.2f} ms"
            ),
            "baseline": (
                f"websocket echo on the same daphne: p50 {p['echo'][0] * 1000:.2f} ms, "
                f"p99 {echo_p99 * 1000:.2f} ms"
            ),
            "ratio": f"{common.ratio_text(worst_p99, echo_p99)} (worst p99)",
            "target": f"p99 < {TARGET_P99_MS:.0f} ms and ≤ {TARGET_RATIO:.0f}× echo",
        },
        "note": (
            f"{common.database_label()}, {common.channel_layer_label()}; the web process spent "
            f"{state['web_cpu_ms_per_message']:.1f} ms of CPU per relayed message (the echo "
            f"{state['echo_cpu_ms_per_message']:.2f} ms per frame), each message being one "
            "write transaction before it is relayed."
        ),
    }
