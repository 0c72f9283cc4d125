"""YAML import/export, the management commands and the demo trees."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from kb import selectors, services
from kb.content import ContentError, content_from_yaml, content_to_yaml
from kb.lint import lint
from kb.models import Tree, TreeVersion

DEMO_DIR = services.DEMO_TREES_DIR
DEMO_SLUGS = [
    "garment-care",
    "gift-wrapping",
    "offers",
    "payments",
    "privacy",
    "returns",
    "service-hours",
    "shipping",
    "size-guide",
]
# The architecture's seven (ARCHITECTURE §6); the knowledge base may hold more.
ARCHITECTURE_SLUGS = {
    "returns",
    "shipping",
    "payments",
    "size-guide",
    "garment-care",
    "offers",
    "privacy",
}


def test_the_demo_trees_are_there():
    slugs = sorted(p.stem for p in DEMO_DIR.glob("*.yml"))
    assert slugs == DEMO_SLUGS
    assert ARCHITECTURE_SLUGS <= set(slugs)


@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_import_then_export_gives_back_the_same_yaml(teams, slug):
    path = DEMO_DIR / f"{slug}.yml"
    services.tree_import_yaml(path=path)
    tree = Tree.objects.get(slug=slug)
    exported = content_to_yaml(selectors.tree_draft_content(tree=tree))
    assert yaml.safe_load(exported) == yaml.safe_load(path.read_text())
    assert exported == path.read_text()  # the files are kept in the export's own layout


def test_export_command_writes_the_yaml_and_its_files_and_they_import_again(teams, tmp_path):
    services.tree_import_yaml(path=DEMO_DIR / "returns.yml")
    call_command("kb_export", "returns", "--out", str(tmp_path), stdout=io.StringIO())
    assert (tmp_path / "files" / "return-form.pdf").read_bytes() == (
        DEMO_DIR / "files" / "return-form.pdf"
    ).read_bytes()
    before = selectors.tree_draft_content(tree=Tree.objects.get(slug="returns"))
    Tree.objects.all().delete()
    call_command("kb_import", str(tmp_path / "returns.yml"), stdout=io.StringIO())
    assert selectors.tree_draft_content(tree=Tree.objects.get(slug="returns")) == before


def test_import_with_publish_publishes_once(db):
    out = io.StringIO()
    call_command("kb_import", str(DEMO_DIR / "offers.yml"), "--publish", stdout=out)
    call_command("kb_import", str(DEMO_DIR / "offers.yml"), "--publish", stdout=out)
    assert TreeVersion.objects.filter(tree__slug="offers").count() == 1
    assert out.getvalue().splitlines() == ["offers: created, published v1", "offers: unchanged"]


def test_a_tree_with_findings_imports_as_a_draft_but_does_not_publish(db, tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text(
        "slug: broken\ntitle: {it: Rotto, en: Broken}\nroot: start\n"
        "nodes:\n- {key: start, kind: question, text: {it: 'Cosa?', en: 'What?'}}\n"
    )
    with pytest.raises(Exception, match="dead_end"):
        call_command("kb_import", str(path), "--publish", stdout=io.StringIO())
    assert Tree.objects.get(slug="broken").live_version is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just a list", "mapping"),
        ("slug: Not A Slug", "slug"),
        ("slug: x\nnodes: [{key: a, kind: poem}]", "kind"),
        ("slug: x\nroot: nowhere\nnodes: []", "root"),
        ("slug: x\nnodes: [{key: a, kind: answer}, {key: a, kind: answer}]", "twice"),
        (
            "slug: x\nnodes: [{key: a, kind: question, choices: [{target: b}]}]",
            "no node has the key 'b'",
        ),
        ("slug: x\ntitle: {de: Hallo}", "languages"),
        ("slug: x\nnodes: [{key: a, kind: answer, followup: {action: dance}}]", "followup"),
        ("slug: [unclosed", "YAML"),
    ],
)
def test_invalid_yaml_is_refused_with_where_it_is_wrong(text, message):
    with pytest.raises(ContentError, match=message):
        content_from_yaml(text)


def test_an_attachment_file_outside_the_yaml_folder_is_refused(db, tmp_path):
    (tmp_path / "t.yml").write_text(
        "slug: t\nroot: a\nnodes:\n- key: a\n  kind: answer\n  text: {it: x, en: x}\n"
        "  attachments: [{name: secret, file: ../../etc/passwd}]\n"
    )
    with pytest.raises(ContentError, match="no file"):
        services.tree_import_yaml(path=tmp_path / "t.yml")


def test_demo_trees_load_publishes_all_and_is_idempotent(teams):
    counts = services.demo_trees_load()
    assert counts["kb.Tree (demo, published)"] == len(DEMO_SLUGS)
    assert services.demo_trees_load()["kb.TreeVersion (demo)"] == len(DEMO_SLUGS)  # no new ones
    for tree in Tree.objects.select_related("live_version"):
        assert lint(tree.live_version.content) == [], tree.slug
        assert tree.status == Tree.Status.PUBLISHED


def test_demo_trees_load_leaves_a_tree_an_author_edited_alone(demo_trees, author):
    tree = Tree.objects.get(slug="offers")
    services.node_update(tree_id=tree.pk, author=author, key="sales", text_it="Saldi: luglio.")
    services.demo_trees_load()
    assert selectors.tree_draft_content(tree=tree)["nodes"][3]["text"]["it"] == "Saldi: luglio."


def test_the_offers_tree_says_when_the_pullover_offers_start(demo_trees):
    it = selectors.tree_node(slug="offers", node_key="pullover-offers", language="it")
    en = selectors.tree_node(slug="offers", node_key="pullover-offers", language="en")
    assert "Le offerte speciali sui pullover partono a giugno" in it.text
    assert "The special offers on pullovers start in June" in en.text


def test_demo_attachments_are_stored_and_served(demo_trees, media):
    node = selectors.tree_node(slug="returns", node_key="online-return", language="it")
    (attachment,) = node.attachments
    assert attachment["content_type"] == "application/pdf"
    assert attachment["url"].endswith(".pdf") and "/media/kb/attachments/" in attachment["url"]
    assert len(list(Path(media, "kb", "attachments").iterdir())) == 2  # the PDF and the PNG
