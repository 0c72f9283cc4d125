"""manage.py kb_export SLUG: a tree as YAML (the draft, or --of live / a version number)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from kb import selectors
from kb.content import content_to_yaml
from kb.models import Tree


class Command(BaseCommand):
    help = "Export a tree as YAML: to stdout, or with --out DIR as DIR/<slug>.yml + files/."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument(
            "--of", dest="which", default="draft", help="'draft' (default), 'live' or a number"
        )
        parser.add_argument("--out", type=Path, help="folder for <slug>.yml and its files/")

    def handle(self, *args: Any, **options: Any) -> None:
        tree = Tree.objects.filter(slug=options["slug"]).select_related("live_version").first()
        if tree is None:
            raise CommandError(f"no tree {options['slug']!r}")
        which = options["which"]
        if which == "draft":
            content = selectors.tree_draft_content(tree=tree)
        elif which == "live":
            if tree.live_version is None:
                raise CommandError(f"{tree.slug} was never published")
            content = tree.live_version.content
        else:
            version = tree.versions.filter(number=int(which)).first()
            if version is None:
                raise CommandError(f"{tree.slug} has no version {which}")
            content = version.content
        text = content_to_yaml(content)
        out: Path | None = options["out"]
        if out is None:
            self.stdout.write(text, ending="")
            return
        (out / "files").mkdir(parents=True, exist_ok=True)
        (out / f"{tree.slug}.yml").write_text(text, encoding="utf-8")
        for node in content["nodes"]:
            for attachment in node.get("attachments", []):
                with default_storage.open(attachment["file"], "rb") as source:
                    with (out / "files" / attachment["filename"]).open("wb") as target:
                        shutil.copyfileobj(source, target)
        self.stdout.write(f"{out / f'{tree.slug}.yml'}")
