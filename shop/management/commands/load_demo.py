"""manage.py load_demo: create or refresh the demo data (safe to run again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shop.demo import load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo catalogue, operators, customers and orders."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_demo()
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"{name:<{width}}  {count}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
