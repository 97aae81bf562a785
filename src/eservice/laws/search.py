"""One search over laws, sections and services, for a few words or a whole case.

1. The question is read (``read_query``). Section references and the laws
   they name (``eservice.laws.citations``: "มาตรา 40 (2) แห่งประมวลรัษฎากร")
   are looked up directly. The rest is segmented into words
   (``eservice.laws.text``), with the parts of compounds and the legal terms
   for everyday words added at lower weight. A word the question repeats
   weighs more (BM25's query-term frequency). A long question, with more
   than ``MAX_TERMS`` distinct words (the facts of a case, up to
   ``MAX_QUERY`` characters), is searched by its ``MAX_TERMS`` most telling
   words: weight times inverse document frequency, with the words of its
   last part weighing more, since people put what they ask, and the
   sections they think apply, after the facts.
2. The full-text backend (SQLite FTS5 or PostgreSQL, ``backends``) returns
   the best hundred candidates by its own ranking.
3. The candidates are scored again, the same way on both backends and with
   NumPy over all of them at once: BM25F over the three fields (title, law
   title, text) with field weights, a word that starts longer words also
   counting those at half weight, a boost for sections other sections cite,
   a share of a strong section's score passed to the sections it cites and
   that cite it, and a bonus when query words stand close together.
4. Snippets are built for the page shown only.

``Ranking`` turns each feature on or off, so the benchmark (benchmarks/laws.py)
can measure each one.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from threading import Lock
from typing import Any

import numpy as np
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from eservice.laws import index
from eservice.laws.backends import Filters, Term, backend
from eservice.laws.citations import Citation, LawNames, law_names, read_citations
from eservice.laws.models import Law, Reference, SearchDoc, Section
from eservice.laws.numbers import arabic_digits
from eservice.laws.text import _THAI, normalize, parts, query_words, synonyms, words

MAX_QUERY = 50_000  # characters of a question; longer is refused, never cut
MAX_TERMS = 32  # distinct words a long question is searched by
MAX_EXPANSIONS = 16  # added terms (synonyms, compound parts) kept for a long question
MAX_NAMED = 200  # sections named in a question that are listed first
FETCH_ROUNDS = 10  # queries for them, MAX_NAMED numbers each
K1, B = 1.2, 0.75
K3 = 1.2  # saturation of a word repeated in the question
FIELDS = ("title", "law", "body")
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
TAIL_SHARE = 0.2  # the last fifth of a long question's words ...
TAIL_BOOST = 1.5  # ... weigh this much more when its words are chosen
PLACE_SHARE = 0.5  # a section named without a law is kept if it fits half as well as the best
SNIPPET_CHARS = 180


class QueryTooLong(ValueError):
    """A question longer than ``MAX_QUERY`` characters."""

    def __init__(self, length: int) -> None:
        super().__init__(f"{length} characters, at most {MAX_QUERY}")
        self.length = length


@dataclass(frozen=True)
class Ranking:
    """The ranking features in use; the default has them all."""

    field_weights: bool = True
    expansion: bool = True  # compound parts and legal terms for everyday words
    cited_boost: bool = True
    cross_references: bool = True
    proximity: bool = True
    candidates: int = 100
    max_terms: int = MAX_TERMS
    tail_boost: float = TAIL_BOOST


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
    # Sections named without a law, per reference: only those that fit the
    # question's words best are kept, best first.
    unplaced: list[list[int]] = field(default_factory=list)


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


# --- what the index holds, cached per index generation ---------------------------


class _Vocabulary:
    """Every word of the index with the number of documents holding it, sorted,
    so that the words a prefix starts are one range of ids."""

    def __init__(self, pairs: Sequence[tuple[str, int]]) -> None:
        pairs = sorted(pairs)
        self.words = [w for w, _ in pairs]
        self.ids = {w: i for i, w in enumerate(self.words)}
        self.cumulative = [0]
        for _, df in pairs:
            self.cumulative.append(self.cumulative[-1] + df)

    def __len__(self) -> int:
        return len(self.words)

    def span(self, term: QueryTerm) -> tuple[int, int]:
        """Ids of the words ``term`` finds: itself, and for a prefix the words it starts."""
        if term.prefix:
            lo = bisect_left(self.words, term.text)
            return lo, bisect_left(self.words, term.text + "\U0010ffff", lo)
        i = self.ids.get(term.text)
        return (i, i + 1) if i is not None else (0, 0)

    def df(self, term: QueryTerm) -> int:
        """Documents holding the term; for a prefix, summed over the words it starts
        (an over-count when one document holds several of them)."""
        lo, hi = self.span(term)
        return self.cumulative[hi] - self.cumulative[lo]


@dataclass
class _State:
    generation: int
    vocabulary: _Vocabulary
    n: int  # documents
    avg: dict[str, dict[str, float]]  # kind -> field -> average length
    names: LawNames | None = None
    # Parsed documents, kept for this generation: the same sections come up
    # again and again.
    parsed: dict[int, _Doc] = field(default_factory=dict)


_lock = Lock()
_state: list[_State] = []


def _index_state() -> _State:
    gen = index.generation()
    with _lock:
        if _state and _state[0].generation == gen:
            return _state[0]
    avg: dict[str, dict[str, float]] = {}
    for row in SearchDoc.objects.values("kind").annotate(
        title=Avg("title_len"), law=Avg("law_len"), body=Avg("body_len"), n=Count("id")
    ):
        avg[row["kind"]] = {
            "title": max(1.0, row["title"] or 0.0),
            "law": max(1.0, row["law"] or 0.0),
            "body": max(1.0, row["body"] or 0.0),
        }
    state = _State(gen, _Vocabulary(backend().vocabulary()), SearchDoc.objects.count(), avg)
    with _lock:
        _state[:] = [state]
    return state


def _names(state: _State) -> LawNames:
    if state.names is None:
        state.names = law_names(state.generation)
    return state.names


# --- reading the query -----------------------------------------------------------


def _qtf(count: int) -> float:
    return count * (K3 + 1) / (K3 + count)


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else 0.0


def _sections(citations: list[Citation]) -> tuple[list[Section], list[list[int]]]:
    """The sections the citations name, in the order named; and those named without a law.

    At most MAX_NAMED sections; their numbers are fetched MAX_NAMED at a time, in
    the order cited, for at most FETCH_ROUNDS rounds (texts are read later, for
    the page shown).
    """
    found: list[Section] = []
    seen: set[int] = set()
    unplaced: list[list[int]] = []
    # The same reference written again names nothing new.
    unique: dict[tuple[tuple[str, ...], tuple[int, ...] | None], Citation] = {}
    for c in citations:
        if c.laws != []:  # [] is a law the catalog does not have
            unique.setdefault((tuple(c.numbers), None if c.laws is None else tuple(c.laws)), c)
    pending = list(unique.values())
    numbers = list(dict.fromkeys(n for c in pending for n in c.numbers))
    fetched: dict[str, list[Section]] = {}
    next_number = rounds = 0
    for citation in pending:
        while any(n not in fetched for n in citation.numbers) and rounds < FETCH_ROUNDS:
            rounds += 1
            batch = numbers[next_number : next_number + MAX_NAMED]
            next_number += len(batch)
            for n in batch:
                fetched[n] = []
            sections = Section.objects.filter(number__in=batch).select_related("law")
            for section in sections.defer("text_th", "text_en"):
                fetched[section.number].append(section)
        if any(n not in fetched for n in citation.numbers):
            break  # FETCH_ROUNDS reached
        best = citation.laws or []
        order = {n: i for i, n in enumerate(citation.numbers)}
        rank = {pk: i for i, pk in enumerate(best)}
        named = sorted(
            (
                s
                for number in citation.numbers
                for s in fetched.get(number, [])
                if citation.laws is None or s.law_id in rank
            ),
            key=lambda s: (
                order[s.number],
                rank.get(s.law_id, 0),
                s.law.status == "repealed",
                s.law.title_th,
            ),
        )
        new = [s for s in named if s.pk not in seen][: MAX_NAMED - len(found)]
        seen.update(s.pk for s in new)
        found += new
        if citation.laws is None and len(new) > 1:
            unplaced.append([s.pk for s in new])
        if len(found) >= MAX_NAMED:
            break
    return found, unplaced


def read_query(text: str, ranking: Ranking = FULL, state: _State | None = None) -> Query:
    """The terms and the named sections of a question (see the module)."""
    if len(text) > MAX_QUERY:
        raise QueryTooLong(len(text))
    text = normalize(text)
    state = state or _index_state()
    citations = read_citations(text, lambda: _names(state))
    sections, unplaced = _sections(citations)
    pieces, position = [], 0
    for citation in citations:  # in order, not overlapping
        pieces.append(text[position : citation.start])
        position = max(position, citation.end)
    rest = " ".join([*pieces, text[position:]])
    sequence = query_words(rest, normalized=True)
    counts = Counter(sequence)
    tail = set(sequence[int(len(sequence) * (1 - TAIL_SHARE)) :])
    long = len(counts) > ranking.max_terms
    vocabulary, n = state.vocabulary, state.n

    def usefulness(term: QueryTerm) -> float:
        return term.weight * _idf(n, vocabulary.df(term))

    main = [
        _term(w, _qtf(c) * (ranking.tail_boost if long and w in tail else 1.0), True)
        for w, c in counts.items()
    ]
    if long:
        main = sorted(main, key=lambda t: (-usefulness(t), t.text))[: ranking.max_terms]
    terms = {t.text: t for t in main}
    if ranking.expansion:
        added: dict[str, QueryTerm] = {}
        table = synonyms()
        kept = [w for w in sequence if w in terms] if long else sequence
        phrases = set(kept)
        for size in (2, 3):
            phrases |= {"".join(kept[i : i + size]) for i in range(len(kept) - size + 1)}
        for phrase in sorted(phrases):
            for target in table.get(phrase, []):
                for w in words(target) or [target]:
                    if w not in terms:
                        added.setdefault(w, _term(w, SYNONYM_WEIGHT, False))
        for term in main:
            for p in parts(term.text):
                if p not in terms:
                    added.setdefault(p, _term(p, PART_WEIGHT, False))
        extra = list(added.values())
        if long:
            extra = sorted(extra, key=lambda t: (-usefulness(t), t.text))[:MAX_EXPANSIONS]
        terms.update({t.text: t for t in extra})
    return Query(text, list(terms.values()), sections, unplaced)


# --- scoring ------------------------------------------------------------------------


@dataclass
class _Doc:
    """A document's words as vocabulary ids: per field the distinct ids (sorted)
    with their counts, and the text's ids in order (for proximity)."""

    pk: int
    kind: str
    law_id: int | None
    section_id: int | None
    service_code: str
    cited_by: int
    lengths: tuple[int, int, int]
    ids: tuple[np.ndarray, np.ndarray, np.ndarray]
    counts: tuple[np.ndarray, np.ndarray, np.ndarray]
    body: np.ndarray


