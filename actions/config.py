"""What the action server reads from the environment (the web's config/env.py's twin)."""

from __future__ import annotations

import os

VARIABLES = {
    "WEB_INTERNAL_URL": "http://127.0.0.1:8000",
    "ACTIONS_API_TOKEN": "dev-actions-token",
    "WEB_TIMEOUT_SECONDS": "3",
}


def get(name: str) -> str:
    return os.environ.get(name, VARIABLES[name])
