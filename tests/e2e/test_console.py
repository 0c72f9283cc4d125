"""The reference scenario across two browsers: Mario in the shop's widget, Laura in the console.

Everything between the two sides goes through the real pages and sockets of one daphne
(the test process only sets up data before the pages open and checks the database after).
"""

from __future__ import annotations

import email
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from crm.models import Conversation, Customer
from shop.demo import DEMO_PASSWORD, load_demo
from shop.models import Order, PrepaidCard, Product
from tests.e2e.conftest import (
    console_login,
    docs_screenshot,
    eventually,
    new_page,
    widget_messages,
)

pytestmark = pytest.mark.django_db(transaction=True)

MARIO_CARD = "4000-1234-5678-9010"


def mail_mentioning(text: str, *, since: float) -> email.message.Message:
    """The e-mail daphne's file backend wrote (var/mail/) that mentions `text`."""
    folder = Path(settings.EMAIL_FILE_PATH)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.log")):
            if path.stat().st_mtime < since - 1:
                continue
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                message = email.message_from_bytes(raw.strip())
                if text in str(message.get("Subject", "")):
                    return message
        time.sleep(0.3)
    raise AssertionError(f"no e-mail about {text} in {folder}")


def test_handoff_take_over_catalog_and_order_form_across_two_browsers(stack, browser):
    load_demo()  # users, customers, products and cards, before the pages open
    started = time.time()
    mario = Customer.objects.get(email="mario.rossi@example.it", verified=True)
    orders_before = set(Order.objects.filter(customer=mario).values_list("number", flat=True))
    natural_pullovers = set(
        Product.objects.filter(
            category="pullover", material__fibre_type="natural", stock__gt=0
        ).values_list("sku", flat=True)
    )
    assert "PUL-W-009" in natural_pullovers and not Product.objects.get(sku="PUL-W-009").published

    operator_context, console = new_page(browser, width=1500, height=950)
    customer_context, shop = new_page(browser, width=1280, height=900)
    try:
        # Laura logs in and waits at the queue.
        console.goto(f"{stack.web_url}/console/login/")
        console.get_by_test_id("login-username").fill("laura")
        console.get_by_test_id("login-password").fill(DEMO_PASSWORD)
        console.get_by_test_id("login-submit").click()
        expect(console.get_by_test_id("socket-status")).to_have_attribute("data-status", "online")
        # An it-IT browser gets the console in Italian (Accept-Language).
        expect(console.locator("html")).to_have_attribute("lang", "it")
        expect(console.locator(".lane h2").first).to_contain_text("In attesa di un operatore")

        # Mario chats with the bot, then presses Live Interaction.
        shop.goto(f"{stack.web_url}/demo/?as=mario")
        if not shop.get_by_test_id("panel").is_visible():
            shop.get_by_test_id("launcher").click()
        shop.get_by_test_id("composer-input").fill("ciao")
        shop.get_by_test_id("composer-input").press("Enter")
        expect(widget_messages(shop, "bot").first).to_contain_text("Ciao Mario")
        shop.get_by_test_id("live-interaction").click()
        expect(shop.get_by_test_id("queue-status")).to_be_visible()
        conversation_id = shop.evaluate("window.SportelloWidget.state().conversation")

        # The handoff appears in Laura's queue, live, with its context card.
        item = console.locator(f'[data-testid="queue-item"][data-conversation="{conversation_id}"]')
        expect(item).to_contain_text("Mario Rossi")
        expect(item).to_contain_text("ha chiesto")  # the context card
        docs_screenshot(console, "console-queue")
        item.get_by_test_id("take-over").click()

        # The conversation view: the bot's part of the chat and Mario's orders.
        expect(console).to_have_url(re.compile(rf"/console/conversations/{conversation_id}/$"))
        expect(console.get_by_test_id("conversation-state")).to_have_text("con un operatore")
        bot_part = console.locator('[data-testid="chat-message"][data-sender="bot"]')
        expect(bot_part.first).to_contain_text("Ciao Mario")
        expect(console.get_by_test_id("customer-orders")).to_contain_text("A-10063")
        expect(console.locator('[data-testid="timeline-item"][data-kind="order"]')).to_have_count(3)
        expect(console.locator('[data-testid="timeline-item"][data-kind="chat"]')).to_contain_text(
            "Ciao Mario"
        )

        # Mario sees Laura join; they talk.
        joined = shop.locator('#sportello-widget [data-event="operator_joined"]')
        expect(joined).to_contain_text("Laura")
        console.get_by_test_id("console-composer").fill("Buongiorno Sig. Rossi, sono Laura")
        console.get_by_test_id("console-send").click()
        expect(widget_messages(shop, "operator").last).to_contain_text("sono Laura")
        shop.get_by_test_id("composer-input").fill("vorrei solo fibre naturali")
        shop.get_by_test_id("composer-input").press("Enter")
        expect(
            console.locator('[data-testid="chat-message"][data-sender="customer"]').last
        ).to_contain_text("solo fibre naturali")

        # Laura filters the catalog to natural-fibre pullovers, new ones included, and pushes it.
        console.get_by_test_id("filter-category").select_option("pullover")
        console.get_by_test_id("filter-fibre").select_option("natural")
        console.get_by_test_id("filter-unpublished").check()
        expect(console.get_by_test_id("catalog-count")).to_have_text(str(len(natural_pullovers)))
        console.get_by_test_id("push-catalog").click()
        cards = shop.locator('#sportello-widget [data-testid="product-card"]')
        expect(cards).to_have_count(len(natural_pullovers))
        shown = set(cards.evaluate_all("cards => cards.map(card => card.dataset.sku)"))
        assert shown == natural_pullovers  # natural fibres only, the unpublished one too

        # Mario opens the new merino pullover: Laura sees which one.
        shop.locator(
            '#sportello-widget [data-testid="product-card"][data-sku="PUL-W-009"] button'
        ).first.click()
        expect(console.get_by_test_id("product-opened")).to_contain_text("PUL-W-009")

        # Laura pushes an order form for the wool pullover, size M, grey.
        console.locator(
            '[data-testid="catalog-preview-item"][data-sku="PUL-W-001"]'
        ).get_by_test_id("prepare-order-form").click()
        console.get_by_test_id("order-size").select_option("M")
        console.get_by_test_id("order-colour").select_option("grey")
        console.get_by_test_id("push-order-form").click()
        form = shop.locator('#sportello-widget [data-testid="form"]')
        expect(form).to_be_visible()
        expect(form.locator('[name="size"]')).to_have_value("M")
        expect(form.locator('[name="shipping_name"]')).to_have_value("Mario Rossi")

        # Mario fills it in; Laura sees him typing into it.
        address = form.locator('[name="shipping_address"]')
        address.fill("")
        address.press_sequentially("Via Manzoni 12, scala B", delay=20)
        mirror = console.get_by_test_id("console-form")
        expect(mirror.locator('[name="shipping_address"]')).to_have_value("Via Manzoni 12, scala B")
        expect(mirror.get_by_test_id("console-form-status")).to_contain_text("sta compilando")
        form.locator('[name="payment_method"]').select_option("prepaid_card")

        # A wrong card code: a field error on Mario's side, nothing is created.
        form.locator('[name="card_code"]').fill("4000-0000-0000-0000")
        form.get_by_test_id("form-submit").click()
        expect(form.locator('[name="card_code"]')).to_have_attribute("aria-invalid", "true")
        expect(form).to_contain_text("non esiste o non è attiva")
        assert set(Order.objects.filter(customer=mario).values_list("number", flat=True)) == (
            orders_before
        )

        # The demo prepaid card: the order is placed, both sides see the confirmation.
        form.locator('[name="card_code"]').fill(MARIO_CARD)
        form.get_by_test_id("form-submit").click()
        expect(form.get_by_test_id("form-status")).to_contain_text("ordine A-")
        confirmation = shop.locator('#sportello-widget [data-event="order_created"]')
        expect(confirmation).to_contain_text("consegna prevista")
        expect(mirror.get_by_test_id("console-form-status")).to_contain_text("ordine A-")
        expect(
            console.locator('[data-testid="chat-message"][data-event="order_created"]')
        ).to_contain_text("confermato")

        # The order in the database, with the right line, paid by the card.
        [order] = Order.objects.filter(customer=mario).exclude(number__in=orders_before)
        lines = [(li.product.sku, li.size, li.colour, li.quantity) for li in order.lines.all()]
        assert lines == [("PUL-W-001", "M", "grey", 1)]
        assert (order.status, order.shipping_address, order.conversation_id) == (
            "paid",
            "Via Manzoni 12, scala B",
            conversation_id,
        )
        assert PrepaidCard.objects.get(code=MARIO_CARD).balance == Decimal("200.00") - order.total
        assert Conversation.objects.get(pk=conversation_id).state == "human"
        expect(console.get_by_test_id("customer-orders")).to_contain_text(order.number)

        # The confirmation e-mail, with the link to the order status page.
        sent = mail_mentioning(order.number, since=started)
        assert sent["To"] == "mario.rossi@example.it"
        body = sent.get_payload(decode=True).decode(sent.get_content_charset() or "utf-8")
        link = re.search(rf"{re.escape(stack.web_url)}/orders/\S+/", body)
        assert link, body

        # The order status page shows it, in Mario's language.
        status_page = customer_context.new_page()
        status_page.goto(link.group(0))
        expect(status_page.get_by_test_id("order-status")).to_contain_text(order.number)
        expect(status_page.get_by_test_id("order-status-label")).to_have_text("pagato")
        expect(
            status_page.locator('[data-testid="order-line"][data-sku="PUL-W-001"]')
        ).to_be_visible()

        # The conversation view with the timeline, for the docs.
        console.reload()
        expect(console.get_by_test_id("console-form")).to_be_visible()
        expect(console.get_by_test_id("timeline")).to_contain_text(order.number)
        docs_screenshot(console, "console-conversation")
    finally:
        operator_context.close()
        customer_context.close()


