from __future__ import annotations

import json
import socket

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application
from webchat import services

ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def widget_settings(settings):
    settings.WIDGET_ALLOWED_ORIGINS = [ORIGIN]
    # A port nobody listens on: the bot is "down" unless a test says otherwise.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings.RASA_URL = f"http://127.0.0.1:{closed_port}"
    settings.RASA_TIMEOUT_SECONDS = 1.0
    return settings


class Client:
    """A customer socket speaking docs/protocol.md."""

    def __init__(self, token: str, origin: str | None = ORIGIN) -> None:
        headers = [(b"origin", origin.encode())] if origin else []
        self.socket = WebsocketCommunicator(
            application, f"/ws/webchat/?token={token}", headers=headers
        )

    async def connect(self) -> dict:
        connected, _ = await self.socket.connect()
        assert connected
        return await self.receive()

    async def send(self, frame: dict | str) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame)
        await self.socket.send_to(text_data=text)

    async def receive(self, timeout: float = 3) -> dict:
        return json.loads(await self.socket.receive_from(timeout=timeout))

    async def receive_until(self, predicate, timeout: float = 5) -> list[dict]:
        frames = []
        while True:
            frame = await self.receive(timeout=timeout)
            frames.append(frame)
            if predicate(frame):
                return frames

    async def close(self) -> None:
        await self.socket.disconnect()


@pytest.fixture
def session_for():
    def make(**kwargs) -> services.Session:
        return services.session_open(**kwargs)

    return make
