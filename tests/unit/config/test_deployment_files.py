"""docker-compose.yml runs what the Procfile runs, and sets only what the code reads."""

from __future__ import annotations

import shlex

import pytest
import yaml

from actions import config as actions_config
from config import env
from tests.processes import ROOT, procfile_commands

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]

# Values that legitimately differ between a laptop and containers (production's endpoints
# add the shared tracker and lock stores: see the test below).
PLACEHOLDER_OPTIONS = {"-b", "-i", "-p", "--auth-token", "--endpoints"}
# Read by the programs themselves, not by our code.
PROGRAM_VARIABLES = {"SANIC_HOST"}
# Read by bot/endpoints.yml and the rasa command line.
BOT_VARIABLES = {"RASA_TOKEN", "ACTIONS_URL", "POSTGRES_PASSWORD"}


def normalise(command: str) -> list[str]:
    words = shlex.split(command)
    if "&&" in words:  # "cd bot && …" in the Procfile is working_dir in compose
        words = words[words.index("&&") + 1 :]
    words = [w for w in words if "=" not in w or w.startswith("-")]  # leading VAR=value
    words[0] = words[0].rsplit("/", 1)[-1]  # .venvs/web/bin/daphne → daphne
    return [
        "<value>" if i and words[i - 1] in PLACEHOLDER_OPTIONS else word
        for i, word in enumerate(words)
    ]


@pytest.mark.parametrize("name", ["web", "bot", "actions", "mail"])
def test_compose_runs_the_procfile_command(name):
    assert normalise(SERVICES[name]["command"]) == normalise(procfile_commands()[name])


def test_bot_runs_inside_the_rasa_project_in_both():
    assert procfile_commands()["bot"].startswith("cd bot && ")
    assert SERVICES["bot"]["working_dir"] == "/app/bot"


@pytest.mark.parametrize("name", ["web", "mail"])
def test_web_side_environment_is_what_settings_reads(name):
    environment = SERVICES[name]["environment"]
    assert set(environment) <= set(env.VARIABLES)
    assert environment["DEBUG"] == "0"
    for required in (
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "RASA_TOKEN",
        "ACTIONS_API_TOKEN",
        "WIDGET_IDENTITY_SECRET",
    ):
        assert environment.get(required), f"{name} must set {required}"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["REDIS_URL"].startswith("redis://")


def test_bot_side_environment_is_what_the_bot_and_actions_read():
    assert set(SERVICES["bot"]["environment"]) <= BOT_VARIABLES
    actions_env = set(SERVICES["actions"]["environment"])
    assert actions_env <= set(actions_config.VARIABLES) | PROGRAM_VARIABLES
    assert {"WEB_INTERNAL_URL", "ACTIONS_API_TOKEN"} <= actions_env


def test_the_stateful_services_are_postgres_and_redis():
    assert SERVICES["postgres"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")


def test_bot_replicas_share_trackers_and_locks():
    """`--scale bot=N` only works when every replica sees every conversation."""
    command = shlex.split(SERVICES["bot"]["command"])
    endpoints_file = command[command.index("--endpoints") + 1]
    production = yaml.safe_load((ROOT / "bot" / endpoints_file).read_text())
    development = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text())
    assert production["action_endpoint"] == development["action_endpoint"]
    assert production["tracker_store"]["type"] == "SQL"
    assert production["tracker_store"]["url"] in SERVICES
    assert production["lock_store"]["type"] == "redis"
    assert production["lock_store"]["url"] in SERVICES
    assert {"postgres", "redis"} <= set(SERVICES["bot"]["depends_on"])


def test_the_actions_reach_the_web_over_the_private_network():
    web_env = SERVICES["web"]["environment"]
    assert web_env["ALLOWED_HOSTS"].endswith(",web,127.0.0.1")
    internal = SERVICES["actions"]["environment"]["WEB_INTERNAL_URL"]
    assert internal == "http://web:8000"


def test_attachments_are_on_the_volume_web_serves():
    assert SERVICES["mail"]["volumes"] == SERVICES["web"]["volumes"]
