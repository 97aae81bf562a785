from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from eservice.accounts.models import User
from eservice.demo.loader import load, print_accounts


class Command(BaseCommand):
    help = "Migrate, load the demo data once (or again with --reset) and print the demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="delete all data and start over")
        parser.add_argument(
            "--no-serve", action="store_true", help="load only; do not start the server"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            self.stdout.write("Deleting all data…")
            call_command("flush", interactive=False, verbosity=0)
            mail = Path(settings.EMAIL_FILE_PATH)
            if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend") and mail.exists():
                shutil.rmtree(mail)
            for folder in ("evidence", "issued"):
                stored = Path(settings.MEDIA_ROOT) / folder
                if settings.STORAGE_BACKEND == "local" and stored.exists():
                    shutil.rmtree(stored)
        if User.objects.filter(username="citizen1").exists():
            self.stdout.write("Demo data already loaded; keeping it (use --reset to start over).")
        else:
            self.stdout.write("Loading demo data…")
            load(self.stdout)
        print_accounts(self.stdout)
