"""eservice check-cases: read every case against the rules its state keeps."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from eservice.cases.consistency import check
from eservice.cases.models import Application


class Command(BaseCommand):
    help = "Check every case's stored state against the rules the actions keep (exit 1 if broken)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--examples", type=int, default=5, help="cases named per rule")

    def handle(self, *args: Any, **options: Any) -> None:
        total = Application.objects.count()
        self.stdout.write(f"{total:,} cases checked.")
        broken = 0
        for finding in check(options["examples"]):
            mark = "ok  " if finding.count == 0 else "FAIL"
            line = f"  {mark} {finding.rule}"
            if finding.count:
                line += f": {finding.count:,} (e.g. {', '.join(finding.examples)})"
                broken += finding.count
            self.stdout.write(line)
        if broken:
            raise CommandError(f"{broken:,} broken rule(s) found")
        self.stdout.write("All cases keep every rule.")
