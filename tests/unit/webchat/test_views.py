"""The session endpoint the widget calls, and the demo page."""

from __future__ import annotations

import json

import pytest

from webchat import services

ORIGIN = "http://127.0.0.1:8000"


def post(client, body, origin: str = ORIGIN):
    return client.post(
        "/api/webchat/session",
        data=json.dumps(body) if not isinstance(body, str) else body,
        content_type="application/json",
        HTTP_ORIGIN=origin,
    )


def test_a_session_is_opened_with_a_token_for_the_widget(client, db):
    response = post(client, {"language": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "bot" and body["language"] == "en"
    assert services.visitor_token_read(body["token"]) == body["conversation"]
    assert response["Access-Control-Allow-Origin"] == ORIGIN


def test_other_origins_get_no_cors_permission(client, db):
    response = post(client, {}, origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response


def test_preflight_is_answered_for_allowed_origins(client, db):
    response = client.options("/api/webchat/session", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 204
    assert response["Access-Control-Allow-Methods"] == "POST, OPTIONS"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{broken", 400, "invalid_request"),
        ("[1]", 400, "invalid_request"),
        ({"language": 5}, 400, "invalid_request"),
        ({"identity": "mario"}, 400, "invalid_request"),
        ({"identity": {"customer_id": 1, "signature": "00"}}, 403, "bad_identity"),
        ({"entry": "forged"}, 403, "bad_entry"),
    ],
)
def test_bad_requests_get_a_clear_error(client, db, body, status, code):
    response = post(client, body)
    assert (response.status_code, response.json()["error"]) == (status, code)


def test_the_demo_page_embeds_the_widget_and_signs_mario_only_when_asked(client, customer):
    customer.verified = True
    customer.save()
    anonymous = client.get("/demo/").content.decode()
    assert "webchat/widget.js" in anonymous and "data-identity-signature" not in anonymous
    as_mario = client.get("/demo/?as=mario").content.decode()
    signature = services.identity_signature(customer_id=customer.pk)
    assert f'data-identity-signature="{signature}"' in as_mario
