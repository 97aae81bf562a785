"""One search over laws, sections and services.

1. The query is read: section references ("มาตรา 65 ทวิ ประมวลรัษฎากร",
   "section 44 Building Control Act") are taken out and looked up directly;
   the rest is segmented into words (``eservice.laws.text``), with the parts
   of compounds and the legal terms for everyday words added at lower weight.
2. The full-text backend (SQLite FTS5 or PostgreSQL, ``backends``) returns
   the best few hundred candidates by its own ranking.
3. The candidates are scored again, the same way on both backends:
   BM25F over the three fields (title, law title, text) with field weights,
   a boost for sections other sections cite, a share of a strong section's
   score passed to the sections it cites and that cite it, and a bonus when
   query words stand close together in the text.

``Ranking`` turns each of these on or off, so the benchmark
(benchmarks/laws.py) can measure each one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from threading import Lock
from typing import Any

from django.db.models import Avg, Count
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from eservice.laws import index
from eservice.laws.backends import Filters, Term, backend
from eservice.laws.models import Law, Reference, SearchDoc, Section
from eservice.laws.numbers import find_references
from eservice.laws.text import _THAI, normalize, parts, query_words, synonyms, words

MAX_QUERY = 300
K1, B = 1.2, 0.75
FIELD_WEIGHTS = {"title": 3.0, "law": 0.6, "body": 1.0}
PLAIN_WEIGHTS = {"title": 1.0, "law": 1.0, "body": 1.0}
PART_WEIGHT = 0.35
SYNONYM_WEIGHT = 0.6
PREFIX_SHARE = 0.5
CITED_BOOST = 0.08
XREF_SHARE = 0.15
XREF_FROM = 5
PROXIMITY = 0.1
PROXIMITY_WINDOW = 4
SNIPPET_CHARS = 180


@dataclass(frozen=True)
class Ranking:
    """The ranking features in use; the default has them all."""

    field_weights: bool = True
    expansion: bool = True  # compound parts and legal terms for everyday words
    cited_boost: bool = True
    cross_references: bool = True
    proximity: bool = True
    candidates: int = 100


FULL = Ranking()
PLAIN = Ranking(
    field_weights=False, expansion=False, cited_boost=False, cross_references=False, proximity=False
)


@dataclass(frozen=True)
class QueryTerm:
    text: str
    weight: float
    main: bool  # a word the user typed, not an added one
    # A Thai word also finds the longer words it starts (ร้าน -> ร้านอาหาร).
    prefix: bool = False


def _term(text: str, weight: float, main: bool) -> QueryTerm:
    return QueryTerm(text, weight, main, bool(_THAI.match(text)) and len(text) >= 3)


@dataclass
class Query:
    text: str
    terms: list[QueryTerm]
    sections: list[Section] = field(default_factory=list)


@dataclass
class Hit:
    kind: str
    score: float
    url: str
    snippet: SafeString
    law: Law | None = None
    section: Section | None = None
    service: Any = None
    exact: bool = False

    @property
    def law_name(self) -> str:
        return self.law.title_th if self.law else ""

    @property
    def section_num(self) -> str:
        return self.section.number if self.section else ""


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int


# --- reading the query -----------------------------------------------------------


def _law_candidates(hint: str) -> list[tuple[float, Law]]:
    """Laws whose titles hold the words of ``hint``, best first (score 0..1)."""
    wanted = set(words(hint))
    if not wanted:
        return []
    scored: list[tuple[float, Law]] = []
    for doc in SearchDoc.objects.filter(kind=SearchDoc.Kind.LAW).select_related("law"):
        have = set(doc.title_terms.split())
        share = sum(1 for w in wanted if w in have) / len(wanted)
        if share >= 0.5 and doc.law is not None:
            scored.append((share, doc.law))
    return sorted(scored, key=lambda x: (-x[0], x[1].status == "repealed", x[1].title_th))


def resolve_sections(text: str) -> tuple[list[Section], str]:
    """Sections named in ``text`` and the text left once references and law names are out."""
    found: list[Section] = []
    rest = text
    for ref in find_references(text):
        laws = _law_candidates(ref.law_hint) if ref.law_hint else []
        best = [law for score, law in laws if score == laws[0][0]] if laws else []
        qs = Section.objects.filter(number__in=ref.numbers).select_related("law")
        if best:
            qs = qs.filter(law__in=best)
            rest = rest.replace(ref.law_hint, " ")
        sections = sorted(
            qs,
            key=lambda s: (
                ref.numbers.index(s.number),
                s.law.status == "repealed",
                best.index(s.law) if s.law in best else 0,
                s.law.title_th,
            ),
        )
        found += [s for s in sections if s not in found]
    refs = find_references(rest)
    for ref in reversed(refs):
        rest = rest[: ref.start] + " " + rest[ref.end :]
    return found, rest


def read_query(text: str, ranking: Ranking = FULL) -> Query:
    text = normalize(text)[:MAX_QUERY]
    sections, rest = resolve_sections(text)
    main = list(dict.fromkeys(query_words(rest)))
    terms = {w: _term(w, 1.0, True) for w in main}
    if ranking.expansion:
        table = synonyms()
        phrases = set(main)
        for n in (2, 3):
            phrases |= {"".join(main[i : i + n]) for i in range(len(main) - n + 1)}
        for phrase in phrases:
            for target in table.get(phrase, []):
                for w in words(target) or [target]:
                    terms.setdefault(w, _term(w, SYNONYM_WEIGHT, False))
        for w in main:
            for p in parts(w):
                terms.setdefault(p, _term(p, PART_WEIGHT, False))
    return Query(text, list(terms.values()), sections)


# --- statistics, cached per index generation --------------------------------------

_cache_lock = Lock()
_cache: dict[str, Any] = {"generation": None, "df": {}, "avg": {}, "n": 0}


def _stats(
    terms: Sequence[QueryTerm],
) -> tuple[int, dict[str, dict[str, float]], dict[QueryTerm, int]]:
    gen = index.generation()
    with _cache_lock:
        if _cache["generation"] != gen:
            avg: dict[str, dict[str, float]] = {}
            for row in SearchDoc.objects.values("kind").annotate(
                title=Avg("title_len"), law=Avg("law_len"), body=Avg("body_len"), n=Count("id")
            ):
                avg[row["kind"]] = {f: max(1.0, row[f] or 0.0) for f in ("title", "law", "body")}
            _cache.update(generation=gen, df={}, avg=avg, n=SearchDoc.objects.count())
        df_cache: dict[tuple[str, bool], int] = _cache["df"]
        missing = [t for t in terms if (t.text, t.prefix) not in df_cache]
    if missing:
        found = backend().document_frequencies([Term(t.text, t.prefix) for t in missing])
        with _cache_lock:
            for t in missing:
                df_cache[(t.text, t.prefix)] = found.get(Term(t.text, t.prefix), 0)
    return (
        _cache["n"],
        _cache["avg"],
        {t: df_cache.get((t.text, t.prefix), 0) for t in terms},
    )


# --- scoring ------------------------------------------------------------------------


@dataclass
class _Doc:
    row: SearchDoc
    fields: dict[str, list[str]]
    counts: dict[str, Counter[str]]
    score: float = 0.0
    bonus: float = 0.0


# Parsed documents (their words counted), kept per process for the current
# index generation: the same sections come up again and again.
_parsed: dict[int, tuple[SearchDoc, dict[str, list[str]], dict[str, Counter[str]]]] = {}
_parsed_generation: list[int | None] = [None]
MAX_PARSED = 20_000


def _load(ids: Sequence[int]) -> dict[int, _Doc]:
    generation = _cache["generation"]
    with _cache_lock:
        if _parsed_generation[0] != generation or len(_parsed) > MAX_PARSED:
            _parsed.clear()
            _parsed_generation[0] = generation
        missing = [pk for pk in ids if pk not in _parsed]
    if missing:
        rows = SearchDoc.objects.filter(pk__in=missing).only(
            "pk",
            "kind",
            "law_id",
            "section_id",
            "service_code",
            "title_terms",
            "law_terms",
            "body_terms",
            "cited_by",
        )
        parsed = {}
        for row in rows:
            fields = {
                "title": row.title_terms.split(),
                "law": row.law_terms.split(),
                "body": row.body_terms.split(),
            }
            parsed[row.pk] = (row, fields, {f: Counter(v) for f, v in fields.items()})
        with _cache_lock:
            _parsed.update(parsed)
    docs = {}
    for pk in ids:
        found = _parsed.get(pk)
        if found is not None:
            docs[pk] = _Doc(*found)
    return docs


Longer = dict[QueryTerm, tuple[str, ...]]


def _longer_words(docs: Any, terms: Sequence[QueryTerm]) -> Longer:
    """For each prefix term, the longer words of the candidates that start with it."""
    vocabulary: set[str] = set()
    for doc in docs:
        for counts in doc.counts.values():
            vocabulary.update(counts)
    return {
        t: tuple(w for w in vocabulary if w != t.text and w.startswith(t.text))
        for t in terms
        if t.prefix
    }


def _bm25f(
    doc: _Doc,
    terms: Sequence[QueryTerm],
    idf: dict[QueryTerm, float],
    avg: dict[str, float],
    weights: dict[str, float],
    longer: Longer,
) -> float:
    score = 0.0
    norms = {
        name: 1 - B + B * len(doc.fields[name]) / avg[name] for name in weights if doc.fields[name]
    }
    for term in terms:
        pseudo = 0.0
        extra = longer.get(term, ())
        for name, norm in norms.items():
            counts = doc.counts[name]
            tf = float(counts.get(term.text, 0))
            if extra:
                tf += PREFIX_SHARE * sum(counts.get(w, 0) for w in extra)
            if tf:
                pseudo += weights[name] * tf / norm
        if pseudo:
            score += term.weight * idf[term] * pseudo / (K1 + pseudo)
    return score


def _proximity(doc: _Doc, terms: Sequence[QueryTerm], idf: dict[QueryTerm, float]) -> float:
    """A bonus for each pair of query words found close together in the text."""
    positions: dict[QueryTerm, list[int]] = {}
    body = doc.fields["body"]
    wanted = {t.text: t for t in terms if t.main}
    for i, word in enumerate(body):
        term = wanted.get(word)
        if term is not None:
            positions.setdefault(term, []).append(i)
    bonus = 0.0
    for a, b in combinations(positions, 2):
        gap = min(abs(i - j) for i in positions[a] for j in positions[b])
        if gap <= PROXIMITY_WINDOW:
            bonus += PROXIMITY * (idf[a] + idf[b]) / 2 * (1.0 / gap)
    return bonus


def _score(
    query: Query, filters: Filters, ranking: Ranking, limit: int | None
) -> list[tuple[float, _Doc]]:
    if not query.terms:
        return []
    n, avg_by_kind, df = _stats(query.terms)
    idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) if d else 0.0 for t, d in df.items()}
    usable = [t for t in query.terms if df[t]]
    # Common words find a large share of the documents: leave them out of the
    # candidate search when the rarer words alone give enough candidates.
    engine = backend()
    rare = [t for t in usable if df[t] <= engine.common_share * n]
    if sum(df[t] for t in rare) < ranking.candidates:
        rare = usable  # too few candidates without them
    ids = engine.candidates([Term(t.text, t.prefix) for t in rare], filters, ranking.candidates)
    docs = _load(ids)
    weights = FIELD_WEIGHTS if ranking.field_weights else PLAIN_WEIGHTS
    longer = _longer_words(docs.values(), usable)
    for doc in docs.values():
        avg = avg_by_kind.get(doc.row.kind, {"title": 1.0, "law": 1.0, "body": 1.0})
        doc.score = _bm25f(doc, usable, idf, avg, weights, longer)
        if ranking.proximity:
            doc.score += _proximity(doc, usable, idf)
        if ranking.cited_boost and doc.row.cited_by:
            doc.score *= 1 + CITED_BOOST * math.log1p(doc.row.cited_by)
    if ranking.cross_references:
        _pass_along(docs, usable, idf, avg_by_kind, weights, filters, longer)
    ranked = sorted(docs.values(), key=lambda d: (-(d.score + d.bonus), d.row.pk))
    return [(d.score + d.bonus, d) for d in ranked[:limit] if d.score + d.bonus > 0]


def _pass_along(
    docs: dict[int, _Doc],
    terms: Sequence[QueryTerm],
    idf: dict[QueryTerm, float],
    avg_by_kind: dict[str, dict[str, float]],
    weights: dict[str, float],
    filters: Filters,
    longer: Longer,
) -> None:
    """Give the sections that the best sections cite, and that cite them, a share of their score.

    A question is often answered by a section together with the one it
    refers to ("as in section 1097"), whose own words may not match.
    """
    top = sorted(
        (d for d in docs.values() if d.row.kind == SearchDoc.Kind.SECTION),
        key=lambda d: -d.score,
    )[:XREF_FROM]
    by_section = {d.row.section_id: d for d in top}
    if not by_section:
        return
    links = (
        Reference.objects.filter(target__isnull=False)
        .filter(source_id__in=list(by_section))
        .values_list("source_id", "target_id")
    )
    back = Reference.objects.filter(target_id__in=list(by_section)).values_list(
        "target_id", "source_id"
    )
    share: dict[int, float] = {}
    for origin, other in [*links, *back]:
        if other != origin:
            share[other] = max(share.get(other, 0.0), XREF_SHARE * by_section[origin].score)
    if not share:
        return
    section_docs = {d.row.section_id: d for d in docs.values() if d.row.section_id}
    missing = [s for s in share if s not in section_docs]
    if missing:
        extra_ids = SearchDoc.objects.filter(section_id__in=missing)
        where_ok = _filtered_ids(extra_ids, filters)
        for doc in _load(where_ok).values():
            avg = avg_by_kind.get(doc.row.kind, {"title": 1.0, "law": 1.0, "body": 1.0})
            doc.score = _bm25f(doc, terms, idf, avg, weights, longer)
            docs[doc.row.pk] = doc
            section_docs[doc.row.section_id or 0] = doc
    for section_id, amount in share.items():
        found = section_docs.get(section_id)
        if found is not None:
            found.bonus += amount


def _filtered_ids(qs: Any, filters: Filters, column: str = "pk") -> list[int]:
    """``column`` of the documents of ``qs`` that pass the filters."""
    for lookup, values in (
        ("kind__in", filters.kinds),
        ("law_type__in", filters.law_types),
        ("status__in", filters.statuses),
        ("agency_code__in", filters.agencies),
        ("law_id__in", filters.law_ids),
    ):
        if values:
            qs = qs.filter(**{lookup: values})
    return list(qs.values_list(column, flat=True))


# --- snippets -------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Text for finding words in, with the same length as ``text``."""
    from pythainlp.util import thai_digit_to_arabic_digit

    folded = thai_digit_to_arabic_digit(text).lower()
    return folded if len(folded) == len(text) else text


