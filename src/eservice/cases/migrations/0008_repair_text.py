"""Repair answers stored before inputs were checked for text that is not text.

A lone surrogate ("\\ud800" in JSON) could be stored in an answer on SQLite
(PostgreSQL's jsonb refused it); from then on the draft or the case could not
be shown. Each such character becomes U+FFFD (the replacement character).
"""

from typing import Any

from django.db import migrations

from eservice.core.text import find_not_text, repair


def repair_answers(apps: Any, schema_editor: Any) -> None:
    Application = apps.get_model("cases", "Application")  # noqa: N806 - a model class
    DocumentRequest = apps.get_model("cases", "DocumentRequest")  # noqa: N806 - a model class
    for app in Application.objects.only("pk", "answers", "prefill").iterator():
        if find_not_text(app.answers) or find_not_text(app.prefill):
            app.answers, app.prefill = repair(app.answers), repair(app.prefill)
            app.save(update_fields=["answers", "prefill"])
    for request in DocumentRequest.objects.only("pk", "items").iterator():
        if find_not_text(request.items):
            request.items = repair(request.items)
            request.save(update_fields=["items"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_alter_timelineevent_kind")]
    operations = [migrations.RunPython(repair_answers, migrations.RunPython.noop)]
