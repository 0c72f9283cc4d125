"""docs/console-protocol.md and agent_console/protocol.py describe the same frames."""

from __future__ import annotations

import json
import re

import pytest

from agent_console import protocol
from tests.processes import ROOT

DOC = (ROOT / "docs/console-protocol.md").read_text()
CLIENT_PART = DOC.split("### Client → server")[1].split("### Server → client")[0]
SERVER_PART = DOC.split("### Server → client")[1].split("## 3.")[0]
BLOCK = re.compile(r"```json\n(.*?)\n```", re.S)


@pytest.mark.parametrize("example", BLOCK.findall(CLIENT_PART))
def test_every_client_example_in_the_doc_parses(example):
    frame = protocol.parse_console_frame(example)
    assert frame.type == json.loads(example)["type"]


def test_every_client_frame_type_is_documented_with_an_example():
    documented = {json.loads(block)["type"] for block in BLOCK.findall(CLIENT_PART)}
    assert documented == protocol.CONSOLE_FRAME_TYPES


def test_every_server_example_is_json():
    for block in BLOCK.findall(SERVER_PART):
        assert isinstance(json.loads(block), dict)


def test_every_server_frame_type_the_consumer_sends_is_documented():
    documented = {json.loads(block)["type"] for block in BLOCK.findall(SERVER_PART)}
    inline = set(re.findall(r'`\{"type": "([\w.]+)"\}`', SERVER_PART))
    consumer = (ROOT / "agent_console/consumers.py").read_text()
    sent = set(re.findall(r'"type": "([a-z_.]+)"', consumer))
    sent |= {"error", "message", "form_state"}  # _error(), message_frame(), FormState.as_frame()
    assert sent <= documented | inline, sent - documented - inline


def test_every_error_code_the_console_sends_is_in_the_doc_table():
    sources = "".join(
        (ROOT / path).read_text()
        for path in (
            "agent_console/consumers.py",
            "agent_console/protocol.py",
            "webchat/order_form.py",
        )
    )
    codes = set(re.findall(r'(?:Refused|FrameError|FormError|_error)\(\s*"([a-z_]+)"', sources))
    codes |= {"not_owner", "illegal_state", "rate_limited"}
    assert codes
    for code in codes:
        assert f"| `{code}` |" in DOC, code
