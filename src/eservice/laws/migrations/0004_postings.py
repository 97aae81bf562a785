"""PostgreSQL: the law search ranks candidates by BM25F in SQL over a table of
postings, instead of ts_rank_cd over a tsvector column (which has no inverse
document frequency and read every matching row). The postings of the
documents already indexed are written here; SQLite keeps its FTS5 table."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

from eservice.laws.backends import PostgresBackend, Row


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [*PostgresBackend.DROP_TSVECTOR, *PostgresBackend.CREATE]:
        schema_editor.execute(sql)
    SearchDoc = apps.get_model("laws", "SearchDoc")  # noqa: N806 - a model class
    docs = SearchDoc.objects.using(schema_editor.connection.alias).only(
        "pk", "kind", "title_terms", "law_terms", "body_terms"
    )
    rows = [Row(d.pk, d.title_terms, d.law_terms, d.body_terms, d.kind) for d in docs]
    if rows:
        PostgresBackend().replace(rows)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in PostgresBackend.DROP:
        schema_editor.execute(sql)
    # The old tsvector column comes back empty: run `eservice import-laws --reindex`.
    schema_editor.execute("ALTER TABLE laws_searchdoc ADD COLUMN IF NOT EXISTS fts tsvector")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS laws_searchdoc_fts ON laws_searchdoc USING gin (fts)"
    )


class Migration(migrations.Migration):
    dependencies = [("laws", "0003_law_aliases")]
    operations = [
        migrations.SeparateDatabaseAndState(
            # The table is the backend's (PostgreSQL only); Django knows it as a model.
            state_operations=[
                migrations.CreateModel(
                    name="Posting",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "term",
                                "doc",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("term", models.TextField()),
                        ("weight", models.FloatField()),
                        (
                            "doc",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="laws.searchdoc",
                            ),
                        ),
                    ],
                    options={"db_table": "laws_posting"},
                )
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
