from __future__ import annotations

import json
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandParser

from eservice.catalog.importer import export_data


class Command(BaseCommand):
    help = "Print every agency, category and current service manual (YAML, or JSON with --json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="write JSON instead of YAML")

    def handle(self, *args: Any, **options: Any) -> None:
        data = export_data()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))
