"""The full-text index of the law search: an FTS5 table on SQLite, a tsvector
column with a GIN index on PostgreSQL (see eservice/laws/backends.py)."""

from typing import Any

from django.db import migrations

from eservice.laws.backends import create_schema, drop_schema


def forwards(apps: Any, schema_editor: Any) -> None:
    create_schema(schema_editor)


def backwards(apps: Any, schema_editor: Any) -> None:
    drop_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("laws", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