def test_a_second_operator_learns_who_took_the_chat(stack, browser):
    """Two consoles, one handoff: Laura takes it, Anna (supervisor, all teams) is told."""
    load_demo()
    contexts = []
    try:
        pages = {}
        for username in ("laura", "anna"):
            context, page = new_page(browser, width=1280, height=800)
            contexts.append(context)
            page.goto(f"{stack.web_url}/console/login/")
            page.get_by_test_id("login-username").fill(username)
            page.get_by_test_id("login-password").fill(DEMO_PASSWORD)
            page.get_by_test_id("login-submit").click()
            expect(page.get_by_test_id("socket-status")).to_have_attribute("data-status", "online")
            pages[username] = page
        context, shop = new_page(browser, width=1280, height=800)
        contexts.append(context)
        shop.goto(f"{stack.web_url}/demo/")
        shop.get_by_test_id("launcher").click()
        shop.get_by_test_id("live-interaction").click()
        expect(shop.get_by_test_id("queue-status")).to_be_visible()
        conversation_id = shop.evaluate("window.SportelloWidget.state().conversation")

        items = {
            name: page.locator(f'[data-testid="queue-item"][data-conversation="{conversation_id}"]')
            for name, page in pages.items()
        }
        for item in items.values():
            expect(item).to_be_visible()
        items["laura"].get_by_test_id("take-over").click()
        expect(pages["laura"]).to_have_url(re.compile(r"/console/conversations/\d+/$"))
        # Anna's queue drops it live; her console shows it among colleagues' chats.
        expect(items["anna"]).to_have_count(0)
        expect(
            pages["anna"].locator(
                f'[data-testid="others-item"][data-conversation="{conversation_id}"]'
            )
        ).to_contain_text("con Laura")
        # Opening it and trying to take over: refused, naming Laura.
        pages["anna"].goto(f"{stack.web_url}/console/conversations/{conversation_id}/")
        expect(pages["anna"].get_by_test_id("conversation-owner")).to_contain_text("Laura")
        expect(pages["anna"].get_by_test_id("take-over")).to_be_hidden()
        expect(pages["anna"].get_by_test_id("console-send")).to_be_disabled()
        expect(shop.locator('#sportello-widget [data-event="operator_joined"]')).to_contain_text(
            "Laura"
        )
    finally:
        for context in contexts:
            context.close()


