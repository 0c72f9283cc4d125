"""manage.py kb_import FILE...: create or replace trees' drafts from YAML (optionally publish)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kb import services


class Command(BaseCommand):
    help = "Import decision trees from YAML files (docs/kb-authoring.md describes the format)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--publish", action="store_true", help="publish each tree (the linter must pass)"
        )
        parser.add_argument("--comment", default="Imported with kb_import")

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                result = services.tree_import_yaml(
                    path=path, publish=options["publish"], comment=options["comment"]
                )
            except services.PublishBlocked as exc:
                lines = "\n".join(f"  {f.code} {f.node or ''} {f.message}" for f in exc.findings)
                raise CommandError(f"{path}: imported as a draft, not published:\n{lines}") from exc
            except (services.ContentError, services.TreeLocked) as exc:
                raise CommandError(f"{path}: {exc}") from exc
            what = "created" if result.created else ("updated" if result.changed else "unchanged")
            published = f", published v{result.version.number}" if result.version else ""
            self.stdout.write(f"{result.tree.slug}: {what}{published}")
