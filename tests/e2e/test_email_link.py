"""Steps 1-5 of the reference scenario's e-mail part, in real browsers: Mario's e-mail over
SMTP, the automatic answer's link opened in the widget (the bot already knows the topic and
asks only for what is missing), and the operator seeing the e-mail and the chat in one
timeline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from shop.demo import DEMO_PASSWORD
from tests.e2e.conftest import screenshot
from tests.integration.test_email import gateway, sink  # noqa: F401
from tests.mailbox import body_of, mario_mail, send

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_email_link_opens_a_chat_that_knows_the_request(stack, gateway, sink, browser: Browser):  # noqa: F811
    send(
        gateway,
        mario_mail("vorrei informazioni sui pullover in offerta speciale nel mese di maggio"),
    )
    (reply,) = sink.wait_for(1)
    link = re.search(r"https?://\S+sportello_entry=\S+", body_of(reply)).group(0)

    customer = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    customer.goto(link)
    bot = customer.locator('[data-testid="message"][data-sender="bot"]')
    # The e-mail said "pullover" and Mario is a known customer: the first question is the
    # size, not the kind of garment or who it is for.
    expect(bot.first).to_contain_text("Che taglia?", timeout=30_000)
    assert "Che tipo di capo" not in customer.locator("#sportello-widget").inner_text()
    customer.get_by_test_id("composer-input").fill("L")
    customer.get_by_test_id("composer-input").press("Enter")
    expect(bot.last).to_contain_text("colori preferiti", timeout=30_000)
    customer.get_by_test_id("composer-input").fill("blu")
    customer.get_by_test_id("composer-input").press("Enter")
    expect(customer.get_by_test_id("product-card").first).to_be_visible(timeout=30_000)
    screenshot(customer, "email-link-chat")
    conversation_id = customer.evaluate("window.SportelloWidget.state().conversation")

    console = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    console.goto(f"{stack.web_url}/console/login/")
    console.get_by_test_id("login-username").fill("laura")
    console.get_by_test_id("login-password").fill(DEMO_PASSWORD)
    console.get_by_test_id("login-submit").click()
    console.goto(f"{stack.web_url}/console/conversations/{conversation_id}/")
    emails = console.locator('[data-testid="timeline-item"][data-kind="email"]')
    expect(emails.first).to_be_visible()
    expect(console.get_by_test_id("timeline")).to_contain_text("pullover in offerta speciale")
    expect(console.get_by_test_id("timeline")).to_contain_text("partono a giugno")
    chats = console.locator('[data-testid="timeline-item"][data-kind="chat"]')
    expect(chats.first).to_be_visible()
    expect(console.get_by_test_id("timeline")).to_contain_text("Che taglia?")
    screenshot(console, "email-link-timeline")
