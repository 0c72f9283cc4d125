"""Pushes from the console into the widget: the catalog and the live order form, with
validation on the server and the order placed, confirmed and mailed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.core import mail

from crm.models import Customer, Message
from shop.forms import OrderForm
from shop.models import Order, PrepaidCard, Product
from tests.unit.agent_console.conftest import Console, queued_chat, take
from tests.unit.agent_console.conftest import Customer as CustomerSocket

pytestmark = pytest.mark.django_db(transaction=True)

MARIO_CARD = "4000-1234-5678-9010"


@pytest.fixture
def shop_demo(demo):
    """The demo shop: Mario (Italian, verified), Laura in Assistenza Commerciale."""
    return {
        "laura": get_user_model().objects.get(username="laura"),
        "mario": Customer.objects.get(email="mario.rossi@example.it", verified=True),
    }


async def chat_with_mario(shop_demo) -> tuple[int, CustomerSocket, Console]:
    opened = await queued_chat(customer=shop_demo["mario"])
    conversation_id = opened.conversation.pk
    await take(conversation_id, shop_demo["laura"])
    customer = CustomerSocket(opened.token)
    await customer.connect()
    console = Console(shop_demo["laura"])
    await console.connect()
    await console.send({"type": "watch", "conversation": conversation_id})
    await console.expect("watching")
    return conversation_id, customer, console


# --- catalog ------------------------------------------------------------------------------


@sync_to_async
def skus(**filters) -> set[str]:
    return set(Product.objects.filter(stock__gt=0, **filters).values_list("sku", flat=True))


@pytest.mark.parametrize("include_unpublished", [True, False])
async def test_a_catalog_filtered_to_natural_fibres_reaches_the_widget(
    shop_demo, include_unpublished
):
    conversation_id, customer, console = await chat_with_mario(shop_demo)
    await console.send(
        {
            "type": "push_catalog",
            "conversation": conversation_id,
            "client_msg_id": "cat-1",
            "filter": {
                "category": "pullover",
                "fibre_type": "natural",
                "include_unpublished": include_unpublished,
            },
        }
    )
    ack = await console.expect("ack", client_msg_id="cat-1")
    shown = await customer.expect("message", kind="catalog")
    assert shown["seq"] == ack["seq"] and shown["sender"] == "operator"
    products = shown["payload"]["products"]
    assert {p["fibre_type"] for p in products} == {"natural"}
    natural = {"category": "pullover", "material__fibre_type": "natural"}
    if include_unpublished:
        assert {p["sku"] for p in products} == await skus(**natural)
        assert "PUL-W-009" in {p["sku"] for p in products}  # new, not on the website yet
    else:
        assert {p["sku"] for p in products} == await skus(published=True, **natural)
    await customer.close()
    await console.close()


async def test_the_operator_sees_which_product_the_customer_opens(shop_demo):
    conversation_id, customer, console = await chat_with_mario(shop_demo)
    await customer.send({"type": "product_opened", "sku": "PUL-W-009"})
    opened = await console.expect("product_opened")
    assert (opened["conversation"], opened["sku"]) == (conversation_id, "PUL-W-009")
    assert opened["name"] == "Pullover collo alto in merino extrafine"
    await customer.close()
    await console.close()


# --- the order form ------------------------------------------------------------------------


async def push_form(conversation_id, customer, console, *, sku="PUL-W-001", size="M"):
    await console.send(
        {
            "type": "push_order_form",
            "conversation": conversation_id,
            "client_msg_id": "form-1",
            "sku": sku,
            "size": size,
            "colour": "grey",
            "quantity": 1,
        }
    )
    await console.expect("ack", client_msg_id="form-1")
    return await customer.expect("message", kind="form")


def valid_values(**changes) -> dict:
    return {
        "sku": "PUL-W-001",
        "size": "M",
        "colour": "grey",
        "quantity": 1,
        "shipping_name": "Mario Rossi",
        "shipping_address": "Via Roma 1",
        "shipping_postcode": "20121",
        "shipping_city": "Milano",
        "email": "mario.rossi@example.it",
        "payment_method": "prepaid_card",
        "card_code": MARIO_CARD,
        **changes,
    }


@sync_to_async
def orders_of(customer: Customer) -> list[Order]:
    return list(Order.objects.filter(customer=customer).prefetch_related("lines__product"))


@sync_to_async
def balance(code: str) -> Decimal:
    return PrepaidCard.objects.get(code=code).balance


async def test_the_order_form_fills_in_live_on_both_sides_and_places_the_order(shop_demo):
    mario = shop_demo["mario"]
    orders_before = {o.number for o in await orders_of(mario)}
    conversation_id, customer, console = await chat_with_mario(shop_demo)

    form = await push_form(conversation_id, customer, console)
    seq = form["seq"]
    schema = form["payload"]["schema"]
    assert [f["name"] for f in schema["fields"]] == list(OrderForm.base_fields)  # one source
    size = next(f for f in schema["fields"] if f["name"] == "size")
    assert size["type"] == "select" and {"value": "M", "label": "M"} in size["options"]
    assert size["label"] == "Taglia"  # Mario's language
    values = form["payload"]["values"]
    assert (values["size"], values["colour"], values["shipping_name"], values["email"]) == (
        "M",
        "grey",
        "Mario Rossi",
        "mario.rossi@example.it",
    )

    # The customer types: the operator sees it.
    await customer.send(
        {"type": "form_update", "seq": seq, "field": "shipping_city", "value": "Milano"}
    )
    seen = await console.expect("form_state")
    assert (seen["seq"], seen["values"]["shipping_city"], seen["by"]) == (seq, "Milano", "customer")
    # The operator corrects a field: the customer sees it.
    await console.send(
        {
            "type": "form_update",
            "conversation": conversation_id,
            "seq": seq,
            "field": "shipping_postcode",
            "value": "20121",
        }
    )
    corrected = await customer.expect("form_state", by="operator")
    assert corrected["values"]["shipping_postcode"] == "20121"
    assert corrected["version"] > seen["version"]
    # ... but never the card code.
    await console.send(
        {
            "type": "form_update",
            "conversation": conversation_id,
            "seq": seq,
            "field": "card_code",
            "value": MARIO_CARD,
        }
    )
    assert (await console.expect("error"))["code"] == "invalid_frame"

    await customer.send(
        {"type": "form_submit", "client_msg_id": "sub-1", "seq": seq, "values": valid_values()}
    )
    placed = await customer.expect("form_state", client_msg_id="sub-1")
    assert placed["status"] == "submitted" and placed["errors"] == {}
    number = placed["order_number"]
    confirmation = await customer.expect("message", kind="event")
    while confirmation["payload"]["event"] != "order_created":
        confirmation = await customer.expect("message", kind="event")
    assert confirmation["payload"]["order_number"] == number
    assert "consegna prevista" in confirmation["payload"]["text"]

    # The operator sees the confirmation and the form as placed (card code masked).
    operator_side = await console.expect("form_state", status="submitted")
    assert operator_side["values"]["card_code"].endswith("9010")
    assert MARIO_CARD not in str(operator_side)
    await console.expect("message", kind="event", sender="system")

    orders = [o for o in await orders_of(mario) if o.number not in orders_before]
    assert [o.number for o in orders] == [number]
    order = orders[0]
    lines = [(li.product.sku, li.size, li.colour, li.quantity) for li in order.lines.all()]
    assert lines == [("PUL-W-001", "M", "grey", 1)]
    assert (order.status, order.total, order.conversation_id) == (
        "paid",
        Decimal("69.00"),
        conversation_id,
    )
    assert await balance(MARIO_CARD) == Decimal("131.00")
    sent = [m for m in mail.outbox if number in m.subject]
    assert len(sent) == 1 and sent[0].to == ["mario.rossi@example.it"]
    assert "http://shop.test/orders/" in sent[0].body

    # A second submit (a resend) places nothing new.
    await customer.send(
        {"type": "form_submit", "client_msg_id": "sub-2", "seq": seq, "values": valid_values()}
    )
    again = await customer.expect("form_state", client_msg_id="sub-2")
    assert again["order_number"] == number
    assert len([o for o in await orders_of(mario) if o.number not in orders_before]) == 1
    await customer.close()
    await console.close()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"card_code": "4000-0000-0000-0000"}, "card_code", "non esiste o non è attiva"),
        ({"card_code": "1234"}, "card_code", "16 cifre"),
        ({"card_code": "4000-3456-7890-1234"}, "card_code", "non esiste o non è attiva"),
        ({"card_code": "4000-4567-8901-2345"}, "card_code", "credito"),  # € 5 left
        ({"card_code": ""}, "card_code", "Inserisci il codice"),
        ({"shipping_address": ""}, "shipping_address", "obbligatorio"),
        ({"size": "XXL"}, "size", "XXL"),
        ({"quantity": 0}, "quantity", "1"),
        ({"email": "non-una-mail"}, "email", "email valido"),
    ],
)
async def test_invalid_order_input_shows_field_errors_and_creates_nothing(
    shop_demo, changes, field, message
):
    mario = shop_demo["mario"]
    orders_before = len(await orders_of(mario))
    conversation_id, customer, console = await chat_with_mario(shop_demo)
    form = await push_form(conversation_id, customer, console)
    await customer.send(
        {
            "type": "form_submit",
            "client_msg_id": "bad-1",
            "seq": form["seq"],
            "values": valid_values(**changes),
        }
    )
    refused = await customer.expect("form_state", client_msg_id="bad-1")
    assert refused["status"] == "open" and refused["order_number"] is None
    assert list(refused["errors"]) == [field], refused["errors"]
    assert message in " ".join(refused["errors"][field])
    assert len(await orders_of(mario)) == orders_before
    assert await balance(MARIO_CARD) == Decimal("200.00")
    assert mail.outbox == []
    # The operator sees the same errors.
    seen = await console.expect("form_state")
    assert list(seen["errors"]) == [field]
    await customer.close()
    await console.close()


async def test_cash_on_delivery_needs_no_card(shop_demo):
    conversation_id, customer, console = await chat_with_mario(shop_demo)
    form = await push_form(conversation_id, customer, console)
    values = valid_values(payment_method="cod", card_code="")
    await customer.send(
        {"type": "form_submit", "client_msg_id": "cod-1", "seq": form["seq"], "values": values}
    )
    placed = await customer.expect("form_state", client_msg_id="cod-1")
    assert placed["status"] == "submitted"
    order = await sync_to_async(Order.objects.get)(number=placed["order_number"])
    assert (order.payment_method, order.status, order.prepaid_card_id) == ("cod", "received", None)
    await customer.close()
    await console.close()


async def test_the_form_survives_a_reload_of_either_side(shop_demo):
    opened = await queued_chat(customer=shop_demo["mario"])
    conversation_id = opened.conversation.pk
    await take(conversation_id, shop_demo["laura"])
    customer = CustomerSocket(opened.token)
    await customer.connect()
    console = Console(shop_demo["laura"])
    await console.connect()
    form = await push_form(conversation_id, customer, console)
    await customer.send(
        {"type": "form_update", "seq": form["seq"], "field": "card_code", "value": MARIO_CARD}
    )
    await customer.send(
        {"type": "form_update", "seq": form["seq"], "field": "shipping_city", "value": "Como"}
    )
    await customer.expect("form_state", by="customer")
    await customer.expect("form_state", by="customer")
    await customer.close()
    await console.close()

    again = CustomerSocket(opened.token)
    await again.connect(last_seq=0)
    replayed = await again.expect("message", seq=form["seq"])
    assert replayed["payload"]["values"]["shipping_city"] == "Como"
    assert replayed["payload"]["values"]["card_code"] == MARIO_CARD  # the customer's own input
    console = Console(shop_demo["laura"])
    await console.connect()
    await console.send({"type": "watch", "conversation": conversation_id})
    mirrored = await console.expect("message", seq=form["seq"])
    assert mirrored["payload"]["values"]["shipping_city"] == "Como"
    assert mirrored["payload"]["values"]["card_code"].endswith("9010")
    assert MARIO_CARD not in str(mirrored)
    await again.close()
    await console.close()


async def test_an_anonymous_visitor_gets_an_unverified_customer_record(shop_demo):
    opened = await queued_chat()
    conversation_id = opened.conversation.pk
    await take(conversation_id, shop_demo["laura"])
    customer = CustomerSocket(opened.token)
    await customer.connect()
    console = Console(shop_demo["laura"])
    await console.connect()
    form = await push_form(conversation_id, customer, console)
    assert form["payload"]["values"]["shipping_name"] == ""
    values = valid_values(
        shipping_name="Giovanna Neri", email="giovanna@example.it", payment_method="cod"
    )
    await customer.send(
        {"type": "form_submit", "client_msg_id": "anon-1", "seq": form["seq"], "values": values}
    )
    placed = await customer.expect("form_state", client_msg_id="anon-1")
    order = await sync_to_async(Order.objects.select_related("customer").get)(
        number=placed["order_number"]
    )
    assert (order.customer.first_name, order.customer.last_name, order.customer.verified) == (
        "Giovanna",
        "Neri",
        False,
    )
    linked = await sync_to_async(
        lambda: Message.objects.get(conversation_id=conversation_id, seq=1).conversation.customer_id
    )()
    assert linked == order.customer_id
    await customer.close()
    await console.close()


async def test_form_frames_naming_something_else_are_refused(shop_demo):
    conversation_id, customer, console = await chat_with_mario(shop_demo)
    await customer.send({"type": "form_update", "seq": 1, "field": "size", "value": "M"})
    assert (await customer.expect("error"))["code"] == "invalid_frame"
    form = await push_form(conversation_id, customer, console)
    await customer.send(
        {"type": "form_update", "seq": form["seq"], "field": "is_admin", "value": "yes"}
    )
    assert (await customer.expect("error"))["code"] == "invalid_frame"
    await customer.close()
    await console.close()
