"""The KB editor in a real browser against a real daphne: author, linter, review, publish, preview.

Only the web process is needed (no Rasa), so this starts it alone from the Procfile,
sharing the test database like tests/stack.py does.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from playwright.sync_api import Browser, Page, expect

from kb.models import Tree, TreeVersion
from tests.e2e.conftest import docs_screenshot, screenshot
from tests.processes import Service, database_url_of, free_port

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "kb-editor-test-1234"


@pytest.fixture(scope="module")
def web_url(django_db_setup, django_db_blocker) -> Iterator[str]:
    port = free_port()
    with django_db_blocker.unblock():
        database_url = database_url_of(connection.settings_dict)
    web = Service(
        "web",
        {
            "WEB_PORT": str(port),
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        },
    ).start()
    try:
        web.wait_for_port(port, timeout_seconds=60)  # /healthz is 503 without Rasa
        yield f"http://127.0.0.1:{port}"
    finally:
        web.stop()


def make_user(username: str, *codenames: str):
    # is_staff: the login page is Django admin's (LOGIN_URL), which wants staff accounts.
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="kb", codename__in=codenames)
    )
    return user


def log_in(page: Page, web_url: str, username: str) -> None:
    page.goto(f"{web_url}/admin/login/?next=/kb/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.get_by_test_id("tree-list")).to_be_visible()


def saved(page: Page) -> None:
    expect(page.get_by_test_id("save-state")).to_contain_text("Draft saved")


def findings(page: Page):
    return page.get_by_test_id("findings").locator("li")


def test_author_fixes_a_linter_error_submits_and_a_reviewer_publishes(
    web_url: str, page: Page, browser: Browser
):
    make_user("giulia", "view_tree", "add_tree", "change_tree")
    make_user("anna", "view_tree", "change_tree", "publish_tree")

    # The author creates a small tree.
    log_in(page, web_url, "giulia")
    new_tree = page.get_by_test_id("new-tree")
    new_tree.locator("input[name=slug]").fill("gift-wrap")
    new_tree.locator("input[name=title_it]").fill("Confezione regalo")
    new_tree.locator("input[name=title_en]").fill("Gift wrapping")
    new_tree.get_by_role("button", name="Create").click()
    expect(page.get_by_test_id("tree-status")).to_contain_text("draft")

    page.get_by_test_id("examples-it").fill("Potete incartare il mio regalo?")
    page.get_by_test_id("examples-en").fill("Can you gift wrap my order?")
    saved(page)
    page.get_by_test_id("text-it-start").fill("Per quale acquisto?")
    page.get_by_test_id("text-en-start").fill("For which purchase?")
    saved(page)

    # The linter says the start question is a dead end; submitting is not possible.
    expect(findings(page).filter(has_text="dead_end")).to_have_count(1)
    expect(page.get_by_test_id("submit-review")).to_be_disabled()

    # A choice leading to a new answer: the dead end is gone, the empty answer is reported.
    page.get_by_test_id("new-label-it-start").fill("Acquisto online")
    page.get_by_test_id("new-label-en-start").fill("Online purchase")
    page.get_by_test_id("new-key-start").fill("online")
    page.get_by_test_id("add-choice-button-start").click()
    expect(page.get_by_test_id("node-online")).to_be_visible()
    expect(findings(page).filter(has_text="dead_end")).to_have_count(0)
    expect(findings(page).filter(has_text="empty_answer")).to_have_count(1)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "kb-editor-linter")
    docs_screenshot(page, "kb-editor")

    # Fixing it: the panel empties as the draft autosaves, and submitting is allowed.
    page.get_by_test_id("text-it-online").fill("Scegli **confezione regalo** nel carrello: 2 €.")
    saved(page)
    expect(findings(page).filter(has_text="missing_translation")).to_have_count(1)
    page.get_by_test_id("text-en-online").fill("Choose **gift wrapping** in the basket: €2.")
    saved(page)
    expect(findings(page)).to_have_count(0)
    expect(page.get_by_test_id("lint-ok")).to_be_visible()
    expect(page.get_by_test_id("rendered-it-online").locator("strong")).to_have_text(
        "confezione regalo"
    )
    page.get_by_test_id("submit-review").click()
    expect(page.get_by_test_id("in-review")).to_be_visible()
    assert Tree.objects.get(slug="gift-wrap").status == Tree.Status.IN_REVIEW

    # The reviewer publishes from the review queue.
    reviewer_context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        reviewer = reviewer_context.new_page()
        reviewer.set_default_timeout(20_000)
        log_in(reviewer, web_url, "anna")
        reviewer.get_by_test_id("nav-review").click()
        reviewer.get_by_role("link", name="Review", exact=True).click()
        expect(reviewer.get_by_test_id("diff")).to_contain_text("confezione regalo")
        reviewer.get_by_test_id("publish-comment").fill("Prima versione")
        reviewer.get_by_test_id("publish").click()
        expect(reviewer.get_by_test_id("version-1")).to_contain_text("live")
        expect(reviewer.get_by_test_id("version-1")).to_contain_text("Prima versione")
    finally:
        reviewer_context.close()
    version = TreeVersion.objects.get(tree__slug="gift-wrap")
    assert (version.number, version.published_by.username) == (1, "anna")

    # The author previews the tree as a customer would walk it.
    page.goto(f"{web_url}/kb/trees/gift-wrap/")
    page.get_by_test_id("preview-link").click()
    expect(page.get_by_test_id("preview-node")).to_contain_text("Per quale acquisto?")
    page.get_by_test_id("preview-choices").get_by_role("link", name="Acquisto online").click()
    expect(page.get_by_test_id("preview-node").locator("strong")).to_have_text("confezione regalo")
    screenshot(page, "kb-preview")

    # And what was published is what the public search finds, at once.
    response = page.request.get(f"{web_url}/api/kb/search?q=gift+wrapping&lang=en")
    assert response.json()["results"][0]["slug"] == "gift-wrap"


def test_an_author_cannot_reach_the_review_queue(web_url: str, page: Page):
    make_user("luca", "view_tree", "change_tree")
    log_in(page, web_url, "luca")
    expect(page.get_by_test_id("nav-review")).to_have_count(0)
    response = page.request.get(f"{web_url}/kb/review/")
    assert response.status == 403