def test_closing_a_chat_asks_the_customer_to_rate_it(stack, browser):
    """Laura closes with an outcome; Mario's widget asks for a rating, which is stored."""
    load_demo()
    operator_context, console = new_page(browser, width=1440, height=900)
    customer_context, shop = new_page(browser, width=1280, height=800)
    try:
        console_login(console, stack.web_url, "laura")
        shop.goto(f"{stack.web_url}/demo/?as=mario")
        if not shop.get_by_test_id("panel").is_visible():
            shop.get_by_test_id("launcher").click()
        shop.get_by_test_id("live-interaction").click()
        expect(shop.get_by_test_id("queue-status")).to_be_visible()
        conversation_id = shop.evaluate("window.SportelloWidget.state().conversation")
        console.locator(
            f'[data-testid="queue-item"][data-conversation="{conversation_id}"]'
        ).get_by_test_id("take-over").click()
        expect(console.get_by_test_id("conversation-state")).to_have_text("con un operatore")

        console.get_by_text("Chiudi", exact=True).click()  # the action's <summary>
        console.get_by_test_id("close-outcome").fill("informazioni date")
        console.get_by_test_id("close").click()
        expect(console.get_by_test_id("conversation-state")).to_have_text("chiusa")

        rating = shop.get_by_test_id("csat-form")
        expect(rating).to_be_visible()
        expect(shop.get_by_test_id("csat-send")).to_be_disabled()  # a score first
        rating.locator('[data-testid="csat-score"][data-score="5"]').click()
        shop.get_by_test_id("csat-comment").fill("Laura è stata gentilissima")
        shop.get_by_test_id("csat-send").click()
        expect(shop.get_by_test_id("csat-thanks")).to_be_visible()

        def rated() -> None:  # the widget thanks at once; the server stores it just after
            conversation = Conversation.objects.get(pk=conversation_id)
            assert (conversation.state, conversation.outcome) == ("closed", "informazioni date")
            assert (conversation.csat_score, conversation.csat_comment) == (
                5,
                "Laura è stata gentilissima",
            )

        eventually(rated)
    finally:
        operator_context.close()
        customer_context.close()