MAX_PARSED = 20_000


def _parse(row: Any, vocabulary: _Vocabulary) -> _Doc:
    ids, counts, lengths = [], [], []
    body = np.zeros(0, dtype=np.int64)
    for name in FIELDS:
        seq = [vocabulary.ids.get(w, -1) for w in getattr(row, f"{name}_terms").split()]
        lengths.append(len(seq))
        arr = np.asarray(seq, dtype=np.int64)
        if name == "body":
            body = arr
        unique, count = np.unique(arr[arr >= 0], return_counts=True)
        ids.append(unique)
        counts.append(count)
    return _Doc(
        row.pk,
        row.kind,
        row.law_id,
        row.section_id,
        row.service_code,
        row.cited_by,
        (lengths[0], lengths[1], lengths[2]),
        (ids[0], ids[1], ids[2]),
        (counts[0], counts[1], counts[2]),
        body,
    )


def _load(ids: Sequence[int], state: _State) -> list[_Doc]:
    parsed = state.parsed
    with _lock:  # a snapshot: another thread may clear the cache meanwhile
        if len(parsed) > MAX_PARSED:
            parsed.clear()
        have = {pk: parsed[pk] for pk in ids if pk in parsed}
    missing = [pk for pk in ids if pk not in have]
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
        new = {row.pk: _parse(row, state.vocabulary) for row in rows}
        with _lock:
            parsed.update(new)
        have.update(new)
    return [have[pk] for pk in ids if pk in have]


