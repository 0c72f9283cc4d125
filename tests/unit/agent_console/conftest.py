"""Operators, teams and sockets for the console tests."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from agent_console.consumers import ConsoleConsumer
from config.asgi import application
from crm import services as crm_services

WIDGET_ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def console_settings(settings):
    settings.WIDGET_ALLOWED_ORIGINS = [WIDGET_ORIGIN]
    settings.PUBLIC_BASE_URL = "http://shop.test"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A port nobody listens on: the bot is "down" unless a test says otherwise.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings.RASA_URL = f"http://127.0.0.1:{closed_port}"
    settings.RASA_TIMEOUT_SECONDS = 0.5
    return settings


@pytest.fixture
def teams(db):
    from crm.models import Team

    return {
        slug: Team.objects.create(slug=slug, name=name)
        for slug, name in (
            ("assistenza-commerciale", "Assistenza Commerciale"),
            ("customer-care", "Customer Care"),
            ("competence-center", "Competence Center"),
        )
    }


@pytest.fixture
def make_console_operator(teams) -> Callable:
    """An operator with the console permission, in the given teams."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from crm.models import OperatorProfile, TeamMembership

    use_console = Permission.objects.get(
        content_type__app_label="agent_console", codename="use_console"
    )

    def make(username: str, *team_slugs: str, max_chats: int = 4):
        user = get_user_model().objects.create_user(username=username, password="pw-" + "x" * 12)
        user.user_permissions.add(use_console)
        OperatorProfile.objects.create(
            user=user, display_name=username.capitalize(), max_concurrent_chats=max_chats
        )
        for slug in team_slugs:
            TeamMembership.objects.create(user=user, team=teams[slug])
        return user

    return make


@pytest.fixture
def laura(make_console_operator):
    return make_console_operator("laura", "assistenza-commerciale")


@pytest.fixture
def paolo(make_console_operator):
    """Laura's colleague in the same team."""
    return make_console_operator("paolo", "assistenza-commerciale")


@pytest.fixture
def carla(make_console_operator):
    """In another team: Customer Care only."""
    return make_console_operator("carla", "customer-care")


class Console:
    """One operator's console socket speaking docs/console-protocol.md."""

    def __init__(self, user) -> None:
        self.socket = WebsocketCommunicator(ConsoleConsumer.as_asgi(), "/ws/console/")
        self.socket.scope["user"] = user
        self.user = user

    async def connect(self) -> dict:
        connected, _ = await self.socket.connect()
        assert connected
        hello = await self.receive()
        assert hello["type"] == "hello", hello
        queue = await self.receive()
        assert queue["type"] == "queue", queue
        return hello

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

    async def expect(self, frame_type: str, timeout: float = 5, **fields) -> dict:
        """The next frame of this type (and these field values), skipping others."""

        def matches(frame: dict) -> bool:
            return frame["type"] == frame_type and all(frame.get(k) == v for k, v in fields.items())

        return (await self.receive_until(matches, timeout=timeout))[-1]

    async def expect_any(self, types: tuple[str, ...], timeout: float = 10) -> dict:
        return (await self.receive_until(lambda f: f["type"] in types, timeout=timeout))[-1]

    async def nothing_more(self, timeout: float = 0.3) -> None:
        assert await self.socket.receive_nothing(timeout=timeout)

    async def close(self) -> None:
        await self.socket.disconnect()


class Customer:
    """The customer's widget socket (docs/protocol.md)."""

    def __init__(self, token: str) -> None:
        self.socket = WebsocketCommunicator(
            application,
            f"/ws/webchat/?token={token}",
            headers=[(b"origin", WIDGET_ORIGIN.encode())],
        )

    async def connect(self, last_seq: int = 0) -> dict:
        connected, _ = await self.socket.connect()
        assert connected
        welcome = json.loads(await self.socket.receive_from())
        await self.send({"type": "resume", "last_seq": last_seq})
        return welcome

    async def send(self, frame: dict) -> None:
        await self.socket.send_to(text_data=json.dumps(frame))

    async def receive(self, timeout: float = 3) -> dict:
        return json.loads(await self.socket.receive_from(timeout=timeout))

    async def expect(self, frame_type: str, timeout: float = 5, **fields) -> dict:
        while True:
            frame = await self.receive(timeout=timeout)
            if frame["type"] == frame_type and all(frame.get(k) == v for k, v in fields.items()):
                return frame

    async def close(self) -> None:
        await self.socket.disconnect()


@sync_to_async
def queued_chat(*, customer=None, language: str = "it", reason: str = "asked"):
    """A web chat waiting for a person, with its visitor token."""
    from webchat import services as webchat_services

    opened = webchat_services.session_open(language=language)
    if customer is not None:
        crm_services.conversation_customer_link(
            conversation_id=opened.conversation.pk, customer_id=customer.pk
        )
    crm_services.message_append(
        conversation_id=opened.conversation.pk, sender="customer", text="ciao"
    )
    crm_services.message_append(
        conversation_id=opened.conversation.pk, sender="bot", text="Ciao! Sono l'assistente"
    )
    crm_services.conversation_queue(conversation_id=opened.conversation.pk, reason=reason)
    opened.conversation.refresh_from_db()
    return opened


@sync_to_async
def take(conversation_id: int, user) -> None:
    assert crm_services.conversation_take_over(
        conversation_id=conversation_id, operator_id=user.pk
    ).won
