"""docs/protocol.md and webchat/protocol.py describe the same frames."""

from __future__ import annotations

import json
import re

import pytest

from tests.processes import ROOT
from webchat import protocol

DOC = (ROOT / "docs/protocol.md").read_text()
CLIENT_PART = DOC.split("### Client → server")[1].split("### Server → client")[0]
SERVER_PART = DOC.split("### Server → client")[1].split("## 3.")[0]
BLOCK = re.compile(r"```json\n(.*?)\n```", re.S)


@pytest.mark.parametrize("example", BLOCK.findall(CLIENT_PART))
def test_every_client_example_in_the_doc_parses(example):
    frame = protocol.parse_client_frame(example)
    assert frame.type == json.loads(example)["type"]


def test_every_client_frame_type_is_documented_with_an_example():
    documented = {json.loads(block)["type"] for block in BLOCK.findall(CLIENT_PART)}
    assert documented == protocol.CLIENT_FRAME_TYPES


def test_every_server_frame_type_the_consumer_sends_is_documented():
    documented = {json.loads(block)["type"] for block in BLOCK.findall(SERVER_PART)}
    inline = set(re.findall(r'`\{"type": "([\w.]+)"\}`', SERVER_PART))
    consumer = (ROOT / "webchat/consumers.py").read_text()
    sent = set(re.findall(r'"type": "([a-z_.]+)"', consumer)) - {"conversation.typing"}
    sent |= {"error"}  # built by protocol.FrameError.as_frame
    assert sent <= documented | inline, sent - documented - inline


@pytest.mark.parametrize("code", ["invalid_json", "unknown_type", "invalid_frame", "too_long"])
def test_every_error_code_the_parser_raises_is_in_the_doc_table(code):
    assert f"| `{code}` |" in DOC
