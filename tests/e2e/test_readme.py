"""The README's quick start, followed literally: its commands, its addresses and its demo
logins work on the product `make run` starts, and a newcomer gets from the demo page to a
chat with the bot that Laura takes over.

`make run` is run for real (the `site` fixture, on free ports and a scratch var/ directory);
`make test` is the command running this test.
"""

from __future__ import annotations

import re
import subprocess

import httpx
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import console_login, docs_screenshot, new_page, widget_messages
from tests.mailbox import body_of
from tests.processes import ROOT
from tests.stack import Site

README = ROOT / "README.md"
DEFAULT_BASE = "http://127.0.0.1:8000"


def quick_start() -> str:
    text = README.read_text()
    start = text.index("## Quick start")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", quick_start(), flags=re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line]


def addresses() -> list[str]:
    """The web addresses in the quick start, as paths."""
    urls = re.findall(rf"{re.escape(DEFAULT_BASE)}(/[^\s>)`]*)", quick_start())
    return list(dict.fromkeys(urls))


def demo_logins() -> tuple[list[str], str]:
    paragraph = re.search(r"Demo logins \(password `([^`]+)`\):(.*?)\n\n", quick_start(), re.S)
    assert paragraph, "the quick start names the demo logins and their password"
    return re.findall(r"\*\*(\w+)\*\*", paragraph.group(2)), paragraph.group(1)


def test_the_quick_start_gives_the_two_commands_and_make_knows_them() -> None:
    assert commands() == ["make run", "make test"]
    for command in commands():
        dry_run = subprocess.run(
            [*command.split(), "--dry-run"], cwd=ROOT, capture_output=True, text=True
        )
        assert dry_run.returncode == 0, dry_run.stderr


def test_every_quick_start_address_answers_on_make_run(site: Site) -> None:
    paths = addresses()
    assert {"/demo/", "/console/", "/kb/", "/healthz"} <= set(paths)
    printed = site.printed()
    for path in paths:
        # `make run` prints the same addresses (on the port it was given).
        assert f"{site.url}{path}" in printed, f"make run does not print {path}"
        response = httpx.get(f"{site.url}{path}", follow_redirects=True, timeout=30)
        assert response.status_code == 200, (path, response.status_code)
    health = httpx.get(f"{site.url}/healthz", timeout=30).json()
    assert health["ok"] is True and set(health["checks"]) >= {"database", "bot", "actions"}, health


LANDING = {"laura": "/console/", "marco": "/console/", "anna": "/console/", "giulia": "/kb/"}


def test_every_demo_login_works(site: Site) -> None:
    names, password = demo_logins()
    assert {"laura", "marco", "giulia", "anna", "admin"} <= set(names)
    for name in names:
        with httpx.Client(base_url=site.url, timeout=30) as client:
            login = client.get("/console/login/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
            answer = client.post(
                "/console/login/",
                data={"username": name, "password": password, "csrfmiddlewaretoken": token},
            )
            assert answer.status_code == 302, f"{name} cannot log in with {password!r}"
            landing = LANDING.get(name, "/admin/")
            page = client.get(landing)
            assert page.status_code == 200, (name, landing, page.status_code)


def test_the_readme_mail_to_the_gateway_gets_the_automatic_answer(site: Site) -> None:
    """The README's snippet that plays the scenario's e-mail, against this site's gateway."""
    snippet = re.search(r"python3 - <<'MAIL'\n(.*?)\nMAIL\n", README.read_text(), re.S)
    assert snippet, "the README shows how to send Mario's e-mail"
    script = snippet.group(1).replace('"127.0.0.1", 2525', f'"127.0.0.1", {site.mail_port}')
    assert script != snippet.group(1), "the snippet sends to the gateway's default port"
    already = len(site.outbox.messages)
    subprocess.run(["python3", "-"], input=script, text=True, check=True, timeout=30)
    answer = site.outbox.wait_for_one(
        lambda m: "mario.rossi@example.it" in str(m["To"]), after=already, timeout=15
    )
    assert re.search(r"http://\S+sportello_entry=\S+", body_of(answer))


def test_a_newcomer_chats_with_the_bot_and_laura_takes_over(site: Site, browser: Browser) -> None:
    customer_context, shop = new_page(browser, width=1280, height=800)
    operator_context, console = new_page(browser, width=1440, height=900)
    try:
        shop.goto(f"{site.url}/demo/")
        if not shop.get_by_test_id("panel").is_visible():
            shop.get_by_test_id("launcher").click()
        shop.get_by_test_id("composer-input").fill("ciao")
        shop.get_by_test_id("composer-input").press("Enter")
        expect(widget_messages(shop, "bot").first).to_be_visible(timeout=30_000)
        shop.get_by_test_id("live-interaction").click()
        expect(shop.get_by_test_id("queue-status")).to_be_visible()
        conversation = shop.evaluate("window.SportelloWidget.state().conversation")

        console_login(console, site.url, "laura")
        waiting = console.locator(f'[data-testid="queue-item"][data-conversation="{conversation}"]')
        expect(waiting).to_contain_text("Visitatore anonimo")
        expect(waiting.get_by_test_id("channel")).to_have_attribute("data-channel", "web")
        waiting.get_by_test_id("take-over").click()
        expect(console.get_by_test_id("conversation-state")).to_have_text("con un operatore")
        expect(shop.locator('#sportello-widget [data-event="operator_joined"]')).to_contain_text(
            "Laura"
        )
        docs_screenshot(shop, "quick-start-widget")
    finally:
        customer_context.close()
        operator_context.close()
