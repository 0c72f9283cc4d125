"""The console's pages and endpoints: login, permissions, the conversation view with the
customer's history, phone notes, the catalog count, and the session-authenticated socket."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model

from agent_console.models import CannedResponse
from config.asgi import application
from crm import services as crm_services
from crm.models import Customer, OperatorProfile, PhoneNote
from shop.models import Product
from webchat import services as webchat_services

PASSWORD = "demo1234"


@pytest.fixture
def mario_chat(demo):
    """Mario's chat: he said hello, the bot answered, he asked for a person."""
    mario = Customer.objects.get(email="mario.rossi@example.it", verified=True)
    identity = {
        "customer_id": mario.pk,
        "signature": webchat_services.identity_signature(customer_id=mario.pk),
    }
    opened = webchat_services.session_open(identity=identity)
    conversation_id = opened.conversation.pk
    crm_services.message_append(conversation_id=conversation_id, sender="customer", text="ciao")
    crm_services.message_append(
        conversation_id=conversation_id, sender="bot", text="Ciao Mario! Sono l'assistente"
    )
    crm_services.conversation_queue(conversation_id=conversation_id, reason="asked")
    return opened.conversation


def login(client, username: str) -> None:
    response = client.post(
        "/console/login/", {"username": username, "password": PASSWORD, "next": "/console/"}
    )
    assert response.status_code == 302 and response["Location"] == "/console/", response


def test_the_console_asks_for_a_login(client, db):
    response = client.get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=/console/")
    assert client.get("/console/login/").status_code == 200


def test_logging_in_sets_the_operator_online_and_out_offline(client, demo):
    login(client, "laura")
    assert OperatorProfile.objects.get(user__username="laura").presence == "online"
    response = client.post("/console/logout/")
    assert response.status_code == 302 and response["Location"] == "/console/login/"
    assert OperatorProfile.objects.get(user__username="laura").presence == "offline"


def test_a_wrong_password_stays_on_the_login_page(client, demo):
    response = client.post("/console/login/", {"username": "laura", "password": "nope"})
    assert response.status_code == 200 and b'role="alert"' in response.content


def test_users_without_the_console_role_are_refused(client, demo):
    login(client, "giulia")  # a KB author
    assert client.get("/console/").status_code == 403


def test_the_queue_page_lists_the_handoff(client, mario_chat):
    login(client, "laura")
    response = client.get("/console/")
    assert response.status_code == 200
    snapshot = response.context["snapshot"]
    assert [c["id"] for c in snapshot["queued"]] == [mario_chat.pk]
    assert snapshot["queued"][0]["customer"]["name"] == "Mario Rossi"


