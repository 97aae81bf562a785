"""Full-text backends of the law search: SQLite FTS5 and PostgreSQL.

Both index the same thing: each ``SearchDoc``'s three fields of words,
already segmented by ``eservice.laws.text`` (the database's own tokenizer
never sees raw Thai). Both answer the same three questions: which documents
match any of these terms, best first by the engine's own ranking (BM25 in
FTS5, ``ts_rank_cd`` in PostgreSQL); how many documents hold each term; and
keep this document in step. Ranking beyond that is done once, above them,
in ``eservice.laws.search``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

FTS_TABLE = "laws_fts"
# Weights of the three fields when the engine ranks candidates.
TITLE, LAW, BODY = 4.0, 1.5, 1.0


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False


@dataclass
class Filters:
    kinds: list[str] = field(default_factory=list)
    law_types: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    law_ids: list[int] = field(default_factory=list)

    def sql(self, alias: str) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, values in (
            ("kind", self.kinds),
            ("law_type", self.law_types),
            ("status", self.statuses),
            ("agency_code", self.agencies),
            ("law_id", self.law_ids),
        ):
            if values:
                clauses.append(f"{alias}.{column} IN ({', '.join(['%s'] * len(values))})")
                params += list(values)
        return (" AND " + " AND ".join(clauses)) if clauses else "", params


@dataclass
class Row:
    id: int
    title: str
    law: str
    body: str


class Backend(ABC):
    """What a full-text backend answers; see the module's docstring."""

    vendor = ""
    # Words in more than this share of documents are left out of the candidate
    # search when rarer words give enough candidates (see search._score).
    common_share = 0.2

    @abstractmethod
    def candidates(self, terms: Sequence[Term], filters: Filters, limit: int) -> list[int]:
        """Ids of the documents holding any of ``terms``, best first by the engine's ranking."""

    @abstractmethod
    def document_frequencies(self, terms: Sequence[Term]) -> dict[Term, int]:
        """How many documents hold each term."""

    @abstractmethod
    def replace(self, rows: list[Row], delete: Iterable[int] = ()) -> None:
        """Index ``rows`` (replacing what was indexed under their ids) and drop ``delete``."""


def _fts_string(term: Term) -> str:
    return '"' + term.text.replace('"', '""') + '"' + ("*" if term.prefix else "")


class SqliteBackend(Backend):
    """FTS5, with a Unicode tokenizer that keeps Thai marks inside words."""

    vendor = "sqlite"
    CREATE = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "title, law, body, tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* M* Co'\")",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE}_vocab USING fts5vocab({FTS_TABLE}, row)",
    ]
    DROP = [f"DROP TABLE IF EXISTS {FTS_TABLE}_vocab", f"DROP TABLE IF EXISTS {FTS_TABLE}"]

    def candidates(self, terms: Sequence[Term], filters: Filters, limit: int) -> list[int]:
        if not terms:
            return []
        where, params = filters.sql("d")
        sql = (
            f"SELECT d.id FROM {FTS_TABLE} JOIN laws_searchdoc d ON d.id = {FTS_TABLE}.rowid "  # noqa: S608 - constants and placeholders only
            f"WHERE {FTS_TABLE} MATCH %s{where} "
            f"ORDER BY bm25({FTS_TABLE}, {TITLE}, {LAW}, {BODY}) LIMIT %s"
        )
        match = " OR ".join(_fts_string(t) for t in terms)
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, *params, limit])
            return [row[0] for row in cursor.fetchall()]

    def document_frequencies(self, terms: Sequence[Term]) -> dict[Term, int]:
        """Documents holding each term; for a prefix term, summed over the words it starts
        (an over-count when one document holds several of them)."""
        out: dict[Term, int] = {}
        exact = [t for t in terms if not t.prefix]
        with connection.cursor() as cursor:
            if exact:
                marks = ", ".join(["%s"] * len(exact))
                cursor.execute(
                    f"SELECT term, doc FROM {FTS_TABLE}_vocab WHERE term IN ({marks})",  # noqa: S608 - constants and placeholders only
                    [t.text for t in exact],
                )
                found = dict(cursor.fetchall())
                out.update({t: found.get(t.text, 0) for t in exact})
            for term in (t for t in terms if t.prefix):
                cursor.execute(
                    f"SELECT coalesce(sum(doc), 0) FROM {FTS_TABLE}_vocab "  # noqa: S608 - constants and placeholders only
                    "WHERE term >= %s AND term < %s",
                    [term.text, term.text + "\U0010ffff"],
                )
                out[term] = cursor.fetchone()[0]
        return out

    def replace(self, rows: list[Row], delete: Iterable[int] = ()) -> None:
        gone = [*delete, *(r.id for r in rows)]
        with connection.cursor() as cursor:
            for start in range(0, len(gone), 500):
                chunk = gone[start : start + 500]
                cursor.execute(
                    f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608 - constants and placeholders only
                    chunk,
                )
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, law, body) VALUES (%s, %s, %s, %s)",  # noqa: S608 - constants and placeholders only
                [(r.id, r.title, r.law, r.body) for r in rows],
            )


