"""Every environment variable Sportello reads, in one place.

Settings, the Procfile, docker-compose.yml and the README all name these; a test
checks that docker-compose only sets variables listed here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str


VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in [
        Variable("DEBUG", "1", "1 in development (embedded default), 0 in production."),
        Variable("SECRET_KEY", "", "Django secret; required when DEBUG=0."),
        Variable(
            "SECRET_KEY_FALLBACKS",
            "",
            "Comma-separated previous secrets, still accepted after a rotation.",
        ),
        Variable("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]", "Comma-separated host names."),
        Variable("DATABASE_URL", "", "Empty: SQLite under var/. postgres://user@host:5432/db"),
        Variable("REDIS_URL", "", "Empty: in-memory channel layer. redis://host:6379/0"),
        Variable("PUBLIC_BASE_URL", "http://127.0.0.1:8000", "How customers reach the web."),
        Variable("RASA_URL", "http://127.0.0.1:5005", "The Rasa HTTP API (never public)."),
        Variable("RASA_TOKEN", "dev-rasa-token", "Rasa --auth-token."),
        Variable("ACTIONS_URL", "http://127.0.0.1:5055", "The rasa_sdk action server."),
        Variable("ACTIONS_API_TOKEN", "dev-actions-token", "Service token of the internal API."),
        Variable(
            "WIDGET_ALLOWED_ORIGINS", "", "Comma-separated origins allowed to embed the widget."
        ),
        Variable(
            "WIDGET_IDENTITY_SECRET",
            "dev-widget-identity-secret",
            "Per-site secret the shop uses to sign a logged-in customer's id (HMAC-SHA256).",
        ),
        Variable("RASA_TIMEOUT_SECONDS", "5", "After this the customer is told and queued."),
        Variable("EMAIL_HOST", "", "Outbound SMTP host; empty: mail is written to var/mail/."),
        Variable("EMAIL_PORT", "25", "Outbound SMTP port."),
        Variable("EMAIL_HOST_USER", "", "Outbound SMTP user (empty: no authentication)."),
        Variable("EMAIL_HOST_PASSWORD", "", "Outbound SMTP password."),
        Variable("EMAIL_USE_TLS", "0", "1: STARTTLS to the relay (usually port 587)."),
        Variable("EMAIL_USE_SSL", "0", "1: implicit TLS to the relay (usually port 465)."),
        Variable("MAIL_GATEWAY_HOST", "127.0.0.1", "Interface of the inbound SMTP gateway."),
        Variable("MAIL_GATEWAY_PORT", "2525", "Port of the inbound SMTP gateway."),
        Variable("SUPPORT_ADDRESSES", "info@sportello.example", "Addresses the gateway accepts."),
        Variable(
            "SHOP_ASSISTANT_URL",
            "",
            "The shop page with the widget that e-mail links open; default PUBLIC_BASE_URL/demo/.",
        ),
        Variable("MAIL_MAX_MESSAGE_BYTES", "10485760", "Larger inbound mail is refused (552)."),
        Variable("MAIL_AUTOREPLY_MAX_PER_HOUR", "5", "Automatic answers per sender per hour."),
        Variable(
            "SECURE_SSL_REDIRECT",
            "1",
            "Production: redirect HTTP to HTTPS (0 behind a TLS proxy that already does).",
        ),
        Variable("WEB_PORT", "8000", "Port of the web process (make run / Procfile)."),
        Variable("RASA_PORT", "5005", "Port of the Rasa server (make run / Procfile)."),
        Variable("ACTIONS_PORT", "5055", "Port of the action server (make run / Procfile)."),
        Variable(
            "SPORTELLO_VAR_DIR", "", "Where SQLite, outbound mail and uploads live; default var/."
        ),
    ]
}


def get(name: str) -> str:
    return os.environ.get(name, VARIABLES[name].default)


def get_bool(name: str) -> bool:
    value = get(name).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{name}={value!r}: expected 1/0, true/false, yes/no or on/off")


def get_list(name: str) -> list[str]:
    return [item.strip() for item in get(name).split(",") if item.strip()]
