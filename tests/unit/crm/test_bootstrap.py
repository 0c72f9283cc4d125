"""`manage.py bootstrap`: a production database gets its roles and routing teams, no demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from crm import roles, services
from crm.models import Team

pytestmark = pytest.mark.django_db


def bootstrap() -> str:
    out = StringIO()
    call_command("bootstrap", stdout=out)
    return out.getvalue()


def test_bootstrap_creates_the_roles_and_the_teams_routing_needs_and_nothing_else():
    output = bootstrap()
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.ROLE_PERMISSIONS)
    assert Group.objects.get(name="operator_l1").permissions.filter(codename="use_console")
    assert set(Team.objects.values_list("slug", flat=True)) == {
        "assistenza-commerciale",
        "customer-care",
    }
    assert "Assistenza Commerciale (assistenza-commerciale)" in output
    assert not get_user_model().objects.exists()
    # Routing now finds its teams on a database without demo data.
    assert services.handoff_team(reason="asked").slug == "assistenza-commerciale"


def test_bootstrap_again_keeps_what_the_admin_changed(settings):
    bootstrap()
    Team.objects.filter(slug="customer-care").update(name="Servizio Clienti")
    settings.HANDOFF_TEAM_BY_REASON = {"complaint": "reclami"}
    output = bootstrap()
    assert Team.objects.get(slug="customer-care").name == "Servizio Clienti"
    assert Team.objects.get(slug="reclami").name == "Reclami"
    assert "teams created: Reclami (reclami)" in output
    assert "teams: every routing team exists" in bootstrap()