@dataclass
class _Terms:
    """The query's usable terms as arrays, for scoring many documents at once."""

    terms: list[QueryTerm]
    lo: np.ndarray  # first vocabulary id each term finds
    hi: np.ndarray  # past the last one
    exact: np.ndarray  # the term's own id, or -1
    prefix: np.ndarray  # bool
    weight: np.ndarray  # term weight times IDF
    main_ids: np.ndarray  # ids of the words the user typed, for proximity
    main_idf: np.ndarray


def _terms(query: Query, state: _State) -> _Terms:
    v, n = state.vocabulary, state.n
    usable = [t for t in query.terms if v.df(t)]
    spans = [v.span(t) for t in usable]
    idf = [_idf(n, v.df(t)) for t in usable]
    main = [
        (v.ids[t.text], i) for t, i in zip(usable, idf, strict=True) if t.main and t.text in v.ids
    ]
    main.sort()
    return _Terms(
        usable,
        np.asarray([s[0] for s in spans], dtype=np.int64),
        np.asarray([s[1] for s in spans], dtype=np.int64),
        np.asarray([v.ids.get(t.text, -1) for t in usable], dtype=np.int64),
        np.asarray([t.prefix for t in usable], dtype=bool),
        np.asarray([t.weight * i for t, i in zip(usable, idf, strict=True)], dtype=np.float64),
        np.asarray([m[0] for m in main], dtype=np.int64),
        np.asarray([m[1] for m in main], dtype=np.float64),
    )


