"""KB trees in the chat through the real bot: walking, counters, and a publish that
changes the answer on the next conversation without retraining."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model

from kb import services as kb_services
from kb.models import NodeCounter, Tree
from tests.integration.test_bot_skills import bot_turn
from tests.integration.wsclient import Customer

pytestmark = pytest.mark.django_db(transaction=True)


def postback(customer: Customer, replies: list[dict], title: str) -> list[dict]:
    """Press the quick-reply button labelled `title` of the last bot message."""
    buttons = replies[-1]["payload"]["buttons"]
    button = next(b for b in buttons if b["title"] == title)
    customer.send(
        {
            "type": "postback",
            "client_msg_id": f"pb-{uuid.uuid4().hex[:12]}",
            "title": button["title"],
            "payload": button["payload"],
        }
    )
    frames = customer.receive_until(
        lambda f: f["type"] == "typing" and f["sender"] == "bot" and not f["active"], timeout=40
    )
    customer.send({"type": "ping"})
    frames += customer.receive_until(lambda f: f["type"] == "pong")
    return [f for f in frames if f["type"] == "message" and f["sender"] == "bot"]


# The question's own word ("reso", "return") already chooses "return an item" at the tree's
# root, so the walk starts one step down, at "where did you buy it?".
WALKS = {
    "it": (
        "come faccio un reso?",
        "Dove hai acquistato l'articolo?",
        "l'ho comprato sul sito",
        "30 giorni",
        "Questa risposta ti è stata utile?",
        "Sì, grazie",
        "Bene",
    ),
    "en": (
        "how do I return something?",
        "Where did you buy the item?",
        "I bought it on the website",
        "30 days",
        "Did this answer help?",
        "Yes, thanks",
        "Glad",
    ),
}


def walk_returns(customer: Customer, language: str = "it") -> list[dict]:
    question, where, free_text, *_ = WALKS[language]
    replies = bot_turn(customer, question)
    assert replies[-1]["text"] == where, replies
    assert [b["title"] for b in replies[-1]["payload"]["buttons"]]  # the choices, as buttons
    return bot_turn(customer, free_text)  # free text, matched by the choices' synonyms


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_returns_question_walks_the_returns_tree_to_an_answer(stack, demo, language):
    *_, answer_text, helped_question, yes, glad = WALKS[language]
    customer = Customer(stack.web_url, language=language)
    replies = walk_returns(customer, language)
    answer, did_it_help = replies[-2], replies[-1]
    assert answer_text in answer["text"]
    assert did_it_help["text"] == helped_question
    replies = postback(customer, replies, yes)
    assert replies[-1]["text"].startswith(glad)
    tree = Tree.objects.get(slug="returns")
    counters = {c.node_key: c for c in NodeCounter.objects.filter(tree=tree)}
    assert counters["where-bought"].visits == 1 and counters["online-return"].visits == 1
    assert counters["online-return"].resolved == 1
    customer.close()


def test_publishing_a_tree_changes_the_next_answer_without_retraining(stack, demo):
    reviewer = get_user_model().objects.get(username="anna")
    tree = Tree.objects.get(slug="returns")
    new_text = "Hai 60 giorni dalla consegna per restituire un articolo comprato online."
    kb_services.node_update(tree_id=tree.pk, author=reviewer, key="online-return", text_it=new_text)
    kb_services.tree_submit(tree_id=tree.pk, author=reviewer)
    kb_services.tree_publish(tree_id=tree.pk, reviewer=reviewer, comment="60 giorni")

    customer = Customer(stack.web_url)
    replies = walk_returns(customer)
    assert replies[-2]["text"].startswith(new_text)
    customer.close()
