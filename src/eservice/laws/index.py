"""Keep the search index in step with laws and services.

A law, each of its sections and each active service is one ``SearchDoc``
with three fields of segmented words:

=========  ===========================  ==================  =====================
kind       title                        law                 body
=========  ===========================  ==================  =====================
law        Thai, English, short titles  —                   amendments' titles
section    —                            the law's titles    the text, Thai and English
service    name, output document        its laws' titles    description
=========  ===========================  ==================  =====================
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count

from eservice.laws.backends import Row, backend
from eservice.laws.models import IndexState, Law, Reference, SearchDoc
from eservice.laws.text import joined


def _law_titles(law: Law) -> str:
    return " ".join([law.title_th, law.title_en, law.short_title_th, law.short_title_en])


def _fill(doc: SearchDoc, title: str, law: str, body: str) -> SearchDoc:
    doc.title_terms, doc.law_terms, doc.body_terms = joined(title), joined(law), joined(body)
    doc.title_len = len(doc.title_terms.split())
    doc.law_len = len(doc.law_terms.split())
    doc.body_len = len(doc.body_terms.split())
    return doc


def bump() -> None:
    """Mark what processes cache of the index (words, lengths, law names) stale.

    The generation is a new random number, not the next one: a change rolled
    back must not leave a later change with the same generation as the caches
    built while it was visible.
    """
    generation = secrets.randbits(62) + 1
    updated = IndexState.objects.filter(pk=1).update(generation=generation)
    if not updated:
        IndexState.objects.update_or_create(pk=1, defaults={"generation": generation})


def generation() -> int:
    state = IndexState.objects.filter(pk=1).values_list("generation", flat=True).first()
    return state or 0


def _rows(docs: Iterable[SearchDoc]) -> list[Row]:
    return [Row(d.pk, d.title_terms, d.law_terms, d.body_terms, d.kind) for d in docs]


@transaction.atomic
def index_laws(law_ids: list[int]) -> int:
    """(Re)build the documents of these laws and their sections."""
    old = list(SearchDoc.objects.filter(law_id__in=law_ids).values_list("pk", flat=True))
    SearchDoc.objects.filter(pk__in=old).delete()
    docs: list[SearchDoc] = []
    for law in Law.objects.filter(pk__in=law_ids).prefetch_related("sections", "amendments"):
        common = {
            "law": law,
            "law_type": law.law_type,
            "status": law.status,
            "agency_code": law.agency_code,
        }
        amendments = " ".join(f"{a.title_th} {a.title_en}" for a in law.amendments.all())
        docs.append(
            _fill(SearchDoc(kind=SearchDoc.Kind.LAW, **common), _law_titles(law), "", amendments)
        )
        titles = _law_titles(law)
        for section in law.sections.all():
            doc = SearchDoc(kind=SearchDoc.Kind.SECTION, section=section, **common)
            if section.status == "repealed":
                doc.status = "repealed"
            docs.append(_fill(doc, "", titles, f"{section.text_th}\n{section.text_en}"))
    created = SearchDoc.objects.bulk_create(docs, batch_size=500)
    _count_citations()
    engine = backend()
    engine.replace(_rows(created), delete=old)
    engine.prune()  # the documents of sections deleted by a new import of their law
    bump()
    return len(created)


def _count_citations() -> None:
    """Store on each section's document how many sections cite it."""
    counts = dict(
        Reference.objects.filter(target__isnull=False)
        .values_list("target")
        .annotate(n=Count("id"))
        .values_list("target", "n")
    )
    changed = []
    for doc in SearchDoc.objects.filter(kind=SearchDoc.Kind.SECTION).only(
        "pk", "section_id", "cited_by"
    ):
        n = counts.get(doc.section_id or 0, 0)
        if doc.cited_by != n:
            doc.cited_by = n
            changed.append(doc)
    SearchDoc.objects.bulk_update(changed, ["cited_by"], batch_size=1000)


@transaction.atomic
def index_service(code: str) -> None:
    """(Re)build a service's document from its current manual; drop it if inactive."""
    from eservice.catalog.models import Service

    old = list(SearchDoc.objects.filter(service_code=code).values_list("pk", flat=True))
    SearchDoc.objects.filter(pk__in=old).delete()
    service = (
        Service.objects.select_related("current_version", "agency")
        .filter(code=code, is_active=True, current_version__isnull=False)
        .first()
    )
    rows: list[Row] = []
    if service is not None:
        v = service.current_version
        assert v is not None
        bases = " ".join(f"{b.law_th} {b.law_en}" for b in v.legal_basis.all())
        doc = _fill(
            SearchDoc(
                kind=SearchDoc.Kind.SERVICE,
                service_code=service.code,
                agency_code=service.agency.code,
            ),
            f"{v.name_th} {v.name_en} {v.output_document_th} {v.output_document_en}",
            bases,
            f"{v.description_th} {v.description_en}",
        )
        doc.save()
        rows = _rows([doc])
    backend().replace(rows, delete=old)
    bump()


def index_all_services() -> int:
    from eservice.catalog.models import Service

    codes = list(Service.objects.values_list("code", flat=True))
    for code in codes:
        index_service(code)
    return len(codes)


@transaction.atomic
def rebuild() -> int:
    """Rebuild the whole index: every law, section and service."""
    old = list(SearchDoc.objects.values_list("pk", flat=True))
    backend().replace([], delete=old)
    SearchDoc.objects.all().delete()
    n = index_laws(list(Law.objects.values_list("pk", flat=True)))
    return n + index_all_services()
