"""First deployment (and after every upgrade): what a production database needs beyond its
schema, without any demo data. Idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from crm import roles, services


class Command(BaseCommand):
    help = (
        "Create the role groups with their permissions and the teams that chats and e-mails "
        "are routed to (no demo users, customers or products). Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            roles.roles_sync()
            created = services.routing_teams_ensure()
        self.stdout.write(f"role groups: {', '.join(sorted(roles.ROLE_PERMISSIONS))}")
        if created:
            names = ", ".join(f"{t.name} ({t.slug})" for t in created)
            self.stdout.write(f"teams created: {names}")
        else:
            self.stdout.write("teams: every routing team exists")
        self.stdout.write("next: createsuperuser, then operators and team members in /admin/")
