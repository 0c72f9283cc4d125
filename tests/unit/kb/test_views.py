"""The authoring pages: login and permissions, autosave, review, history, preview."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kb import services
from kb.models import Tree, TreeVersion

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


PAGES = [
    ("kb:list", []),
    ("kb:editor", ["gift-wrap"]),
    ("kb:history", ["gift-wrap"]),
    ("kb:diff", ["gift-wrap"]),
    ("kb:preview", ["gift-wrap"]),
    ("kb:review", ["gift-wrap"]),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_pages_need_a_login(client, draft_tree, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_pages_need_a_kb_permission(client, make_operator, draft_tree, name, args):
    client.force_login(make_operator("luca"))
    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_an_author_sees_every_page(author_client, draft_tree, name, args):
    assert author_client.get(reverse(name, args=args)).status_code == 200


def test_the_list_searches_trees(author_client, draft_tree, demo_trees):
    page = author_client.get(reverse("kb:list"), {"q": "regalo"}).content.decode()
    assert "gift-wrap" in page and "shipping" not in page
    page = author_client.get(reverse("kb:list"), {"ask": "cambio taglia", "ask_lang": "it"})
    assert page.context["hits"][0].slug == "returns"


def test_creating_a_tree_opens_its_editor_with_the_linter_findings(author_client):
    response = author_client.post(reverse("kb:new"), {"slug": "loyalty", "title_it": "Fedeltà"})
    assert response.status_code == 302 and response["Location"] == "/kb/trees/loyalty/"
    page = author_client.get(response["Location"])
    codes = {f.code for f in page.context["findings"]}
    assert {"dead_end", "empty_question", "no_examples"} <= codes
    assert 'data-testid="submit-review"' in page.content.decode()


def test_autosave_answers_with_the_findings(author_client, draft_tree):
    url = reverse("kb:node-edit", args=["gift-wrap", "online"])
    body = author_client.post(url, {"text_it": "Nuovo", "text_en": ""}, **JSON).json()
    assert body["ok"] is True and body["status"] == "draft"
    assert [(f["code"], f["node"]) for f in body["findings"]] == [("missing_translation", "online")]
    body = author_client.post(url, {"text_en": "New"}, **JSON).json()
    assert body["findings"] == []


def test_autosave_reports_a_refused_edit(author_client, draft_tree):
    url = reverse("kb:node-edit", args=["gift-wrap", "online"])
    response = author_client.post(url, {"new_key": "Not A Key!"}, **JSON)
    assert response.status_code == 400 and response.json()["ok"] is False


def test_an_author_cannot_publish_through_the_ui(author_client, draft_tree):
    response = author_client.post(reverse("kb:publish", args=["gift-wrap"]))
    assert response.status_code == 403 and not TreeVersion.objects.exists()


def test_submit_then_a_reviewer_publishes(client, author, reviewer, draft_tree):
    client.force_login(author)
    client.post(reverse("kb:submit", args=["gift-wrap"]))
    assert Tree.objects.get(slug="gift-wrap").status == "in_review"
    client.force_login(reviewer)
    queue = client.get(reverse("kb:review-queue")).content.decode()
    assert "gift-wrap" in queue
    response = client.post(reverse("kb:publish", args=["gift-wrap"]), {"comment": "ok"})
    assert response.status_code == 302
    assert TreeVersion.objects.get().comment == "ok"


def test_a_blocked_publish_shows_the_findings(reviewer_client, draft_tree, reviewer):
    services.node_update(tree_id=draft_tree.pk, author=reviewer, key="online", text_en="")
    response = reviewer_client.post(reverse("kb:publish", args=["gift-wrap"]), follow=True)
    assert "missing_translation" in response.content.decode()
    assert not TreeVersion.objects.exists()


def test_history_diff_and_rollback_pages(reviewer_client, published_tree, reviewer):
    services.node_update(tree_id=published_tree.pk, author=reviewer, key="shop", text_it="Gratis!")
    services.tree_publish(tree_id=published_tree.pk, reviewer=reviewer)
    history = reviewer_client.get(reverse("kb:history", args=["gift-wrap"])).content.decode()
    assert 'data-testid="version-2"' in history and 'data-testid="rollback-1"' in history
    diff = reviewer_client.get(reverse("kb:diff", args=["gift-wrap"]), {"from": 1, "to": 2})
    assert "<ins>Gratis!</ins>" in diff.content.decode()
    reviewer_client.post(reverse("kb:rollback", args=["gift-wrap"]), {"number": "1"})
    assert TreeVersion.objects.get(number=3).rollback_of == 1


def test_preview_walks_the_draft_and_matches_typed_text(author_client, draft_tree):
    url = reverse("kb:preview", args=["gift-wrap"])
    start = author_client.get(url, {"lang": "en"})
    assert start.context["view"].key == "start"
    typed = author_client.get(url, {"lang": "it", "node": "start", "say": "sul sito"})
    assert typed.context["view"].key == "online" and typed.context["path"] == ["start"]
    nothing = author_client.get(url, {"lang": "it", "node": "start", "say": "boh"})
    assert nothing.context["note"] == "no_match"


def test_export_downloads_yaml(author_client, draft_tree):
    response = author_client.get(reverse("kb:export", args=["gift-wrap"]))
    assert response["Content-Disposition"] == 'attachment; filename="gift-wrap.yml"'
    assert b"slug: gift-wrap" in response.content


def test_an_attachment_upload_is_type_checked(author_client, draft_tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("kb:attachment-new", args=["gift-wrap", "online"])
    html = SimpleUploadedFile("form.pdf", b"<html><script>1</script>", "application/pdf")
    response = author_client.post(url, {"file": html}, follow=True)
    assert "only PDF documents" in response.content.decode()
    pdf = SimpleUploadedFile("form.pdf", b"%PDF-1.4 ok", "application/pdf")
    author_client.post(url, {"file": pdf, "name": "Modulo"})
    assert draft_tree.nodes.get(key="online").attachments.get().name == "Modulo"
