"""Review and publishing: the linter blocks, versions are frozen, history, diff, rollback."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kb import selectors, services
from kb.diff import content_diff
from kb.models import Node, Tree, TreeVersion
from tests.unit.kb.conftest import AUTHOR_PERMISSIONS, give


def edit(tree, author, **changes):
    return services.node_update(tree_id=tree.pk, author=author, **changes)


# Each breaks a valid draft in one way; the publish must refuse with that code.
BREAKAGES = {
    "dead_end": lambda t, a: services.node_create(
        tree_id=t.pk,
        author=a,
        key="more",
        kind="question",
        text_it="Altro?",
        text_en="More?",
        parent_key="start",
        label_it="Altro",
        label_en="More",
    ),
    "missing_target": lambda t, a: services.choice_create(
        tree_id=t.pk, author=a, node_key="start", label_it="Boh", label_en="Dunno"
    ),
    "unreachable": lambda t, a: services.node_create(
        tree_id=t.pk, author=a, key="orphan", kind="answer", text_it="Ciao", text_en="Hi"
    ),
    "cycle": lambda t, a: services.choice_create(
        tree_id=t.pk,
        author=a,
        node_key="start",
        target_key="start",
        label_it="Ricomincia",
        label_en="Start over",
    ),
    "missing_translation": lambda t, a: edit(t, a, key="online", text_en=""),
    "empty_answer": lambda t, a: edit(t, a, key="online", text_it="", text_en=""),
    "broken_attachment": lambda t, a: _attach_then_lose_the_file(t, a),
}


def _attach_then_lose_the_file(tree, author):
    from django.core.files.storage import default_storage

    attachment = services.attachment_add(
        tree_id=tree.pk, author=author, node_key="online", name="Form", data=b"%PDF-1.4 test"
    )
    default_storage.delete(attachment.file.name)


@pytest.mark.parametrize("code", sorted(BREAKAGES))
def test_publish_is_blocked_by_each_linter_finding(draft_tree, author, reviewer, code):
    BREAKAGES[code](draft_tree, author)
    with pytest.raises(services.PublishBlocked) as blocked:
        services.tree_publish(tree_id=draft_tree.pk, reviewer=reviewer)
    assert code in {finding.code for finding in blocked.value.findings}
    assert not TreeVersion.objects.filter(tree=draft_tree).exists()
    with pytest.raises(services.PublishBlocked):  # nor can it be submitted
        services.tree_submit(tree_id=draft_tree.pk, author=author)


def test_an_author_without_the_reviewer_permission_cannot_publish(draft_tree, author):
    with pytest.raises(services.NotAllowed):
        services.tree_publish(tree_id=draft_tree.pk, reviewer=author)
    assert not TreeVersion.objects.exists()


def test_a_user_without_kb_permissions_cannot_edit(draft_tree, make_operator):
    stranger = make_operator("luca")
    with pytest.raises(services.NotAllowed):
        edit(draft_tree, stranger, key="online", text_it="x")


def test_submit_review_publish_makes_a_frozen_version(draft_tree, author, reviewer):
    services.tree_submit(tree_id=draft_tree.pk, author=author)
    draft_tree.refresh_from_db()
    assert draft_tree.status == Tree.Status.IN_REVIEW and draft_tree.submitted_by == author
    with pytest.raises(services.TreeLocked):  # no edits under review
        edit(draft_tree, author, key="online", text_it="cambiato")

    version = services.tree_publish(tree_id=draft_tree.pk, reviewer=reviewer, comment="ok")
    draft_tree.refresh_from_db()
    assert (version.number, version.published_by, version.comment) == (1, reviewer, "ok")
    assert draft_tree.status == Tree.Status.PUBLISHED and draft_tree.live_version == version

    edit(draft_tree, author, key="online", text_it="Nuovo testo.")
    version.refresh_from_db()
    assert "confezione regalo" in version.content["nodes"][1]["text"]["it"]  # frozen
    assert selectors.tree_node(slug="gift-wrap", node_key="online", language="it").text != (
        "Nuovo testo."
    )
    draft_tree.refresh_from_db()
    assert draft_tree.status == Tree.Status.DRAFT


def test_a_reviewer_sends_back_with_a_comment(draft_tree, author, reviewer):
    services.tree_submit(tree_id=draft_tree.pk, author=author)
    with pytest.raises(ValidationError):
        services.tree_send_back(tree_id=draft_tree.pk, reviewer=reviewer, comment="  ")
    services.tree_send_back(tree_id=draft_tree.pk, reviewer=reviewer, comment="Prezzo?")
    draft_tree.refresh_from_db()
    assert draft_tree.status == Tree.Status.DRAFT and draft_tree.review_comment == "Prezzo?"
    with pytest.raises(services.NotAllowed):
        services.tree_send_back(tree_id=draft_tree.pk, reviewer=author, comment="x")


def test_publishing_an_unchanged_draft_is_refused(published_tree, reviewer):
    with pytest.raises(services.NothingToPublish):
        services.tree_publish(tree_id=published_tree.pk, reviewer=reviewer)


def test_history_diff_and_rollback(published_tree, author, reviewer):
    edit(published_tree, author, key="online", text_it="Scegli la confezione: costa 3 €.")
    services.tree_publish(tree_id=published_tree.pk, reviewer=reviewer, comment="prezzo")
    assert [v.number for v in selectors.tree_versions(tree=published_tree)] == [2, 1]

    v1, v2 = (TreeVersion.objects.get(tree=published_tree, number=n) for n in (1, 2))
    changes = content_diff(v1.content, v2.content)
    assert [(c.kind, c.label) for c in changes] == [("changed", "Node online › answer (it)")]
    added = "".join(s.text for s in changes[0].segments if s.op == "added")
    removed = "".join(s.text for s in changes[0].segments if s.op == "removed")
    assert "3" in added and "2" in removed

    edit(published_tree, author, key="shop", text_it="Bozza in corso.")  # unpublished work
    v3 = services.tree_rollback(tree_id=published_tree.pk, reviewer=reviewer, number=1)
    published_tree.refresh_from_db()
    assert (v3.number, v3.rollback_of, v3.content) == (3, 1, v1.content)
    assert published_tree.live_version == v3 and published_tree.status == Tree.Status.PUBLISHED
    assert selectors.tree_draft_content(tree=published_tree) == v1.content  # draft reset too
    assert "2 €" in selectors.tree_node(slug="gift-wrap", node_key="online", language="it").text
    assert content_diff(v1.content, v3.content) == []


def test_rollback_needs_the_reviewer_permission(published_tree, author):
    with pytest.raises(services.NotAllowed):
        services.tree_rollback(tree_id=published_tree.pk, reviewer=author, number=1)


def test_rolling_back_to_the_live_content_is_refused(published_tree, reviewer):
    with pytest.raises(services.NothingToPublish):
        services.tree_rollback(tree_id=published_tree.pk, reviewer=reviewer, number=1)


def test_editing_builds_a_publishable_tree_step_by_step(author, reviewer, db):
    author = give(author, *AUTHOR_PERMISSIONS)
    tree = services.tree_create(slug="loyalty", author=author, title_it="Fedeltà")
    assert {f.code for f in services.tree_lint(tree=tree)} >= {"dead_end", "empty_question"}
    services.tree_update(
        tree_id=tree.pk,
        author=author,
        title_en="Loyalty",
        examples_it="Come funziona la tessera?",
        examples_en="How does the card work?",
    )
    edit(tree, author, key="start", text_it="Cosa ti serve?", text_en="What do you need?")
    services.node_create(
        tree_id=tree.pk,
        author=author,
        key="points",
        kind="answer",
        parent_key="start",
        label_it="Punti",
        label_en="Points",
        text_it="1 punto per euro.",
        text_en="1 point per euro.",
    )
    services.node_create(
        tree_id=tree.pk,
        author=author,
        key="card",
        kind="answer",
        parent_key="start",
        label_it="Tessera",
        label_en="Card",
        text_it="In cassa.",
        text_en="At the till.",
    )
    tree.refresh_from_db()
    assert services.tree_lint(tree=tree) == []
    choice = tree.nodes.get(key="start").choices.get(label_it="Tessera")
    services.choice_move(tree_id=tree.pk, author=author, choice_id=choice.pk, direction="up")
    content = selectors.tree_draft_content(tree=tree)
    assert [c["target"] for c in content["nodes"][0]["choices"]] == ["card", "points"]
    # Reuse: a second choice leading to an existing node.
    services.choice_create(
        tree_id=tree.pk,
        author=author,
        node_key="start",
        target_key="points",
        label_it="Saldo punti",
        label_en="Points balance",
    )
    version = services.tree_publish(tree_id=tree.pk, reviewer=reviewer)
    assert version.number == 1 and version.content["nodes"][0]["choices"][2]["target"] == "points"


def test_renaming_a_node_keeps_its_choices_and_counters(published_tree, author):
    services.node_counter_record(slug="gift-wrap", node_key="online", event="visit")
    edit(published_tree, author, key="online", new_key="online-order")
    content = selectors.tree_draft_content(tree=published_tree)
    assert content["nodes"][0]["choices"][0]["target"] == "online-order"
    assert published_tree.counters.get().node_key == "online-order"


def test_a_question_with_choices_cannot_become_an_answer(draft_tree, author):
    with pytest.raises(ValidationError):
        edit(draft_tree, author, key="start", kind=Node.Kind.ANSWER)


def test_deleting_a_node_leaves_its_choice_without_target(draft_tree, author):
    services.node_delete(tree_id=draft_tree.pk, author=author, key="shop")
    assert ("missing_target", "start") in {
        (f.code, f.node) for f in services.tree_lint(tree=draft_tree)
    }


def test_counters_count_visits_resolved_and_escalated(published_tree):
    for event in ("visit", "visit", "resolved", "escalated"):
        services.node_counter_record(slug="gift-wrap", node_key="online", event=event)
    counter = selectors.node_counters(tree=published_tree)["online"]
    assert (counter.visits, counter.resolved, counter.escalated) == (2, 1, 1)
    with pytest.raises(selectors.NodeNotFound):
        services.node_counter_record(slug="gift-wrap", node_key="nope", event="visit")
    with pytest.raises(ValueError):
        services.node_counter_record(slug="gift-wrap", node_key="online", event="liked")
