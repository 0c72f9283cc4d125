"""Markdown with script or HTML injection is sanitised (nh3) everywhere KB text is shown."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from kb import selectors, services
from kb.rendering import markdown_to_html, markdown_to_text

HOSTILE = (
    "Ciao <script>alert('x')</script> **grassetto**\n\n"
    '<img src=x onerror="alert(1)"> [clic](javascript:alert(2)) '
    '<a href="https://example.com" onclick="steal()">ok</a> <iframe src="//evil"></iframe>'
    '<style>body{display:none}</style><svg onload="alert(3)"></svg>'
)
HOSTILE_PLAIN = "<script>alert('title')</script><b onmouseover=x>T</b>"
BAD = (
    "<script",
    "onerror",
    "onclick",
    "javascript:",
    "<iframe",
    "<style",
    "<svg",
    "onload",
    "<img",
)


def assert_clean(html: str) -> None:
    lowered = html.lower()
    for marker in BAD:
        assert marker not in lowered, marker


def test_the_renderer_keeps_formatting_and_drops_the_rest():
    html = markdown_to_html(HOSTILE)
    assert_clean(html)
    assert "<strong>grassetto</strong>" in html
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer nofollow"' in html
    text = markdown_to_text(HOSTILE)
    assert "alert('x')" not in text and "grassetto" in text and "<" not in text


@pytest.fixture
def hostile_tree(draft_tree, author, reviewer):
    services.node_update(
        tree_id=draft_tree.pk, author=author, key="online", text_it=HOSTILE, text_en=HOSTILE
    )
    services.node_update(tree_id=draft_tree.pk, author=author, key="start", text_it=HOSTILE_PLAIN)
    services.tree_update(tree_id=draft_tree.pk, author=author, title_en=HOSTILE_PLAIN)
    services.choice_update(
        tree_id=draft_tree.pk,
        author=author,
        choice_id=draft_tree.nodes.get(key="start").choices.first().pk,
        label_it=HOSTILE_PLAIN,
    )
    services.tree_publish(tree_id=draft_tree.pk, reviewer=reviewer)
    return draft_tree


def test_the_bot_and_email_get_sanitised_html_and_plain_text(hostile_tree):
    answer = selectors.tree_node(slug="gift-wrap", node_key="online", language="it")
    assert_clean(answer.html)
    assert "<script" not in answer.text and "alert('x')" not in answer.text
    question = selectors.tree_node(slug="gift-wrap", node_key="start", language="it")
    assert_clean(question.html)  # a question's text is escaped, never interpreted
    assert "&lt;script&gt;" in question.html


def test_the_internal_api_returns_sanitised_html(client, settings, hostile_tree):
    settings.ACTIONS_API_TOKEN = "t"
    body = client.get(
        "/internal/api/v1/kb/trees/gift-wrap/nodes/online",
        {"lang": "en"},
        HTTP_AUTHORIZATION="Bearer t",
    ).json()
    assert_clean(body["html"])


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("kb:editor", {}),
        ("kb:preview", {"node": "online"}),
        ("kb:preview", {"node": "start"}),
        ("kb:preview", {"node": "online", "version": "1"}),
        ("kb:review", {}),
        ("kb:diff", {"from": "0", "to": "1"}),
        ("kb:history", {}),
        ("kb:list", {"ask": "gift wrapping", "ask_lang": "en"}),
    ],
)
def test_every_page_shows_kb_text_sanitised_or_escaped(client, reviewer, hostile_tree, name, query):
    client.force_login(reviewer)
    args = [] if name == "kb:list" else ["gift-wrap"]
    page = client.get(reverse(name, args=args), query).content.decode()
    assert_no_active_content(page)


class _Elements(HTMLParser):
    """Every element of a page with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def assert_no_active_content(page: str) -> None:
    """What the browser would run or load: KB text may appear, but only as text."""
    parser = _Elements()
    parser.feed(page)
    for tag, attrs in parser.elements:
        assert tag not in {"iframe", "svg", "img", "style", "object", "embed"}, (tag, attrs)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for value in attrs.values():
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/kb/") or not attrs.get("src"), attrs
    assert not [script for script in parser.scripts if "alert" in script]


def test_the_public_search_returns_titles_as_json_strings(client, hostile_tree):
    results = client.get("/api/kb/search", {"q": "gift wrap", "lang": "en"}).json()["results"]
    assert results[0]["title"] == HOSTILE_PLAIN  # data for the caller, which renders it as text
    assert client.get("/api/kb/search", {"q": "x"})["Content-Type"] == "application/json"
