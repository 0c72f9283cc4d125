"""The linter: one finding per kind of problem, pointing at the node it concerns."""

from __future__ import annotations

import copy

import pytest

from kb.lint import lint
from tests.unit.kb.conftest import valid_content


def codes(content, **kwargs) -> list[tuple[str, str | None]]:
    return [(f.code, f.node) for f in lint(content, **kwargs)]


def node(content: dict, key: str) -> dict:
    return next(n for n in content["nodes"] if n["key"] == key)


def test_a_complete_tree_has_no_findings():
    assert lint(valid_content()) == []


def test_a_question_without_choices_is_a_dead_end():
    content = valid_content()
    content["nodes"].append(
        {"key": "more", "kind": "question", "text": {"it": "Altro?", "en": "More?"}, "choices": []}
    )
    node(content, "start")["choices"][0]["target"] = "more"
    assert ("dead_end", "more") in codes(content)


def test_a_choice_leading_nowhere_is_reported():
    content = valid_content()
    node(content, "start")["choices"][1]["target"] = None
    assert ("missing_target", "start") in codes(content)


def test_a_node_no_choice_leads_to_is_unreachable():
    content = valid_content()
    node(content, "start")["choices"].pop()  # "shop" is now an orphan
    assert codes(content) == [("unreachable", "shop")]


def test_a_loop_is_a_cycle_and_is_reported_once():
    content = valid_content()
    content["nodes"].append(
        {
            "key": "again",
            "kind": "question",
            "text": {"it": "Di nuovo?", "en": "Again?"},
            "choices": [
                {
                    "label": {"it": "Sì", "en": "Yes"},
                    "synonyms": {"it": [], "en": []},
                    "target": "start",
                }
            ],
        }
    )
    node(content, "start")["choices"][0]["target"] = "again"
    node(content, "start")["choices"].append(
        {
            "label": {"it": "Sito", "en": "Site"},
            "synonyms": {"it": [], "en": []},
            "target": "online",
        }
    )
    findings = [f for f in lint(content) if f.code == "cycle"]
    assert len(findings) == 1
    assert findings[0].node == "start" and "start → again → start" in findings[0].message


def test_two_choices_may_lead_to_the_same_node():
    content = valid_content()
    node(content, "start")["choices"][1]["target"] = "online"  # reuse, not a loop
    assert codes(content) == [("unreachable", "shop")]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (lambda c: c["title"].update(en=""), ("missing_translation", None)),
        (lambda c: c["examples"].update(it=[]), ("missing_translation", None)),
        (lambda c: node(c, "start")["text"].update(en=""), ("missing_translation", "start")),
        (
            lambda c: node(c, "start")["choices"][0]["label"].update(it=""),
            ("missing_translation", "start"),
        ),
        (lambda c: node(c, "online")["text"].update(it=""), ("missing_translation", "online")),
    ],
)
def test_text_in_one_language_only_is_a_missing_translation(where, expected):
    content = valid_content()
    where(content)
    assert codes(content) == [expected]


def test_an_answer_with_no_text_is_empty():
    content = valid_content()
    node(content, "online")["text"] = {"it": "", "en": "  "}
    assert codes(content) == [("empty_answer", "online")]


def test_an_answer_that_is_only_markup_is_empty_after_sanitising():
    content = valid_content()
    node(content, "online")["text"] = {"it": "<script>x()</script>", "en": "<b></b>"}
    assert ("empty_answer", "online") in codes(content)


def test_no_start_node_is_reported():
    content = valid_content()
    content["root"] = None
    assert ("no_root", None) in codes(content)


def test_an_attachment_of_the_wrong_type_or_size_or_missing_is_broken():
    content = valid_content()
    good = {"name": "x", "file": "kb/attachments/a.pdf", "content_type": "application/pdf"}
    node(content, "online")["attachments"] = [
        {**good, "size": 100},
        {**good, "content_type": "text/html", "size": 100},
        {**good, "size": 50 * 1024 * 1024},
    ]
    assert codes(content) == [("broken_attachment", "online")] * 2
    assert (
        codes(copy.deepcopy(content), file_exists=lambda path: False)
        == [("broken_attachment", "online")] * 3
    )
