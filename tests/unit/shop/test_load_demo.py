"""The demo data: what the reference scenario needs, and idempotent."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.utils import timezone

from crm.models import Customer, Team
from shop.models import Offer, Order, Product

SNAPSHOT_APPS = ("crm", "shop", "auth")


def snapshot() -> str:
    models = [m for label in SNAPSHOT_APPS for m in apps.get_app_config(label).get_models()]
    rows = [obj for model in models for obj in model.objects.order_by("pk")]
    return serializers.serialize("json", rows, sort_keys=True)


def test_loading_twice_leaves_the_same_data(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    first = snapshot()
    images = {p.name: p.read_bytes() for p in (tmp_path / "products").iterdir()}
    call_command("load_demo", verbosity=0)
    assert snapshot() == first
    assert {p.name: p.read_bytes() for p in (tmp_path / "products").iterdir()} == images


def test_the_demo_has_what_the_reference_scenario_needs(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)

    mario = Customer.objects.get(email="mario.rossi@example.it", verified=True)
    assert (mario.first_name, mario.last_name, mario.salutation) == ("Mario", "Rossi", "mr")
    # Mario bought children's clothes before: the bot announces the 0-12 line to him.
    assert Order.objects.filter(customer=mario, lines__product__audience="kids").exists()

    # Pullover offers start on 1 June (the KB's answer to his e-mail in May).
    pullover_offer = Offer.objects.get(category="pullover")
    assert (pullover_offer.starts_on.month, pullover_offer.starts_on.day) == (6, 1)
    assert pullover_offer.starts_on >= timezone.localdate() - dt.timedelta(days=30)

    # Natural-fibre items include unpublished new ones the operator can push.
    hidden_natural = Product.objects.filter(
        published=False, material__fibre_type="natural", category="pullover"
    )
    assert hidden_natural.filter(audience="kids").exists()
    assert hidden_natural.exclude(audience="kids").exists()
    assert Product.objects.filter(audience="kids", new_arrival_date__isnull=False).count() >= 3
    assert 50 <= Product.objects.count() <= 80

    laura_team = Team.objects.get(slug="assistenza-commerciale")
    assert laura_team.members.filter(username="laura").exists()
    for product in Product.objects.all():
        assert (tmp_path / product.image.name).read_text().startswith("<svg")
