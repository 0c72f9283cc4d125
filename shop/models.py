from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from crm.models import Conversation, Customer, Ticket


class Category(models.TextChoices):
    PULLOVER = "pullover", "pullover"
    CARDIGAN = "cardigan", "cardigan"
    SHIRT = "shirt", "shirt"
    TSHIRT = "tshirt", "t-shirt"
    TROUSERS = "trousers", "trousers"
    JACKET = "jacket", "jacket"
    SCARF = "scarf", "scarf"
    DRESS = "dress", "dress"


CATEGORY_NAMES = {
    "it": {
        "pullover": "pullover",
        "cardigan": "cardigan",
        "shirt": "camicia",
        "tshirt": "t-shirt",
        "trousers": "pantaloni",
        "jacket": "giacca",
        "scarf": "sciarpa",
        "dress": "abito",
    },
    "en": {
        "pullover": "pullover",
        "cardigan": "cardigan",
        "shirt": "shirt",
        "tshirt": "t-shirt",
        "trousers": "trousers",
        "jacket": "jacket",
        "scarf": "scarf",
        "dress": "dress",
    },
}


class Audience(models.TextChoices):
    WOMAN = "woman", "adult woman"
    MAN = "man", "adult man"
    KIDS = "kids", "kids 0-12"


class Material(models.Model):
    class FibreType(models.TextChoices):
        NATURAL = "natural", "natural"
        SYNTHETIC = "synthetic", "synthetic"
        BLEND = "blend", "blend"

    code = models.SlugField(unique=True)
    name_it = models.CharField(max_length=60)
    name_en = models.CharField(max_length=60)
    fibre_type = models.CharField(max_length=9, choices=FibreType.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name_en} ({self.fibre_type})"

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_it


class Product(models.Model):
    sku = models.CharField(max_length=20, unique=True)
    name_it = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    description_it = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    category = models.CharField(max_length=10, choices=Category.choices)
    audience = models.CharField(max_length=5, choices=Audience.choices)
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="products")
    colours = models.JSONField(default=list, help_text='e.g. ["blue", "grey"]')
    sizes = models.JSONField(default=list, help_text='e.g. ["S", "M", "L"] or ["4-5y"]')
    price = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    stock = models.PositiveIntegerField(default=0)
    # Unpublished items are not on the website yet but operators may show them.
    published = models.BooleanField(default=True)
    new_arrival_date = models.DateField(null=True, blank=True)
    image = models.FileField(upload_to="products/", blank=True)

    class Meta:
        ordering = ["sku"]
        indexes = [models.Index(fields=["category", "audience"])]

    def __str__(self) -> str:
        return f"{self.sku} {self.name_en}"

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_it


class Offer(models.Model):
    name_it = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    description_it = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    products = models.ManyToManyField(Product, blank=True, related_name="offers")
    category = models.CharField(
        max_length=10, choices=Category.choices, blank=True, help_text="the whole category"
    )
    discount_percent = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="offer_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_en} -{self.discount_percent}% {self.starts_on}–{self.ends_on}"


class PrepaidCard(models.Model):
    code = models.CharField(max_length=19, unique=True, help_text="XXXX-XXXX-XXXX-XXXX")
    balance = models.DecimalField(max_digits=8, decimal_places=2)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"card …{self.code[-4:]}"


class Order(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "received"
        PAID = "paid", "paid"
        SHIPPED = "shipped", "shipped"
        DELIVERED = "delivered", "delivered"
        CANCELLED = "cancelled", "cancelled"

    class Payment(models.TextChoices):
        PREPAID_CARD = "prepaid_card", "prepaid card"
        CASH_ON_DELIVERY = "cod", "cash on delivery"

    number = models.CharField(max_length=12, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.RECEIVED)
    shipping_name = models.CharField(max_length=160)
    shipping_address = models.CharField(max_length=200)
    shipping_postcode = models.CharField(max_length=10)
    shipping_city = models.CharField(max_length=80)
    # Where the confirmation went (the customer may give another address than their record's).
    contact_email = models.EmailField(blank=True)
    payment_method = models.CharField(max_length=12, choices=Payment.choices)
    prepaid_card = models.ForeignKey(PrepaidCard, null=True, blank=True, on_delete=models.PROTECT)
    total = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    estimated_delivery = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"order {self.number} ({self.status})"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    size = models.CharField(max_length=10)
    colour = models.CharField(max_length=20)
    quantity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(max_digits=8, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product.sku} {self.size} {self.colour}"
