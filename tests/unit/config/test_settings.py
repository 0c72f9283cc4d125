"""Settings from the environment: embedded default, production hardening."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config import env
from tests.processes import ROOT

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz-XYZ",
    "ALLOWED_HOSTS": "shop.example.com",
    "PUBLIC_BASE_URL": "https://shop.example.com",
    "RASA_TOKEN": "prod-rasa-token",
    "ACTIONS_API_TOKEN": "prod-actions-token",
    "WIDGET_IDENTITY_SECRET": "prod-widget-secret",
    "DATABASE_URL": "postgres://sportello@127.0.0.1:5432/test",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args: str, environ: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in env.VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", environ=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "RASA_TOKEN", "ACTIONS_API_TOKEN", "WIDGET_IDENTITY_SECRET"]
)
def test_production_refuses_to_start_without_its_secrets(missing):
    environ = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", environ=environ)
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG=0" in result.stderr


def test_embedded_default_is_sqlite_and_in_memory_layer():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'], "
        "s.EMAIL_BACKEND)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in env.VARIABLES}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert out.stdout.split() == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "django.core.mail.backends.filebased.EmailBackend",
    ], out.stderr


def test_a_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ValueError, match="DEBUG='perhaps'"):
        env.get_bool("DEBUG")


def test_production_redirects_to_https_except_the_private_network_calls():
    """The action server calls the internal API over plain HTTP at http://web:8000 and the
    container healthcheck calls /healthz; customers and operators are sent to HTTPS."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
        "django.setup(); from django.test import Client; c = Client(); "
        "print(c.get('/internal/api/v1/customers/1', HTTP_HOST='web').status_code, "
        "c.get('/console/', HTTP_HOST='shop.example.com').status_code, "
        "c.get('/healthz/web', HTTP_HOST='web').status_code)"
    )
    result = manage(
        "shell", "-c", code, environ={**PRODUCTION, "ALLOWED_HOSTS": "shop.example.com,web"}
    )
    assert result.returncode == 0, result.stderr
    internal, console, probe = result.stdout.split()[-3:]
    assert internal in {"401", "403"}  # reached the API, which wants its service token
    assert console == "301"
    assert probe != "301"  # the load balancer's probe is answered over plain HTTP


def test_outbound_smtp_authentication_and_tls_come_from_the_environment():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, "
        "s.SECRET_KEY_FALLBACKS)"
    )
    environ = {
        **PRODUCTION,
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "sportello",
        "EMAIL_HOST_PASSWORD": "relay-password",
        "EMAIL_USE_TLS": "1",
        "SECRET_KEY_FALLBACKS": "old-key-1, old-key-2",
    }
    result = manage("shell", "-c", code, environ=environ)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "sportello relay-password True False ['old-key-1', 'old-key-2']"
    )
    both = manage("check", environ={**environ, "EMAIL_USE_SSL": "1"})
    assert both.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other" in both.stderr
