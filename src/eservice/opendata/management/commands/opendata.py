"""Publish the open datasets.

eservice opendata publish [--full]         bring figures and datasets up to date once
eservice opendata publish --every SECONDS  keep doing it (the scheduled job)
eservice opendata list                     the published datasets and their files
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from eservice.opendata.models import Dataset
from eservice.opendata.publish import Report, publish


class Command(BaseCommand):
    help = "Publish the open datasets (service catalog and performance)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("publish", help="bring figures and datasets up to date")
        run.add_argument(
            "--full", action="store_true", help="recompute from every application ever submitted"
        )
        run.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="run again every SECONDS until stopped (the scheduled job)",
        )
        sub.add_parser("list", help="the published datasets and their files")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for dataset in Dataset.objects.prefetch_related("resources").order_by("name"):
                files = ", ".join(
                    f"{r.format} {r.size} B" for r in dataset.resources.all().defer("content")
                )
                self.stdout.write(f"{dataset.name}  {dataset.modified:%Y-%m-%d %H:%M}  {files}")
            return
        every = options.get("every")
        full = options["full"]
        while True:
            started = time.monotonic()
            report = publish(full=full)
            self._print(report, time.monotonic() - started)
            if not every:
                return
            full = False
            close_old_connections()
            time.sleep(max(0.0, every - (time.monotonic() - started)))

    def _print(self, report: Report, seconds: float) -> None:
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            f"open data: {report.cases} cases and {report.cells} monthly figures recomputed;"
            f" {len(report.written)} datasets written, {report.unchanged} unchanged,"
            f" {len(report.removed)} removed in {seconds:.2f} s"
        )
        for name in report.written:
            self.stdout.write(f"  written: {name}")
