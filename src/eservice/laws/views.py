"""Law catalog pages: the one search box, the list of laws, a law, a section."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from eservice.core.i18n import current_language
from eservice.core.web import domain_errors
from eservice.laws import services
from eservice.laws.api import filters_from
from eservice.laws.fileformat import LAW_TYPES
from eservice.laws.models import LawStatus, LawType
from eservice.laws.search import search

PAGE_SIZE = 20


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


def _agencies() -> list[tuple[str, str]]:
    from eservice.catalog.services import agencies_with_counts

    return [(a.code, str(a)) for a in agencies_with_counts()]


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Laws, sections and services for what the person typed, best first."""
    query = request.GET.get("q", "").strip()[:300]
    kind = request.GET.get("kind", "")
    law_type = request.GET.get("type", "")
    status = request.GET.get("status", "")
    agency = request.GET.get("agency", "")
    page = _int(request.GET.get("page"), 1)
    results = None
    if query:
        filters = filters_from(
            {
                "kind": [kind] if kind in ("law", "section", "service") else [],
                "type": [law_type] if law_type in LAW_TYPES else [],
                "status": [status] if status in LawStatus.values else [],
                "agency": agency,
            }
        )
        if filters.law_types or filters.statuses:
            filters.kinds = [k for k in filters.kinds or ["law", "section"] if k != "service"]
        results = search(
            query,
            filters=filters,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            lang=current_language(),
        )
    pages = -(-results.total // PAGE_SIZE) if results else 0
    return render(
        request,
        "laws/search.html",
        {
            "query": query,
            "results": results,
            "kind": kind,
            "law_type": law_type,
            "status": status,
            "agency": agency,
            "page": page,
            "pages": pages,
            "law_types": LawType.choices,
            "statuses": LawStatus.choices,
            "agencies": _agencies(),
        },
    )


@require_GET
def law_list(request: HttpRequest) -> HttpResponse:
    law_type = request.GET.get("type", "")
    status = request.GET.get("status", "")
    return render(
        request,
        "laws/law_list.html",
        {
            "laws": services.laws(law_type=law_type, status=status),
            "law_type": law_type,
            "status": status,
            "law_types": LawType.choices,
            "statuses": LawStatus.choices,
        },
    )


@require_GET
@domain_errors
def law_page(request: HttpRequest, code: str) -> HttpResponse:
    law = services.law_by_code(code)
    sections, pages = services.law_sections(law, _int(request.GET.get("page"), 1))
    return render(
        request,
        "laws/law_detail.html",
        {
            "law": law,
            "sections": sections,
            "page": min(_int(request.GET.get("page"), 1), pages),
            "pages": pages,
            "services": services.services_for_law(law),
        },
    )


@require_GET
@domain_errors
def section_page(request: HttpRequest, code: str, number: str) -> HttpResponse:
    section = services.section_by_slug(code, number)
    before, after = services.neighbours(section)
    return render(
        request,
        "laws/section_detail.html",
        {"section": section, "law": section.law, "before": before, "after": after},
    )
