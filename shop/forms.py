"""The order form: one Django form is the single source of its schema and its rules.

The console pushes it into the customer's chat as `order_form_schema(form)` (the JSON
the widget renders, docs/protocol.md); what the customer submits is validated here,
in their language, before shop.services.order_create runs.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import translation

from shop.models import Order, PrepaidCard, Product
from shop.selectors import product_price_now

MAX_QUANTITY = 10
CARD_CODE = re.compile(r"^[0-9]{16}$")

LABELS: dict[str, dict[str, str]] = {
    "it": {
        "sku": "Articolo",
        "size": "Taglia",
        "colour": "Colore",
        "quantity": "Quantità",
        "shipping_name": "Nome e cognome",
        "shipping_address": "Indirizzo (via e numero)",
        "shipping_postcode": "CAP",
        "shipping_city": "Città",
        "email": "E-mail per la conferma",
        "payment_method": "Pagamento",
        "card_code": "Codice della carta prepagata",
        "submit": "Conferma l'ordine",
        "prepaid_card": "Carta prepagata",
        "cod": "Contrassegno",
    },
    "en": {
        "sku": "Item",
        "size": "Size",
        "colour": "Colour",
        "quantity": "Quantity",
        "shipping_name": "Full name",
        "shipping_address": "Address (street and number)",
        "shipping_postcode": "Postcode",
        "shipping_city": "City",
        "email": "E-mail for the confirmation",
        "payment_method": "Payment",
        "card_code": "Prepaid card code",
        "submit": "Place the order",
        "prepaid_card": "Prepaid card",
        "cod": "Cash on delivery",
    },
}

# Messages of the order rules, by code (shop.services.OrderRefused uses the same codes).
MESSAGES: dict[str, dict[str, str]] = {
    "it": {
        "card_required": "Inserisci il codice della carta prepagata.",
        "card_format": "Il codice ha 16 cifre, ad esempio 4000-1234-5678-9010.",
        "card_invalid": "Questa carta prepagata non esiste o non è attiva.",
        "card_insufficient": "Il credito della carta non basta per questo ordine.",
        "out_of_stock": "Disponibili solo {stock} pezzi.",
        "postcode": "Inserisci un CAP valido.",
    },
    "en": {
        "card_required": "Enter the code of your prepaid card.",
        "card_format": "The code has 16 digits, e.g. 4000-1234-5678-9010.",
        "card_invalid": "This prepaid card does not exist or is not active.",
        "card_insufficient": "The card's balance does not cover this order.",
        "out_of_stock": "Only {stock} items available.",
        "postcode": "Enter a valid postcode.",
    },
}

COLOUR_NAMES_IT = {
    "blue": "blu",
    "navy": "blu navy",
    "grey": "grigio",
    "gray": "grigio",
    "red": "rosso",
    "green": "verde",
    "beige": "beige",
    "white": "bianco",
    "black": "nero",
    "brown": "marrone",
    "pink": "rosa",
    "yellow": "giallo",
    "camel": "cammello",
    "burgundy": "bordeaux",
    "cream": "panna",
    "light-blue": "azzurro",
    "orange": "arancione",
    "purple": "viola",
}

# What a form field becomes in the widget's schema.
FIELD_TYPES: tuple[tuple[type[forms.Field], str], ...] = (
    (forms.ChoiceField, "select"),
    (forms.IntegerField, "number"),
)


def message(language: str, code: str, **values: Any) -> str:
    return MESSAGES.get(language, MESSAGES["it"])[code].format(**values)


def normalise_card_code(raw: str) -> str:
    """'4000 1234 5678 9010' / '4000123456789010' → '4000-1234-5678-9010'."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if not CARD_CODE.match(digits):
        return ""
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


