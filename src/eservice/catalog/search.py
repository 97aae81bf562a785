"""Catalog search: Thai word segmentation (PyThaiNLP) over an index of terms.

Thai is written without spaces, so substring matching both misses (a query
word split differently) and over-matches (a word inside another). Each
service's current manual is segmented into words once, at publication, and
stored as ``ServiceTerm`` rows with a weight per field; a query is segmented
the same way and services are ranked by how many query words they contain,
then by the weight of the matches. Works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.db.models import Q
from pythainlp.corpus import thai_stopwords
from pythainlp.tokenize import word_tokenize
from pythainlp.util import thai_digit_to_arabic_digit

from eservice.catalog.models import Service, ServiceTerm

NAME_WEIGHT = 8
OUTPUT_WEIGHT = 4
LAW_WEIGHT = 2
TEXT_WEIGHT = 1
MAX_TERM_LENGTH = 64
# A run of letters, digits or Thai characters (Thai vowels and tone marks are
# combining marks, which \w alone does not match).
WORD = re.compile(r"[\w\u0E00-\u0E7F]+")
EN_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)


@lru_cache(maxsize=1)
def _th_stopwords() -> frozenset[str]:
    # Keep words that carry meaning in service names even if listed as stopwords.
    return frozenset(thai_stopwords()) - {"ขอ", "แจ้ง", "ย้าย", "ตั้ง", "เปลี่ยน"}


def terms(text: str) -> list[str]:
    """Return the search terms of ``text``: segmented, lower-cased, stopwords dropped."""
    text = unicodedata.normalize("NFC", thai_digit_to_arabic_digit(text or "")).lower()
    out = []
    for segment in word_tokenize(text, engine="newmm", keep_whitespace=False):
        # Punctuation stuck to a word ("(restaurant)", "B.E.") is not part of it.
        for token in WORD.findall(segment):
            if len(token) > MAX_TERM_LENGTH or token in EN_STOPWORDS:
                continue
            if token in _th_stopwords():
                continue
            if len(token) < 2 and not token.isdigit():
                continue  # a lone letter: a fragment of an abbreviation such as พ.ร.บ.
            out.append(token)
    return out


def term_weights(version: Any, legal_bases: Iterable[Any]) -> dict[str, int]:
    """Return each search term of a manual with the weight of the best field it is in."""
    fields = [
        (version.name_th, NAME_WEIGHT),
        (version.name_en, NAME_WEIGHT),
        (version.output_document_th, OUTPUT_WEIGHT),
        (version.output_document_en, OUTPUT_WEIGHT),
        (version.description_th, TEXT_WEIGHT),
        (version.description_en, TEXT_WEIGHT),
    ]
    for basis in legal_bases:
        fields += [(basis.law_th, LAW_WEIGHT), (basis.law_en, LAW_WEIGHT)]
    weights: dict[str, int] = defaultdict(int)
    for text, weight in fields:
        for term in set(terms(text)):
            weights[term] = max(weights[term], weight)
    return weights


def index_service(service: Service) -> None:
    """Rebuild the search terms of a service from its current manual."""
    version = service.current_version
    weights = term_weights(version, version.legal_basis.all()) if version is not None else {}
    with transaction.atomic():
        ServiceTerm.objects.filter(service=service).delete()
        ServiceTerm.objects.bulk_create(
            ServiceTerm(service=service, term=t, weight=w) for t, w in weights.items()
        )


def search(query: str, limit: int = 50) -> list[int]:
    """Return ids of active services matching ``query``, best first.

    1. Segment the query into terms.
    2. Find index terms equal to a query term, or starting with it (a Thai
       compound such as ร้านอาหาร is found by ร้าน); exact matches weigh more.
    3. Rank by the number of query terms matched, then by summed weight.
    """
    wanted = list(dict.fromkeys(terms(query)))
    if not wanted:
        return []
    condition = Q()
    for term in wanted:
        condition |= Q(term=term) | Q(term__startswith=term)
    rows = ServiceTerm.objects.filter(condition, service__is_active=True).values_list(
        "service_id", "term", "weight"
    )
    matched: dict[int, set[str]] = defaultdict(set)
    score: dict[int, float] = defaultdict(float)
    for service_id, term, weight in rows:
        for q in wanted:
            if term == q:
                matched[service_id].add(q)
                score[service_id] += weight
            elif term.startswith(q):
                matched[service_id].add(q)
                score[service_id] += weight / 2
    ranked = sorted(matched, key=lambda sid: (-len(matched[sid]), -score[sid], sid))
    return ranked[:limit]
