from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eservice.catalog.importer import ImportFailed, import_file


class Command(BaseCommand):
    help = "Import agencies, categories and service manuals from a YAML or JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            report = import_file(path, actor="cli")
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{path.name}: nothing imported ({len(exc.errors)} errors)") from exc
        self.stdout.write(
            f"{path.name}: {report.agencies} agencies, {report.categories} categories, "
            f"{len(report.published)} services published, {len(report.unchanged)} unchanged"
        )
