"""Import laws into the law catalog.

eservice import-laws PATH...      agency law files (YAML/JSON) or nitibench JSON,
                                   files or folders of them
eservice import-laws --reindex    rebuild the search index of laws and services
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eservice.laws import index
from eservice.laws.importer import ImportFailed, import_paths


class Command(BaseCommand):
    help = "Import laws (agency YAML/JSON files or the nitibench JSON corpus) into the law catalog."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="files or folders")
        parser.add_argument("--reindex", action="store_true", help="rebuild the whole search index")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        if not paths and not options["reindex"]:
            raise CommandError("give the files or folders to import, or --reindex")
        started = time.monotonic()
        if paths:
            try:
                report = import_paths(paths)
            except ImportFailed as exc:
                for error in exc.errors:
                    self.stderr.write(error)
                raise CommandError(f"nothing imported ({len(exc.errors)} errors)") from exc
            self.stdout.write(
                f"{len(report.created)} laws added, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged; {report.sections} sections, "
                f"{report.references} references ({report.resolved} linked to a section "
                f"in the catalog)"
            )
        if options["reindex"]:
            n = index.rebuild()
            self.stdout.write(f"search index rebuilt: {n} entries")
        self.stdout.write(f"done in {time.monotonic() - started:.1f} s")