def test_the_conversation_view_shows_profile_orders_timeline_and_filled_canned_responses(
    client, mario_chat
):
    CannedResponse.objects.filter(title="Greeting").delete()  # the migration's default
    CannedResponse.objects.create(
        title="Greeting",
        shortcut="ciao",
        text_it="Buongiorno {customer.salutation} {customer.last_name}, sono {operator.name}. "
        "Il suo ordine {order.last.number} è {order.last.status}. {unknown.thing}",
    )
    login(client, "laura")
    response = client.get(f"/console/conversations/{mario_chat.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for expected in ("Mario Rossi", "A-10063", "A-10055", "Via Manzoni 12", "colours: blue, grey"):
        assert expected in html, expected
    kinds = [item.kind for item in response.context["timeline"]]
    assert kinds.count("order") == 3 and "chat" in kinds
    chat = next(i for i in response.context["timeline"] if i.ref == str(mario_chat.pk))
    assert [line["sender"] for line in chat.lines][:2] == ["customer", "bot"]
    canned = next(c for c in response.context["canned"] if c["title"] == "Greeting")
    assert canned["text"] == (
        "Buongiorno Sig. Rossi, sono Laura. Il suo ordine A-10063 è ricevuto. {unknown.thing}"
    )


def test_the_timeline_filters_by_kind(client, mario_chat):
    login(client, "laura")
    response = client.get(f"/console/conversations/{mario_chat.pk}/timeline/?kind=order")
    assert {item.kind for item in response.context["timeline"]} == {"order"}


def test_an_operator_of_another_team_cannot_open_the_conversation(client, mario_chat):
    login(client, "marco")  # Competence Center only
    assert client.get(f"/console/conversations/{mario_chat.pk}/").status_code == 403
    assert client.get(f"/console/conversations/{mario_chat.pk}/timeline/").status_code == 403
    response = client.post(f"/console/conversations/{mario_chat.pk}/phone-notes/", {"text": "x"})
    assert response.status_code == 403
    assert client.get("/console/conversations/999999/").status_code == 404


def test_an_operator_logs_a_phone_call_into_the_timeline(client, mario_chat):
    login(client, "laura")
    response = client.post(
        f"/console/conversations/{mario_chat.pk}/phone-notes/",
        {"direction": "in", "text": "Ha chiamato per la taglia del pullover"},
    )
    assert response.status_code == 302
    note = PhoneNote.objects.get(customer=mario_chat.customer)
    assert (note.operator.username, note.direction) == ("laura", "in")
    page = client.get(f"/console/conversations/{mario_chat.pk}/")
    assert "Ha chiamato per la taglia del pullover" in page.content.decode()


def test_the_catalog_count_follows_the_filter(client, demo):
    login(client, "laura")
    natural_pullovers = Product.objects.filter(
        category="pullover", material__fibre_type="natural", stock__gt=0
    )
    response = client.get(
        "/console/api/catalog/?category=pullover&fibre_type=natural&include_unpublished=1"
    )
    data = response.json()
    assert data["count"] == natural_pullovers.count()
    published_only = client.get("/console/api/catalog/?category=pullover&fibre_type=natural")
    assert published_only.json()["count"] == natural_pullovers.filter(published=True).count()
    assert {p["fibre_type"] for p in data["products"]} == {"natural"}
    bad = client.get("/console/api/catalog/?fibre_type=plutonium")
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_filter"


def test_the_catalog_endpoint_is_for_operators_only(client, demo):
    assert client.get("/console/api/catalog/").status_code == 302
    login(client, "giulia")
    assert client.get("/console/api/catalog/").status_code == 403


# --- the socket behind the session ------------------------------------------------------------


def session_cookie(client, username: str) -> bytes:
    login(client, username)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.mark.django_db(transaction=True)
async def test_the_console_socket_authenticates_with_the_session(client, demo):
    cookie = await sync_to_async(session_cookie)(client, "laura")
    socket = WebsocketCommunicator(
        application,
        "/ws/console/",
        headers=[(b"cookie", cookie), (b"origin", b"http://127.0.0.1:8000")],
    )
    connected, _ = await socket.connect()
    assert connected
    hello = json.loads(await socket.receive_from())
    assert (hello["type"], hello["operator"]["username"]) == ("hello", "laura")
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_the_console_socket_refuses_a_foreign_origin_and_no_session(client, demo):
    cookie = await sync_to_async(session_cookie)(client, "laura")
    foreign = WebsocketCommunicator(
        application,
        "/ws/console/",
        headers=[(b"cookie", cookie), (b"origin", b"https://evil.example")],
    )
    connected, _ = await foreign.connect()
    assert not connected
    anonymous = WebsocketCommunicator(
        application, "/ws/console/", headers=[(b"origin", b"http://127.0.0.1:8000")]
    )
    connected, _ = await anonymous.connect()
    assert connected
    assert await anonymous.receive_output() == {"type": "websocket.close", "code": 4403}
    await anonymous.disconnect()


def test_demo_operators_have_the_console_role(demo):
    for username in ("laura", "marco", "anna"):
        assert get_user_model().objects.get(username=username).has_perm("agent_console.use_console")
    assert not get_user_model().objects.get(username="giulia").has_perm("agent_console.use_console")