def snippet(text: str, terms: Sequence[str], size: int = SNIPPET_CHARS) -> SafeString:
    """The part of ``text`` with the most query words, escaped, words in <mark>."""
    text = re.sub(r"\s+", " ", text).strip()
    folded = _fold(text)
    spans: list[tuple[int, int, str]] = []
    for term in sorted(set(terms), key=len, reverse=True):
        if not term:
            continue
        for m in re.finditer(re.escape(term), folded):
            if not any(a < m.end() and m.start() < b for a, b, _ in spans):
                spans.append((m.start(), m.end(), term))
    spans.sort()
    if len(text) <= size:
        start, end = 0, len(text)
    elif not spans:
        start, end = 0, size
    else:
        # The window starting a little before some match that holds the most
        # distinct query words, then the most matches.
        best, best_start = (-1, -1), 0
        j = 0
        for i, (a, _, _) in enumerate(spans[:200]):
            s = max(0, a - size // 4)
            while j < len(spans) and spans[j][1] <= s + size:
                j += 1
            inside = spans[i:j]
            value = (len({t for _, _, t in inside}), len(inside))
            if value > best:
                best, best_start = value, s
        start, end = best_start, min(len(text), best_start + size)
    out = ["…" if start > 0 else ""]
    pos = start
    for a, b, _ in spans:
        if a < start or b > end:
            continue
        out += [escape(text[pos:a]), "<mark>", escape(text[a:b]), "</mark>"]
        pos = b
    out += [escape(text[pos:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped


# --- the search ---------------------------------------------------------------------------


def _section_url(section: Section) -> str:
    return reverse("laws:section", args=[section.law.code, section.slug])


def search(
    text: str,
    *,
    filters: Filters | None = None,
    ranking: Ranking = FULL,
    limit: int = 20,
    offset: int = 0,
    lang: str = "th",
) -> Results:
    """Search laws, sections and services; best first."""
    filters = filters or Filters()
    query = read_query(text, ranking)
    shown = [t.text for t in query.terms]
    named_docs = SearchDoc.objects.filter(section__in=query.sections)
    allowed = set(_filtered_ids(named_docs, filters, "section_id")) if query.sections else set()
    exact = [section for section in query.sections if section.pk in allowed]
    named = {section.pk for section in exact}
    scored = [
        (score, doc.row)
        for score, doc in _score(query, filters, ranking, None)
        if doc.row.section_id not in named
    ]
    # A service no longer offered is left out, and not counted.
    services = _services({row.service_code for _, row in scored if row.service_code})
    scored = [
        (score, row)
        for score, row in scored
        if row.kind != SearchDoc.Kind.SERVICE or row.service_code in services
    ]
    total = len(exact) + len(scored)
    page = range(offset, min(offset + limit, total))
    rows = [scored[i - len(exact)][1] for i in page if i >= len(exact)]
    laws = {law.pk: law for law in Law.objects.filter(pk__in={r.law_id for r in rows if r.law_id})}
    sections = {
        s.pk: s for s in Section.objects.filter(pk__in={r.section_id for r in rows if r.section_id})
    }
    hits: list[Hit] = []
    for i in page:
        if i < len(exact):
            hits.append(_section_hit(exact[i], 1000.0 - i, shown, lang, exact=True))
            continue
        score, row = scored[i - len(exact)]
        if row.kind == SearchDoc.Kind.SECTION:
            section = sections[row.section_id]  # type: ignore[index]
            section.law = laws[row.law_id]  # type: ignore[index]
            hits.append(_section_hit(section, score, shown, lang))
        elif row.kind == SearchDoc.Kind.LAW:
            law = laws[row.law_id]  # type: ignore[index]
            title = law.title_en if lang == "en" and law.title_en else law.title_th
            hits.append(
                Hit(
                    "law",
                    score,
                    reverse("laws:law", args=[law.code]),
                    snippet(title, shown),
                    law=law,
                )
            )
        else:
            service = services[row.service_code]
            v = service.current_version
            hits.append(
                Hit(
                    "service",
                    score,
                    reverse("catalog:service", args=[service.code]),
                    snippet(v.description_en if lang == "en" else v.description_th, shown),
                    service=service,
                )
            )
    return Results(text, hits, total)


def _section_hit(
    section: Section, score: float, terms: Sequence[str], lang: str, exact: bool = False
) -> Hit:
    text = section.text_en if lang == "en" and section.text_en else section.text_th
    return Hit(
        "section",
        score,
        _section_url(section),
        snippet(text, terms),
        law=section.law,
        section=section,
        exact=exact,
    )


def _services(codes: set[str]) -> dict[str, Any]:
    if not codes:
        return {}
    from eservice.catalog.models import Service

    return {
        s.code: s
        for s in Service.objects.filter(
            code__in=codes, is_active=True, current_version__isnull=False
        ).select_related("current_version", "agency")
    }


def rank_sections(text: str, ranking: Ranking = FULL, limit: int = 10) -> list[tuple[str, str]]:
    """(law title, section number) of the best sections, for the quality benchmark."""
    results = search(
        text, filters=Filters(kinds=[SearchDoc.Kind.SECTION]), ranking=ranking, limit=limit
    )
    return [(h.law_name, h.section_num) for h in results.hits if h.section]


__all__ = [
    "FULL",
    "PLAIN",
    "Filters",
    "Hit",
    "Ranking",
    "Results",
    "rank_sections",
    "search",
]
