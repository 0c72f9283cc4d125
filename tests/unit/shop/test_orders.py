"""Placing orders (stock, prepaid card, numbering), the confirmation e-mail, the order status
page, and the order form as the single source of its schema."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from crm.models import Customer
from crm.selectors import customer_timeline
from mail_channel.models import EmailMessage
from shop import selectors, services
from shop.forms import OrderForm, order_form_schema
from shop.models import Order, PrepaidCard, Product

MARIO_CARD = "4000-1234-5678-9010"


@pytest.fixture
def mario(demo):
    return Customer.objects.get(email="mario.rossi@example.it", verified=True)


@pytest.fixture(autouse=True)
def mail_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_BASE_URL = "http://shop.test"


def place(customer, *, sku="PUL-W-001", size="M", quantity=1, card=MARIO_CARD, method=None):
    product = Product.objects.get(sku=sku)
    return services.order_create(
        customer=customer,
        lines=[
            services.OrderLineInput(
                product=product,
                size=size,
                colour=product.colours[0],
                quantity=quantity,
                unit_price=selectors.product_price_now(product),
            )
        ],
        shipping=services.Shipping(
            name="Mario Rossi", address="Via Roma 1", postcode="20121", city="Milano"
        ),
        payment_method=method or ("prepaid_card" if card else "cod"),
        card_code=card or "",
    )


@pytest.mark.django_db(transaction=True)  # the e-mail leaves on commit
def test_an_order_takes_stock_debits_the_card_and_mails_a_confirmation(mario):
    stock = Product.objects.get(sku="PUL-W-001").stock
    order = place(mario, quantity=2)
    assert re.fullmatch(r"A-\d+", order.number)
    assert int(order.number[2:]) == 10064  # after the demo's A-10063
    assert (order.status, order.total) == ("paid", Decimal("138.00"))
    assert order.estimated_delivery > order.created_at.date()
    assert Product.objects.get(sku="PUL-W-001").stock == stock - 2
    assert PrepaidCard.objects.get(code=MARIO_CARD).balance == Decimal("62.00")
    [message] = mail.outbox
    assert message.to == ["mario.rossi@example.it"]
    assert message.subject == f"Conferma dell'ordine {order.number}"
    assert "Consegna prevista" in message.body
    link = re.search(r"http://shop\.test/orders/(\S+)/", message.body)
    assert link and selectors.order_by_status_token(link.group(1)) == order
    # Recorded like every outbound mail: the operator sees it in Mario's timeline.
    [sent] = EmailMessage.objects.filter(customer=mario, direction="out")
    assert (sent.subject, sent.outcome, sent.message_id) == (
        message.subject,
        "sent",
        message.extra_headers["Message-ID"],
    )
    emails = customer_timeline(customer_id=mario.pk, kinds=["email"])
    assert [item.title for item in emails] == [message.subject]


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"card": "4000-4567-8901-2345"}, "card_code", "card_insufficient"),
        ({"card": "4000-3456-7890-1234"}, "card_code", "card_invalid"),
        ({"card": "4000-9999-9999-9999"}, "card_code", "card_invalid"),
        ({"quantity": 1000}, "quantity", "out_of_stock"),
        ({"size": "XXL"}, "size", "invalid_choice"),
        ({"card": None, "method": "bitcoin"}, "payment_method", "invalid_choice"),
    ],
)
def test_a_refused_order_leaves_nothing_behind(mario, kwargs, field, code):
    orders = Order.objects.count()
    stock = Product.objects.get(sku="PUL-W-001").stock
    with pytest.raises(services.OrderRefused) as refused:
        place(mario, **kwargs)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert Order.objects.count() == orders
    assert Product.objects.get(sku="PUL-W-001").stock == stock
    assert PrepaidCard.objects.get(code=MARIO_CARD).balance == Decimal("200.00")
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_orders_racing_for_the_last_euros_cannot_both_pass(mario):
    PrepaidCard.objects.filter(code=MARIO_CARD).update(balance=Decimal("100.00"))

    def order_once(_):
        try:
            return place(mario)  # 69 € each: only one fits in 100 €
        except services.OrderRefused as refused:
            return refused.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(order_once, range(4)))
    placed = [r for r in results if isinstance(r, Order)]
    assert len(placed) == 1
    assert sorted(r for r in results if isinstance(r, str)) == ["card_insufficient"] * 3
    assert PrepaidCard.objects.get(code=MARIO_CARD).balance == Decimal("31.00")


def test_cash_on_delivery_orders_are_received_not_paid(mario):
    order = place(mario, card=None)
    assert (order.status, order.payment_method, order.prepaid_card) == ("received", "cod", None)


# --- the order status page ---------------------------------------------------------------------


def test_the_status_page_shows_the_order_in_the_customers_language(client, mario):
    order = Order.objects.get(number="A-10063")
    response = client.get(f"/orders/{selectors.order_status_token(order)}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert response["Content-Language"] == "it"
    assert "Il tuo ordine A-10063" in html and "ricevuto" in html
    assert "PUL-M-001" in html and response["Cache-Control"] == "private, no-store"


def test_the_status_page_speaks_english_to_an_english_customer(client, demo):
    order = Order.objects.get(number="A-10050")  # Emily Clarke
    html = client.get(f"/orders/{selectors.order_status_token(order)}/").content.decode()
    assert "Your order A-10050" in html and "delivered" in html


@pytest.mark.parametrize("token", ["forged", "IkEtMTAwNjMi:badsignature"])
def test_a_forged_order_link_is_not_found(client, demo, token):
    assert client.get(f"/orders/{token}/").status_code == 404


def test_a_token_of_another_salt_does_not_open_an_order(client, demo):
    from django.core import signing

    token = signing.dumps("A-10063", salt="webchat.entry")
    assert client.get(f"/orders/{token}/").status_code == 404


def test_order_links_in_mails_already_sent_survive_a_secret_key_rotation(client, demo, settings):
    order = Order.objects.get(number="A-10063")
    settings.SECRET_KEY = "the-old-secret-key-" + "x" * 40
    link = selectors.order_status_url(order)
    path = link.split("://", 1)[1].split("/", 1)[1]
    settings.SECRET_KEY = "the-new-secret-key-" + "y" * 40
    assert client.get(f"/{path}").status_code == 404  # rotated without a fallback
    settings.SECRET_KEY_FALLBACKS = ["the-old-secret-key-" + "x" * 40]
    assert client.get(f"/{path}").status_code == 200


# --- the form is the schema ----------------------------------------------------------------------


def test_the_widget_schema_is_generated_from_the_django_form(demo):
    product = Product.objects.get(sku="PUL-W-001")
    schema = order_form_schema(OrderForm(product=product, language="en"))
    fields = {f["name"]: f for f in schema["fields"]}
    assert list(fields) == list(OrderForm.base_fields)
    assert fields["size"]["options"] == [{"value": s, "label": s} for s in product.sizes]
    assert fields["quantity"]["type"] == "number" and fields["email"]["type"] == "text"
    assert fields["card_code"]["required"] is False  # only with the prepaid card
    assert fields["payment_method"]["options"] == [
        {"value": "prepaid_card", "label": "Prepaid card"},
        {"value": "cod", "label": "Cash on delivery"},
    ]
    assert schema["submit_label"] == "Place the order"
    italian = order_form_schema(OrderForm(product=product, language="it"))
    colours = next(f for f in italian["fields"] if f["name"] == "colour")["options"]
    assert {"value": "grey", "label": "grigio"} in colours


def test_the_form_validates_in_the_customers_language(demo):
    product = Product.objects.get(sku="PUL-W-001")
    form = OrderForm(data={"sku": "PUL-W-001"}, product=product, language="it")
    assert not form.is_valid()
    assert form.errors_by_field()["shipping_address"] == ["Questo campo è obbligatorio."]
    form = OrderForm(data={"sku": "PUL-W-001"}, product=product, language="en")
    form.is_valid()
    assert form.errors_by_field()["shipping_address"] == ["This field is required."]


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [("4000 1234 5678 9010", MARIO_CARD), ("4000123456789010", MARIO_CARD), ("40001234", "")],
)
def test_card_codes_are_normalised(raw, normalised):
    from shop.forms import normalise_card_code

    assert normalise_card_code(raw) == normalised
