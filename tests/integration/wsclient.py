"""A customer of the real web process, speaking docs/protocol.md over a real websocket."""

from __future__ import annotations

import json
import time
import uuid

import httpx
from websockets.sync.client import ClientConnection, connect


class Customer:
    def __init__(self, web_url: str, *, language: str = "it", **session_fields) -> None:
        self.web_url = web_url
        response = httpx.post(
            f"{web_url}/api/webchat/session",
            json={"language": language, **session_fields},
            headers={"Origin": web_url},
            timeout=10,
        )
        response.raise_for_status()
        self.session = response.json()
        ws_url = web_url.replace("http://", "ws://") + self.session["websocket"]
        self.socket: ClientConnection = connect(
            f"{ws_url}?token={self.session['token']}", origin=web_url, open_timeout=10
        )
        self.welcome = self.receive()
        self.send({"type": "resume", "last_seq": 0})

    def send(self, frame: dict) -> None:
        self.socket.send(json.dumps(frame))

    def say(self, text: str) -> str:
        client_msg_id = f"it-{uuid.uuid4().hex[:12]}"
        self.send({"type": "message", "client_msg_id": client_msg_id, "text": text})
        return client_msg_id

    def receive(self, timeout: float = 10) -> dict:
        return json.loads(self.socket.recv(timeout=timeout))

    def receive_until(self, predicate, timeout: float = 30) -> list[dict]:
        deadline = time.monotonic() + timeout
        frames = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching frame in {timeout}s; got {frames}")
            try:
                frame = self.receive(timeout=remaining)
            except TimeoutError:
                raise TimeoutError(f"no matching frame in {timeout}s; got {frames}") from None
            frames.append(frame)
            if predicate(frame):
                return frames

    def bot_reply(self, timeout: float = 30) -> dict:
        return self.receive_until(
            lambda f: f["type"] == "message" and f["sender"] == "bot", timeout
        )[-1]

    def close(self) -> None:
        self.socket.close()
