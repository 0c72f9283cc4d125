"""Real Chromium (Debian's, driven by Playwright) against the real stack."""

from __future__ import annotations

import html
import os
import shutil
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from shop.demo import DEMO_PASSWORD
from tests.processes import ROOT, VAR_DIR

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = VAR_DIR / "screenshots"
DOCS_IMG = ROOT / "docs" / "img"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def orm_beside_playwright() -> None:
    # Playwright's sync API keeps an event loop in this thread; the ORM calls of these tests
    # are still plain sequential code (Django documents this switch for such test drivers).
    # Set for the browser tests only: a subprocess of another test (`check --deploy`) must
    # not inherit it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser(orm_beside_playwright: None) -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make browser`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="it-IT")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def docs_screenshot(page: Page, name: str) -> Path:
    """Into var/screenshots/; also into docs/img/ with SPORTELLO_DOCS_SCREENSHOTS=1 (so an
    ordinary test run leaves the committed pictures alone)."""
    path = screenshot(page, name)
    if os.environ.get("SPORTELLO_DOCS_SCREENSHOTS") == "1":
        target = DOCS_IMG / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return path


def mail_screenshot(browser: Browser, message: Message, name: str) -> Path:
    """An e-mail as the customer's mail program would show it (headers and text)."""
    part = message.get_payload(decode=True)
    body = part.decode(message.get_content_charset() or "utf-8")
    headers = "".join(
        f"<tr><th>{field}</th><td>{html.escape(str(message.get(field, '')))}</td></tr>"
        for field in ("From", "To", "Subject", "Date")
    )
    context = browser.new_context(viewport={"width": 900, "height": 640})
    try:
        page = context.new_page()
        page.set_content(
            "<!doctype html><meta charset=utf-8><style>"
            "body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f3f4f6}"
            "main{margin:24px;background:#fff;border:1px solid #d6d9de;border-radius:8px}"
            "table{border-collapse:collapse;width:100%;background:#fafafa;"
            "border-bottom:1px solid #d6d9de}"
            "th{text-align:right;color:#667;font-weight:500;padding:6px 10px;width:80px}"
            "td{padding:6px 10px}pre{white-space:pre-wrap;font:inherit;padding:14px 18px;margin:0}"
            f"</style><main><table>{headers}</table><pre>{html.escape(body)}</pre></main>"
        )
        return docs_screenshot(page, name)
    finally:
        context.close()


def new_page(browser: Browser, *, width: int, height: int) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="it-IT")
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def widget_messages(page: Page, sender: str):
    return page.locator(f'#sportello-widget [data-testid="message"][data-sender="{sender}"]')


def console_login(page: Page, web_url: str, username: str) -> None:
    """Log in at the console as a demo operator and wait for its live connection."""
    page.goto(f"{web_url}/console/login/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("socket-status")).to_have_attribute("data-status", "online")


def eventually(check, *, timeout: float = 10.0):
    """Retry `check` (which asserts) until it passes: the pages show some things before the
    server has stored them (an optimistic "thanks", a message still being acked)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