def _tsvector(fields: Sequence[tuple[str, str]]) -> str:
    """A tsvector literal of already-segmented fields, with positions and weights.

    Built by hand so that PostgreSQL's parser, which does not know Thai, never
    splits a word: each space-separated word is one lexeme.
    """
    positions: dict[str, list[str]] = {}
    pos = 0
    for text, weight in fields:
        for word in text.split():
            pos += 1
            positions.setdefault(word, []).append(f"{min(pos, 16383)}{weight}")
        pos += 10  # fields are not adjacent
    return " ".join(
        "'" + w.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(p[:256])
        for w, p in positions.items()
    )


def _tsquery(terms: Sequence[Term]) -> str:
    return " | ".join(
        "'" + t.text.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if t.prefix else "")
        for t in terms
    )


class PostgresBackend(Backend):
    """A ``tsvector`` column with a GIN index, ranked by ``ts_rank_cd``."""

    vendor = "postgresql"
    # ts_rank_cd has no inverse document frequency: a common word weighs as
    # much as a rare one, so common words are left out sooner (measured:
    # hit@10 0.667 -> 0.730 and p50 116 -> 79 ms on the benchmark's questions).
    common_share = 0.05
    CREATE = [
        "ALTER TABLE laws_searchdoc ADD COLUMN IF NOT EXISTS fts tsvector",
        "CREATE INDEX IF NOT EXISTS laws_searchdoc_fts ON laws_searchdoc USING gin (fts)",
    ]
    DROP = [
        "DROP INDEX IF EXISTS laws_searchdoc_fts",
        "ALTER TABLE laws_searchdoc DROP COLUMN IF EXISTS fts",
    ]
    # ts_rank_cd takes weights in the order D, C, B, A (body is C, law B, title A).
    WEIGHTS = "{0.1, %s, %s, %s}" % (BODY / TITLE, LAW / TITLE, 1.0)  # noqa: UP031

    def candidates(self, terms: Sequence[Term], filters: Filters, limit: int) -> list[int]:
        if not terms:
            return []
        where, params = filters.sql("d")
        sql = (
            "SELECT d.id FROM laws_searchdoc d, CAST(%s AS tsquery) q "  # noqa: S608 - constants and placeholders only
            f"WHERE d.fts @@ q{where} "
            "ORDER BY ts_rank_cd(CAST(%s AS float4[]), d.fts, q, 1) DESC, d.id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [_tsquery(terms), *params, self.WEIGHTS, limit])
            return [row[0] for row in cursor.fetchall()]

    def document_frequencies(self, terms: Sequence[Term]) -> dict[Term, int]:
        if not terms:
            return {}
        sql = " UNION ALL ".join(
            ["SELECT %s, count(*) FROM laws_searchdoc WHERE fts @@ CAST(%s AS tsquery)"]
            * len(terms)
        )
        params: list[Any] = []
        for i, term in enumerate(terms):
            params += [i, _tsquery([term])]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {terms[int(i)]: count for i, count in cursor.fetchall()}

    def replace(self, rows: list[Row], delete: Iterable[int] = ()) -> None:
        # Deleted documents take their column with them.
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE laws_searchdoc SET fts = CAST(%s AS tsvector) WHERE id = %s",
                [(_tsvector([(r.title, "A"), (r.law, "B"), (r.body, "C")]), r.id) for r in rows],
            )


def backend() -> Backend:
    """The backend for the configured database."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise RuntimeError(f"law search has no backend for {connection.vendor}")


def create_schema(schema_editor: object) -> None:
    """Create the backend's index (a migration step)."""
    conn = schema_editor.connection  # type: ignore[attr-defined]
    statements = {"sqlite": SqliteBackend.CREATE, "postgresql": PostgresBackend.CREATE}
    for sql in statements.get(conn.vendor, []):
        schema_editor.execute(sql)  # type: ignore[attr-defined]


def drop_schema(schema_editor: object) -> None:
    conn = schema_editor.connection  # type: ignore[attr-defined]
    statements = {"sqlite": SqliteBackend.DROP, "postgresql": PostgresBackend.DROP}
    for sql in statements.get(conn.vendor, []):
        schema_editor.execute(sql)  # type: ignore[attr-defined]
