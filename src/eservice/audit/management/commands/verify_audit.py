from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from eservice.audit.actions import verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit non-zero at the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if not result.ok:
            raise CommandError(
                f"audit log broken at event #{result.first_bad_seq}: {result.reason} "
                f"({result.checked} events verified before it)"
            )
        self.stdout.write(f"audit log intact: {result.checked} events verified")
