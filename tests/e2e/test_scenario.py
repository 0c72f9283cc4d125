"""The reference scenario (ARCHITECTURE.md §1, steps 1-8) as one story, on the product
started by `make run` (web, bot, actions and the mail gateway on the embedded default), with
Mario in one browser, Laura in another and a real SMTP exchange on both sides of the e-mail.

Run it alone with `make test PYTEST_ARGS="-m scenario"`. Every step saves a screenshot in
var/screenshots/scenario-*.png (and in docs/img/ with SPORTELLO_DOCS_SCREENSHOTS=1: the
README's walkthrough shows them).

The site has its own database; the test process loads the same demo data into the test
database only to know what the catalog filter must find.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from shop.models import Product
from tests.e2e.conftest import (
    console_login,
    docs_screenshot,
    mail_screenshot,
    new_page,
    widget_messages,
)
from tests.mailbox import body_of, mario_mail, send
from tests.stack import Site

pytestmark = [pytest.mark.scenario, pytest.mark.django_db]

MARIO = "mario.rossi@example.it"
MARIO_CARD = "4000-1234-5678-9010"  # the demo prepaid card, € 200
QUESTION = "vorrei informazioni sui pullover in offerta speciale nel mese di maggio"


def to_mario(subject_part: str):
    return lambda m: MARIO in str(m["To"]) and subject_part in str(m["Subject"])


def test_the_reference_scenario_end_to_end(site: Site, browser: Browser, demo) -> None:
    natural_for_men = set(
        Product.objects.filter(
            category="pullover", audience="man", material__fibre_type="natural", stock__gt=0
        ).values_list("sku", flat=True)
    )
    assert "PUL-M-009" in natural_for_men  # the new cashmere, not yet on the website
    assert not Product.objects.get(sku="PUL-M-009").published
    published = set(
        Product.objects.filter(sku__in=natural_for_men, published=True).values_list(
            "sku", flat=True
        )
    )

    # 1. Mario e-mails info@ with his question.
    question = mario_mail(QUESTION)
    already = len(site.outbox.messages)  # other tests share the site
    send(site.mail_port, question)

    # 2. Within seconds: greeted by name, the KB's answer, a request number, the link to the
    #    shop assistant, and the team in charge.
    reply = site.outbox.wait_for_one(
        to_mario("richiesta di informazioni"), after=already, timeout=15
    )
    number = re.search(r"\[#(\d{6})\]", str(reply["Subject"])).group(1)
    body = body_of(reply)
    assert body.startswith("Sig. Mario Rossi, grazie per averci contattati.")
    assert "partono a giugno" in body
    assert number in body
    assert "team Assistenza Commerciale" in body
    link = re.search(r"https?://\S+sportello_entry=\S+", body).group(0)
    assert link.startswith(site.url)
    mail_screenshot(browser, question, "scenario-1-email")
    mail_screenshot(browser, reply, "scenario-2-automatic-reply")

    operator_context, console = new_page(browser, width=1500, height=950)
    customer_context, shop = new_page(browser, width=1280, height=900)
    try:
        # 3. Laura (Assistenza Commerciale) sees the request in her console, handled by the
        #    automation for now.
        console_login(console, site.url, "laura")
        request = console.locator('[data-testid="bot-item"]', has_text=f"#{number}")
        expect(request).to_contain_text("Mario Rossi")
        expect(request.get_by_test_id("channel")).to_have_attribute("data-channel", "email")
        expect(request).to_contain_text("Assistenza Commerciale")
        docs_screenshot(console, "scenario-3-console-request")

        # 4. Mario follows the link: the assistant knows he asked about pullovers and who he
        #    is, so it shows men's pullovers at once, announces the 0-12 collection (he has
        #    bought for children before) and asks only what narrows the search: the size.
        shop.goto(link)
        bot = widget_messages(shop, "bot")
        expect(bot.last).to_contain_text("Che taglia?", timeout=30_000)
        widget = shop.locator("#sportello-widget")
        assert "Che tipo di capo" not in widget.inner_text()
        expect(widget).to_contain_text("pullover da uomo")
        expect(widget).to_contain_text("collezione 0-12")
        shop.get_by_test_id("composer-input").fill("L, blu")
        shop.get_by_test_id("composer-input").press("Enter")
        expect(bot.last).to_contain_text("taglia L", timeout=30_000)
        expect(shop.locator('#sportello-widget [data-testid="product-card"]').first).to_be_visible(
            timeout=30_000
        )
        docs_screenshot(shop, "scenario-4-shop-assistant")
        conversation = shop.evaluate("window.SportelloWidget.state().conversation")

        # 5. Mario asks for a person; Laura takes over and sees, in one view, the e-mail, the
        #    automatic reply, the assistant's chat and his orders.
        shop.get_by_test_id("live-interaction").click()
        expect(shop.get_by_test_id("queue-status")).to_be_visible()
        waiting = console.locator(f'[data-testid="queue-item"][data-conversation="{conversation}"]')
        expect(waiting).to_contain_text("Mario Rossi")
        waiting.get_by_test_id("take-over").click()
        expect(console).to_have_url(re.compile(rf"/console/conversations/{conversation}/$"))
        expect(console.get_by_test_id("conversation-state")).to_have_text("con un operatore")
        timeline = console.get_by_test_id("timeline")
        expect(
            timeline.locator(
                '[data-testid="timeline-item"][data-kind="email"][data-direction="in"]'
            )
        ).to_contain_text("pullover in offerta speciale")
        expect(
            timeline.locator(
                '[data-testid="timeline-item"][data-kind="email"][data-direction="out"]'
            )
        ).to_contain_text("partono a giugno")
        expect(
            timeline.locator('[data-testid="timeline-item"][data-kind="chat"]').filter(
                has_text="chat web"
            )
        ).to_contain_text("Che taglia?")
        expect(console.get_by_test_id("customer-orders")).to_contain_text("A-10041")
        expect(shop.locator('#sportello-widget [data-event="operator_joined"]')).to_contain_text(
            "Laura"
        )
        console.get_by_test_id("console-composer").fill(
            "Buongiorno Signor Rossi, sono Laura: vedo che ci ha chiesto per e-mail "
            "dei pullover in offerta. Come posso aiutarla?"
        )
        console.get_by_test_id("console-send").click()
        expect(widget_messages(shop, "operator").last).to_contain_text("pullover in offerta")
        shop.get_by_test_id("composer-input").fill("vorrei solo fibre naturali")
        shop.get_by_test_id("composer-input").press("Enter")
        expect(
            console.locator('[data-testid="chat-message"][data-sender="customer"]').last
        ).to_contain_text("solo fibre naturali")
        docs_screenshot(console, "scenario-5-operator-takes-over")

        # 6. Laura filters the catalog to natural fibres, new unpublished items included, and
        #    pushes it: it appears in Mario's browser; she sees which item he opens.
        console.get_by_test_id("filter-category").select_option("pullover")
        console.get_by_test_id("filter-audience").select_option("man")
        console.get_by_test_id("filter-fibre").select_option("natural")
        console.get_by_test_id("filter-unpublished").check()
        expect(console.get_by_test_id("catalog-count")).to_have_text(str(len(natural_for_men)))
        console.get_by_test_id("push-catalog").click()
        pushed = (
            widget_messages(shop, "operator")
            .and_(shop.locator('[data-kind="catalog"]'))
            .last.get_by_test_id("product-card")
        )
        expect(pushed).to_have_count(len(natural_for_men))
        assert set(pushed.evaluate_all("cards => cards.map(c => c.dataset.sku)")) == (
            natural_for_men
        )
        preview = pushed.and_(shop.locator('[data-sku="PUL-M-009"]'))
        expect(preview.get_by_test_id("preview-badge")).to_contain_text("non ancora sul sito")
        expect(pushed.get_by_test_id("preview-badge")).to_have_count(
            len(natural_for_men - published)
        )
        preview.get_by_role("button").first.click()
        expect(console.get_by_test_id("product-opened")).to_contain_text("PUL-M-009")
        docs_screenshot(shop, "scenario-6-catalog-in-the-browser")

        # 7. "Can I buy online?" Laura pushes an order form for the blue merino pullover; Mario
        #    fills in size, address and his prepaid card while Laura watches, and submits.
        shop.get_by_test_id("composer-input").fill("posso comprarlo online?")
        shop.get_by_test_id("composer-input").press("Enter")
        console.locator(
            '[data-testid="catalog-preview-item"][data-sku="PUL-M-002"]'
        ).get_by_test_id("prepare-order-form").click()
        console.get_by_test_id("order-colour").select_option("blue")
        console.get_by_test_id("push-order-form").click()
        form = shop.locator('#sportello-widget [data-testid="form"]')
        expect(form).to_be_visible()
        expect(form.locator('[name="shipping_name"]')).to_have_value("Mario Rossi")
        form.locator('[name="size"]').select_option("L")
        address = form.locator('[name="shipping_address"]')
        address.fill("")
        address.press_sequentially("Via Manzoni 12", delay=20)
        mirror = console.get_by_test_id("console-form")
        expect(mirror.locator('[name="shipping_address"]')).to_have_value("Via Manzoni 12")
        expect(mirror.locator('[name="size"]')).to_have_value("L")
        form.locator('[name="payment_method"]').select_option("prepaid_card")
        form.locator('[name="card_code"]').fill(MARIO_CARD)
        docs_screenshot(shop, "scenario-7-order-form")
        form.get_by_test_id("form-submit").click()
        expect(form.get_by_test_id("form-status")).to_contain_text("ordine A-")
        confirmation = shop.locator('#sportello-widget [data-event="order_created"]')
        expect(confirmation).to_contain_text("consegna prevista")
        order_number = re.search(r"A-\d+", confirmation.inner_text()).group(0)
        expect(mirror.get_by_test_id("console-form-status")).to_contain_text(order_number)
        expect(console.get_by_test_id("customer-orders")).to_contain_text(order_number)
        docs_screenshot(console, "scenario-7-order-placed")

        confirmation_mail = site.outbox.wait_for_one(to_mario(order_number), timeout=15)
        confirmation_text = body_of(confirmation_mail)
        assert "Merino V-neck" in confirmation_text or "merino" in confirmation_text
        assert "Consegna prevista" in confirmation_text
        status_link = re.search(rf"{re.escape(site.url)}/orders/\S+/", confirmation_text)
        assert status_link, confirmation_text
        mail_screenshot(browser, confirmation_mail, "scenario-7-confirmation-email")
        console.reload()  # the confirmation is in Mario's history too
        expect(
            console.locator(
                '[data-testid="timeline-item"][data-kind="email"][data-direction="out"]'
            ).filter(has_text=f"Conferma dell'ordine {order_number}")
        ).to_have_count(1)

        # 8. Later: the order status page, and a reply to the first e-mail asking about it.
        status_page = customer_context.new_page()
        status_page.goto(status_link.group(0))
        expect(status_page.get_by_test_id("order-status")).to_contain_text(order_number)
        expect(status_page.get_by_test_id("order-status-label")).to_have_text("pagato")
        expect(
            status_page.locator('[data-testid="order-line"][data-sku="PUL-M-002"]')
        ).to_be_visible()
        docs_screenshot(status_page, "scenario-8-order-status-page")
    finally:
        operator_context.close()
        customer_context.close()

    first_id = " ".join(str(reply["Message-ID"]).split())
    follow_up = mario_mail(
        "Buongiorno, a che punto è il mio ordine?",
        subject=f"Re: {reply['Subject']}",
        In_Reply_To=first_id,
        References=first_id,
    )
    already = len(site.outbox.messages)
    send(site.mail_port, follow_up)
    answer = site.outbox.wait_for_one(
        lambda m: MARIO in str(m["To"]),
        after=already,
        timeout=15,
        what="an answer to the order question",
    )
    assert f"[#{number}]" in str(answer["Subject"])  # the same request
    assert first_id in " ".join(str(answer["References"]).split())
    answer_text = body_of(answer)
    assert order_number in answer_text
    assert "pagato" in answer_text.split(order_number, 1)[1].splitlines()[0]
    mail_screenshot(browser, answer, "scenario-8-order-status-by-email")
