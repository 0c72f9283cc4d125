"""The README's configuration table names every variable the code reads (config/env.py for
the web side, actions/config.py for the action server), and nothing else."""

from __future__ import annotations

import re

from actions import config as actions_config
from config import env
from tests.processes import ROOT


def configuration_section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Configuration")
    return text[start : text.index("\n## ", start + 1)]


def test_every_variable_is_documented_with_its_default():
    section = configuration_section()
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    documented = {
        name for row in rows for name in re.findall(r"`([A-Z][A-Z_]+)`", row.split("|")[1])
    }
    assert set(env.VARIABLES) <= documented, set(env.VARIABLES) - documented
    assert documented <= set(env.VARIABLES), documented - set(env.VARIABLES)
    for name in set(actions_config.VARIABLES) - set(env.VARIABLES):
        assert f"`{name}`" in section, f"the action server's {name} is not in the README"