def _bm25f(
    docs: Sequence[_Doc], terms: _Terms, state: _State, weights: dict[str, float]
) -> np.ndarray:
    """BM25F of each document over the terms, all at once."""
    if not docs or not len(terms.terms):
        return np.zeros(len(docs))
    size = max(1, len(state.vocabulary))
    blocks = len(docs) * len(FIELDS)
    keys = np.concatenate(
        [d.ids[f] + (i * len(FIELDS) + f) * size for i, d in enumerate(docs) for f in range(3)]
    )
    cumulative = np.concatenate(
        ([0], np.cumsum(np.concatenate([d.counts[f] for d in docs for f in range(3)])))
    )
    base = (np.arange(blocks, dtype=np.int64) * size)[:, None]

    def counted(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        return (
            cumulative[np.searchsorted(keys, base + hi)]
            - cumulative[np.searchsorted(keys, base + lo)]
        )

    found = counted(terms.lo, terms.hi).astype(np.float64)
    has_own = terms.exact >= 0
    own = np.where(has_own, counted(terms.exact, terms.exact + 1), 0).astype(np.float64)
    tf = np.where(terms.prefix, own + PREFIX_SHARE * (found - own), found)
    tf = tf.reshape(len(docs), len(FIELDS), len(terms.terms))
    lengths = np.asarray([d.lengths for d in docs], dtype=np.float64)
    avg = np.asarray(
        [[state.avg.get(d.kind, {}).get(f, 1.0) for f in FIELDS] for d in docs], dtype=np.float64
    )
    norms = 1 - B + B * lengths / avg
    field_weights = np.asarray([weights[f] for f in FIELDS], dtype=np.float64)
    pseudo = np.einsum("dft,df->dt", tf, field_weights / norms)
    return np.asarray((terms.weight * pseudo / (K1 + pseudo)).sum(axis=1))


def _proximity(docs: Sequence[_Doc], terms: _Terms) -> np.ndarray:
    """A bonus for each pair of query words found close together in a text."""
    bonus = np.zeros(len(docs))
    if len(terms.main_ids) < 2 or not docs:
        return bonus
    gap = PROXIMITY_WINDOW + 1
    bodies = [d.body for d in docs]
    starts = np.cumsum([0] + [len(b) + gap for b in bodies[:-1]])
    seq = np.concatenate([np.concatenate((b, np.full(gap, -1))) for b in bodies])
    where = np.flatnonzero(np.isin(seq, terms.main_ids))
    if len(where) < 2:
        return bonus
    which = np.searchsorted(terms.main_ids, seq[where])
    doc = np.searchsorted(starts, where, side="right") - 1
    best: dict[tuple[int, int, int], int] = {}
    for k in range(1, PROXIMITY_WINDOW + 1):
        if k >= len(where):
            break
        distance = where[k:] - where[:-k]
        close = np.flatnonzero((distance <= PROXIMITY_WINDOW) & (which[k:] != which[:-k]))
        for i in close.tolist():
            a, b = sorted((int(which[i]), int(which[i + k])))
            pair = (int(doc[i]), a, b)
            d = int(distance[i])
            if d < best.get(pair, gap):
                best[pair] = d
    idf = terms.main_idf
    for (d, a, b), apart in best.items():
        bonus[d] += PROXIMITY * (idf[a] + idf[b]) / 2 / apart
    return bonus


def _score(
    query: Query, filters: Filters, ranking: Ranking, state: _State
) -> list[tuple[float, _Doc]]:
    terms = _terms(query, state)
    if not terms.terms:
        return []
    v, n = state.vocabulary, state.n
    engine = backend()
    # Common words find a large share of the documents: leave them out of the
    # candidate search when the rarer words alone give enough candidates.
    dfs = [v.df(t) for t in terms.terms]
    common = engine.common_share * n
    rare = [i for i, df in enumerate(dfs) if df <= common]
    if sum(dfs[i] for i in rare) < ranking.candidates:
        rare = list(range(len(dfs)))  # too few candidates without them
    ids = engine.candidates(
        [Term(terms.terms[i].text, terms.terms[i].prefix, float(terms.weight[i])) for i in rare],
        filters,
        ranking.candidates,
    )
    docs = _load(ids, state)
    weights = FIELD_WEIGHTS if ranking.field_weights else PLAIN_WEIGHTS
    scores = _bm25f(docs, terms, state, weights)
    if ranking.proximity:
        scores = scores + _proximity(docs, terms)
    if ranking.cited_boost:
        cited = np.asarray([d.cited_by for d in docs], dtype=np.float64)
        scores = scores * (1 + CITED_BOOST * np.log1p(cited))
    bonus = np.zeros(len(docs))
    if ranking.cross_references:
        docs, scores, bonus = _pass_along(docs, scores, terms, state, weights, filters)
    total = scores + bonus
    order = sorted(range(len(docs)), key=lambda i: (-total[i], docs[i].pk))
    return [(float(total[i]), docs[i]) for i in order if total[i] > 0]


def _pass_along(
    docs: list[_Doc],
    scores: np.ndarray,
    terms: _Terms,
    state: _State,
    weights: dict[str, float],
    filters: Filters,
) -> tuple[list[_Doc], np.ndarray, np.ndarray]:
    """Give the sections that the best sections cite, and that cite them, a share of their score.

    A question is often answered by a section together with the one it
    refers to ("as in section 1097"), whose own words may not match.
    """
    bonus = np.zeros(len(docs))
    ranked = sorted(
        (i for i, d in enumerate(docs) if d.kind == SearchDoc.Kind.SECTION),
        key=lambda i: -scores[i],
    )[:XREF_FROM]
    by_section = {docs[i].section_id: float(scores[i]) for i in ranked}
    if not by_section:
        return docs, scores, bonus
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
            share[other] = max(share.get(other, 0.0), XREF_SHARE * by_section[origin])
    if not share:
        return docs, scores, bonus
    position = {d.section_id: i for i, d in enumerate(docs) if d.section_id}
    missing = [s for s in share if s not in position]
    if missing:
        extra = _load(
            _filtered_ids(SearchDoc.objects.filter(section_id__in=missing), filters), state
        )
        if extra:
            docs = [*docs, *extra]
            scores = np.concatenate((scores, _bm25f(extra, terms, state, weights)))
            bonus = np.concatenate((bonus, np.zeros(len(extra))))
            first = len(docs) - len(extra)
            position.update({d.section_id: first + i for i, d in enumerate(extra) if d.section_id})
    for section_id, amount in share.items():
        i = position.get(section_id)
        if i is not None:
            bonus[i] += amount
    return docs, scores, bonus


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
    folded = arabic_digits(text).lower()
    return folded if len(folded) == len(text) else text


@lru_cache(maxsize=64)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all the terms, longest first, so a longer word wins."""
    wanted = sorted({t for t in terms if t}, key=lambda t: (-len(t), t))
    return re.compile("|".join(map(re.escape, wanted))) if wanted else None


def snippet(text: str, terms: Sequence[str], size: int = SNIPPET_CHARS) -> SafeString:
    """The part of ``text`` with the most query words, escaped, words in <mark>."""
    text = re.sub(r"\s+", " ", text).strip()
    pattern = _pattern(tuple(sorted(set(terms))))
    spans = (
        [(m.start(), m.end(), m.group()) for m in pattern.finditer(_fold(text))] if pattern else []
    )
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


def _place(query: Query, exact: list[Section], state: _State, ranking: Ranking) -> list[Section]:
    """Of the sections named without a law, keep those that fit the question's words
    best ("มาตรา 56 (2) (ง)" in a question about a procurement), best first.

    A reference with nothing else to go by ("มาตรา 12") keeps them all.
    """
    if not query.unplaced or not query.terms:
        return exact
    group_of = {pk: i for i, group in enumerate(query.unplaced) for pk in group}
    groups = query.unplaced
    pks = [s.pk for s in exact if s.pk in group_of]
    docs = _load(
        list(SearchDoc.objects.filter(section_id__in=pks).values_list("pk", flat=True)), state
    )
    weights = FIELD_WEIGHTS if ranking.field_weights else PLAIN_WEIGHTS
    fit = dict(
        zip(
            [d.section_id for d in docs],
            _bm25f(docs, _terms(query, state), state, weights).tolist(),
            strict=True,
        )
    )
    by_pk = {s.pk: s for s in exact}
    out: list[Section] = []
    done: set[int] = set()
    for section in exact:
        index = group_of.get(section.pk)
        if index is None:
            out.append(section)
            continue
        if index in done:
            continue
        done.add(index)
        present = [pk for pk in groups[index] if pk in by_pk]
        best = max((fit.get(pk, 0.0) for pk in present), default=0.0)
        kept = [pk for pk in present if best <= 0 or fit.get(pk, 0.0) >= PLACE_SHARE * best]
        kept.sort(key=lambda pk: -fit.get(pk, 0.0))
        out += [by_pk[pk] for pk in kept]
    return out


def search(
    text: str,
    *,
    filters: Filters | None = None,
    ranking: Ranking = FULL,
    limit: int = 20,
    offset: int = 0,
    lang: str = "th",
) -> Results:
    """Search laws, sections and services; best first.

    Raises QueryTooLong for a question over ``MAX_QUERY`` characters.
    """
    filters = filters or Filters()
    state = _index_state()
    query = read_query(text, ranking, state)
    shown = [t.text for t in query.terms]
    named_docs = SearchDoc.objects.filter(section__in=query.sections)
    allowed = set(_filtered_ids(named_docs, filters, "section_id")) if query.sections else set()
    exact = _place(query, [s for s in query.sections if s.pk in allowed], state, ranking)
    named = {section.pk for section in exact}
    scored = [
        (score, doc)
        for score, doc in _score(query, filters, ranking, state)
        if doc.section_id not in named
    ]
    # A service no longer offered is left out, and not counted.
    services = _services({doc.service_code for _, doc in scored if doc.service_code})
    scored = [
        (score, doc)
        for score, doc in scored
        if doc.kind != SearchDoc.Kind.SERVICE or doc.service_code in services
    ]
    total = len(exact) + len(scored)
    page = range(offset, min(offset + limit, total))
    rows = [scored[i - len(exact)][1] for i in page if i >= len(exact)]
    laws = {law.pk: law for law in Law.objects.filter(pk__in={r.law_id for r in rows if r.law_id})}
    sections = {
        s.pk: s for s in Section.objects.filter(pk__in={r.section_id for r in rows if r.section_id})
    }
    # The named sections were read without their texts: read those of the page.
    texts = {
        pk: (th, en)
        for pk, th, en in Section.objects.filter(
            pk__in=[exact[i].pk for i in page if i < len(exact)]
        ).values_list("pk", "text_th", "text_en")
    }
    hits: list[Hit] = []
    for i in page:
        if i < len(exact):
            section = exact[i]
            section.text_th, section.text_en = texts.get(section.pk, ("", ""))
            # Above any score of words, in the order named.
            hits.append(_section_hit(section, 1000.0 + len(exact) - i, shown, lang, exact=True))
            continue
        score, doc = scored[i - len(exact)]
        if doc.kind == SearchDoc.Kind.SECTION:
            section = sections[doc.section_id]  # type: ignore[index]
            section.law = laws[doc.law_id]  # type: ignore[index]
            hits.append(_section_hit(section, score, shown, lang))
        elif doc.kind == SearchDoc.Kind.LAW:
            law = laws[doc.law_id]  # type: ignore[index]
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
            service = services[doc.service_code]
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
    "MAX_QUERY",
    "PLAIN",
    "Filters",
    "Hit",
    "QueryTooLong",
    "Ranking",
    "Results",
    "rank_sections",
    "search",
]
