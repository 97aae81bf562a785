"""Full-text backends of the law search: SQLite FTS5 and PostgreSQL.

Both index the same thing: each ``SearchDoc``'s three fields of words,
already segmented by ``eservice.laws.text`` (the database's own tokenizer
never sees raw Thai). Both answer the same three questions: which documents
match any of these terms, best first by a BM25 ranking in the database
(FTS5's ``bm25()`` on SQLite; on PostgreSQL a table of postings whose
weights are BM25F's, summed with each term's IDF); which words the index
holds and in how many documents each; and keep this document in step.
Ranking beyond that is done once, above them, in ``eservice.laws.search``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
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
    # The term's weight in the query times its IDF (backends that rank by
    # their own statistics may ignore it).
    weight: float = 1.0


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
    kind: str = ""


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
    def vocabulary(self) -> list[tuple[str, int]]:
        """Every word of the index, with how many documents hold it."""

    @abstractmethod
    def replace(self, rows: list[Row], delete: Iterable[int] = ()) -> None:
        """Index ``rows`` (replacing what was indexed under their ids) and drop ``delete``."""

    @abstractmethod
    def prune(self) -> None:
        """Drop what is indexed for documents that are gone (deleted with their section)."""


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

    def vocabulary(self) -> list[tuple[str, int]]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term, doc FROM {FTS_TABLE}_vocab")  # noqa: S608 - a constant
            return [(term, doc) for term, doc in cursor.fetchall()]

    def prune(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM laws_searchdoc)"  # noqa: S608 - a constant
            )

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


# BM25F of the postings: the same constants as the ranker's (search.py).
K1, B = 1.2, 0.75
FIELD_WEIGHTS = (3.0, 0.6, 1.0)
PREFIX_SHARE = 0.5
POSTINGS = "laws_posting"


def postings(
    rows: Sequence[Row], averages: dict[str, tuple[float, float, float]]
) -> Iterator[tuple[str, int, float]]:
    """(term, document, weight) of each word of each document: BM25F's saturated
    term frequency over the three fields, ``pseudo / (K1 + pseudo)``."""
    for row in rows:
        fields = (row.title.split(), row.law.split(), row.body.split())
        avg = averages.get(row.kind, (1.0, 1.0, 1.0))
        pseudo: dict[str, float] = {}
        for words, weight, mean in zip(fields, FIELD_WEIGHTS, avg, strict=True):
            if not words:
                continue
            norm = 1 - B + B * len(words) / max(1.0, mean)
            for word, count in Counter(words).items():
                pseudo[word] = pseudo.get(word, 0.0) + weight * count / norm
        for word, value in pseudo.items():
            yield word, row.id, value / (K1 + value)


class PostgresBackend(Backend):
    """A table of postings (term, document, BM25F weight) with a B-tree on the term
    in byte order, so the words a prefix starts are one range of it; candidates are
    ranked by the sum of weight times IDF over the query's terms, in SQL."""

    vendor = "postgresql"
    CREATE = [
        f"CREATE TABLE IF NOT EXISTS {POSTINGS} ("
        'term text COLLATE "C" NOT NULL, '
        "doc_id bigint NOT NULL REFERENCES laws_searchdoc (id) ON DELETE CASCADE, "
        "weight real NOT NULL)",
        f"CREATE UNIQUE INDEX IF NOT EXISTS {POSTINGS}_term ON {POSTINGS} (term, doc_id) "
        "INCLUDE (weight)",
        f"CREATE INDEX IF NOT EXISTS {POSTINGS}_doc ON {POSTINGS} (doc_id)",
    ]
    DROP = [f"DROP TABLE IF EXISTS {POSTINGS}"]
    # The tsvector column with a GIN index that ranked by ts_rank_cd before.
    DROP_TSVECTOR = [
        "DROP INDEX IF EXISTS laws_searchdoc_fts",
        "ALTER TABLE laws_searchdoc DROP COLUMN IF EXISTS fts",
    ]

    def candidates(self, terms: Sequence[Term], filters: Filters, limit: int) -> list[int]:
        if not terms:
            return []
        where, params = filters.sql("d")
        join = "JOIN laws_searchdoc d ON d.id = p.doc_id " if where else ""
        values = ", ".join(["(%s, %s, %s, %s::float8)"] * len(terms))
        sql = (
            f"SELECT p.doc_id FROM {POSTINGS} p "  # noqa: S608 - constants and placeholders only
            f"JOIN (VALUES {values}) AS q (lo, hi, own, weight) "
            'ON p.term >= q.lo COLLATE "C" AND p.term < q.hi COLLATE "C" '
            f"{join}WHERE TRUE{where} "
            "GROUP BY p.doc_id "
            "ORDER BY sum(p.weight * q.weight * "
            f"CASE WHEN p.term = q.own THEN 1.0 ELSE {PREFIX_SHARE} END) DESC, p.doc_id "
            "LIMIT %s"
        )
        bounds: list[Any] = []
        for t in terms:
            # An exact term is the range [t, t + U+0001); a prefix, every word it starts.
            bounds += [t.text, t.text + ("\U0010ffff" if t.prefix else "\u0001"), t.text, t.weight]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*bounds, *params, limit])
            return [row[0] for row in cursor.fetchall()]

    def vocabulary(self) -> list[tuple[str, int]]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term, count(*) FROM {POSTINGS} GROUP BY term")  # noqa: S608 - a constant
            return [(term, n) for term, n in cursor.fetchall()]

    def prune(self) -> None:
        """Nothing to do: a deleted document takes its postings with it (ON DELETE CASCADE)."""

    def replace(self, rows: list[Row], delete: Iterable[int] = ()) -> None:
        # Deleted documents take their postings with them (ON DELETE CASCADE).
        ids = [r.id for r in rows]
        averages = _averages()
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 1000):
                cursor.execute(
                    f"DELETE FROM {POSTINGS} WHERE doc_id = ANY(%s)",  # noqa: S608 - a constant
                    [ids[start : start + 1000]],
                )
            with cursor.copy(f"COPY {POSTINGS} (term, doc_id, weight) FROM STDIN") as copy:
                for posting in postings(rows, averages):
                    copy.write_row(posting)


def _averages() -> dict[str, tuple[float, float, float]]:
    """Average field lengths per kind of document, for the postings' weights."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, avg(title_len), avg(law_len), avg(body_len) FROM laws_searchdoc "
            "GROUP BY kind"
        )
        return {
            kind: (float(t or 1.0), float(law or 1.0), float(body or 1.0))
            for kind, t, law, body in cursor.fetchall()
        }


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
