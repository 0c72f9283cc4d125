"""The console speaks Italian or English: the browser's Accept-Language picks it, the header's
switch overrides it (a cookie), Italian is the fallback; every message is translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from agent_console import labels
from tests.unit.agent_console.test_views import login, mario_chat  # noqa: F401 (a fixture)

LOCALE = Path(__file__).resolve().parents[3] / "agent_console" / "locale" / "it" / "LC_MESSAGES"
CATALOGS = [LOCALE / "django.po", LOCALE / "djangojs.po"]


@pytest.mark.parametrize(
    ("accept_language", "lang", "heading", "logout"),
    [
        ("it-IT,it;q=0.9", "it", "In attesa di un operatore", "Esci"),
        ("en-GB,en;q=0.9", "en", "Waiting for a person", "Log out"),
        ("de-DE,de;q=0.9", "it", "In attesa di un operatore", "Esci"),  # neither: Italian
    ],
)
def test_the_queue_follows_the_browsers_language(
    client, demo, accept_language, lang, heading, logout
):
    login(client, "laura")
    html = client.get("/console/", HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert f'<html lang="{lang}">' in html
    assert heading in html and logout in html


def test_the_conversation_page_in_italian_and_in_english(client, mario_chat):  # noqa: F811
    login(client, "laura")
    url = f"/console/conversations/{mario_chat.pk}/"
    italian = client.get(url, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Prendi in carico" in italian and "Restituisci al bot" in italian
    assert "Nota interna" in italian and "Risposte predefinite" in italian
    assert 'data-state="queued">in coda<' in italian  # the code stays, the word changes
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Take over" in english and "Hand back to the bot" in english
    assert 'data-state="queued">waiting<' in english


def test_the_login_page_and_the_js_catalog_are_translated(client, db):
    assert "Accedi" in client.get("/console/login/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Log in" in client.get("/console/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    catalog = client.get("/console/jsi18n/", HTTP_ACCEPT_LANGUAGE="it")
    assert catalog.status_code == 200
    assert "Gi\\u00e0 in carico a %(owner)s" in catalog.content.decode()


def test_the_language_switch_sets_the_cookie_and_wins_over_the_browser(client, demo):
    login(client, "laura")
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/console/"}, HTTP_ACCEPT_LANGUAGE="it"
    )
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/console/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert '<html lang="en">' in html and "Waiting for a person" in html
    assert 'data-testid="language-select"' in html


def test_labels_translate_codes_and_keep_unknown_ones():
    with translation.override("it"):
        assert labels.label("state", "human") == "con un operatore"
        assert labels.choices("phone_direction", [("in", "customer called")]) == [
            ("in", "ha chiamato il cliente")
        ]
        assert labels.label("reason", "a_new_reason") == "a_new_reason"
    with translation.override("en"):
        assert labels.label("state", "human") == "with an operator"


def _entries(path: Path) -> list[dict[str, str]]:
    """The .po file's entries (not the header): msgid, msgstr(s), flags; obsolete ones too."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict[str, str] = {"flags": "", "obsolete": ""}
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = line
                continue
            if line.startswith("#,"):
                entry["flags"] += line[2:]
                continue
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                entry[key] = match.group(2)
            else:
                entry[key] += line.strip().strip('"')
        if entry.get("msgid") or entry["obsolete"]:
            entries.append(entry)
    return entries


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_every_console_message_has_an_italian_translation(path):
    entries = _entries(path)
    assert len(entries) > 50
    problems = []
    for entry in entries:
        name = entry.get("msgid") or entry["obsolete"]
        strings = [value for key, value in entry.items() if key.startswith("msgstr")]
        if entry["obsolete"]:
            problems.append(f"obsolete: {name}")
        elif "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {name}")
        elif not strings or not all(strings):
            problems.append(f"untranslated: {name}")
    assert not problems, "run makemessages, translate, compilemessages:\n" + "\n".join(problems)
    compiled = path.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= path.stat().st_mtime - 1, (
        f"{compiled.name} is older than {path.name}: run compilemessages"
    )


def test_no_other_apps_catalog_overrides_a_console_message():
    """Apps listed before agent_console (the admin...) win on a shared msgid: "Log out" would
    read "Annulla l'accesso". Such a word needs a context (pgettext) in the console."""
    overridden = []
    with translation.override("it"):
        for entry in _entries(LOCALE / "django.po"):
            if "msgid_plural" in entry or not entry.get("msgid"):
                continue
            msgid, wanted = (entry[k].replace('\\"', '"') for k in ("msgid", "msgstr"))
            got = (
                translation.pgettext(entry["msgctxt"], msgid)
                if "msgctxt" in entry
                else translation.gettext(msgid)
            )
            if got != wanted:
                overridden.append(f"{msgid!r}: {got!r} instead of {wanted!r}")
    assert not overridden, overridden