class OrderForm(forms.Form):
    sku = forms.ChoiceField()
    size = forms.ChoiceField()
    colour = forms.ChoiceField()
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, initial=1)
    shipping_name = forms.CharField(max_length=160)
    shipping_address = forms.CharField(max_length=200)
    shipping_postcode = forms.CharField(max_length=10)
    shipping_city = forms.CharField(max_length=80)
    email = forms.EmailField(max_length=254)
    payment_method = forms.ChoiceField(choices=Order.Payment.choices)
    # Required only with the prepaid card: checked in clean(), so not "required" here.
    card_code = forms.CharField(required=False, max_length=24)

    def __init__(self, *args: Any, product: Product, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.product = product
        self.language = language if language in LABELS else "it"
        labels = LABELS[self.language]
        for name, field in self.fields.items():
            field.label = labels[name]
        self.fields["sku"].choices = [(product.sku, f"{product.name(self.language)}")]
        self.fields["size"].choices = [(size, size) for size in product.sizes]
        self.fields["colour"].choices = [
            (colour, self._colour_label(colour)) for colour in product.colours
        ]
        self.fields["payment_method"].choices = [
            (Order.Payment.PREPAID_CARD, labels["prepaid_card"]),
            (Order.Payment.CASH_ON_DELIVERY, labels["cod"]),
        ]
        self.fields["shipping_postcode"].validators.append(
            RegexValidator(r"^[0-9A-Za-z -]{3,10}$", message(self.language, "postcode"))
        )

    def _colour_label(self, colour: str) -> str:
        return COLOUR_NAMES_IT.get(colour, colour) if self.language == "it" else colour

    def full_clean(self) -> None:
        # Django's own messages ("Questo campo è obbligatorio.") in the customer's language.
        with translation.override(self.language):
            super().full_clean()

    def clean_card_code(self) -> str:
        raw = self.cleaned_data.get("card_code", "")
        if not raw:
            return ""
        code = normalise_card_code(raw)
        if not code:
            raise forms.ValidationError(message(self.language, "card_format"))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        quantity = data.get("quantity")
        if quantity and quantity > self.product.stock:
            self.add_error(
                "quantity", message(self.language, "out_of_stock", stock=self.product.stock)
            )
        if data.get("payment_method") == Order.Payment.PREPAID_CARD:
            code = data.get("card_code")
            if "card_code" in self.errors:
                pass
            elif not code:
                self.add_error("card_code", message(self.language, "card_required"))
            else:
                card = PrepaidCard.objects.filter(code=code, active=True).first()
                if card is None:
                    self.add_error("card_code", message(self.language, "card_invalid"))
                elif quantity and card.balance < self.total(quantity):
                    self.add_error("card_code", message(self.language, "card_insufficient"))
        return data

    def unit_price(self) -> Decimal:
        return product_price_now(self.product)

    def total(self, quantity: int) -> Decimal:
        return self.unit_price() * quantity

    def errors_by_field(self) -> dict[str, list[str]]:
        """Errors as the widget shows them: {field: [messages]}; form-wide under "__all__"."""
        with translation.override(self.language):  # Django's messages are lazy
            return {name: [str(m) for m in messages] for name, messages in self.errors.items()}


def order_form_schema(form: OrderForm) -> dict[str, Any]:
    """The widget's form schema (docs/protocol.md) generated from the Django form."""
    fields = []
    for name, field in form.fields.items():
        entry: dict[str, Any] = {
            "name": name,
            "label": str(field.label),
            "type": next((t for cls, t in FIELD_TYPES if isinstance(field, cls)), "text"),
            "required": field.required,
        }
        if isinstance(field.widget, forms.Textarea):
            entry["type"] = "textarea"
        if isinstance(field, forms.ChoiceField):
            entry["options"] = [
                {"value": str(value), "label": str(label)}
                for value, label in field.choices
                if value != ""
            ]
        fields.append(entry)
    return {"fields": fields, "submit_label": LABELS[form.language]["submit"]}


def order_form_field_names() -> list[str]:
    return list(OrderForm.base_fields)
