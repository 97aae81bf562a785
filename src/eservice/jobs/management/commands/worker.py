"""eservice worker            run background jobs until stopped (SIGTERM finishes the job in hand)
eservice worker --burst    run what is due now, then exit (cron, tests, the demo loader)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from eservice.jobs.worker import Worker


class Command(BaseCommand):
    help = "Run background jobs: notifications, delay notices, open data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="run the jobs due now, then exit")
        parser.add_argument(
            "--poll",
            type=float,
            default=None,
            help="seconds to wait when no job is due (default JOBS_POLL_SECONDS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker()
        if options["burst"]:
            ran = worker.run_pending()
            self.stdout.write(f"{ran} jobs run.")
            return
        worker.run_forever(options["poll"] or settings.JOBS_POLL_SECONDS)
