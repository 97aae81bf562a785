"""Law catalog pages: the one search box, the list of laws, a law, a section."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from eservice.core.i18n import current_language
from eservice.core.web import domain_errors
from eservice.laws import services
from eservice.laws.api import filters_from, search_rate
from eservice.laws.fileformat import LAW_TYPES
from eservice.laws.models import LawStatus, LawType
from eservice.laws.search import MAX_QUERY, search
from eservice.laws.text import unsafe_character

PAGE_SIZE = 20


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


def _agencies() -> list[tuple[str, str]]:
    from eservice.catalog.services import agencies_with_counts

    return [(a.code, str(a)) for a in agencies_with_counts()]


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def _slug(value: str) -> str:
    return value if _SLUG.fullmatch(value) else ""


def query_error(query: str) -> str:
    """Why a question cannot be searched, in the user's language; empty if it can."""
    if len(query) > MAX_QUERY:
        return _(
            "Your question has %(length)s characters; the search reads at most %(max)s. "
            "Shorten the facts and keep your question and the sections you cite."
        ) % {"length": f"{len(query):,}", "max": f"{MAX_QUERY:,}"}
    bad = unsafe_character(query)
    if bad is not None:
        return _(
            "Your question has a character that is not text (at character %(position)s). "
            "Type or paste it again."
        ) % {"position": f"{bad + 1:,}"}
    return ""


# A search changes nothing, and a long question is sent in the body of a POST
# (a URL holds a few hundred Thai characters); it needs no CSRF token, so a
# question pasted into a page left open for hours is never refused.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=search_rate, group="search", block=True)
def search_page(request: HttpRequest) -> HttpResponse:
    """Laws, sections and services for what the person typed or pasted, best first."""
    data = request.POST if request.method == "POST" else request.GET
    query = data.get("q", "").strip()
    kind = data.get("kind", "")
    law_type = data.get("type", "")
    status = data.get("status", "")
    # Codes are slugs; anything else (a NUL, a long string) is no filter at all.
    agency = _slug(data.get("agency", ""))
    law = _slug(data.get("law", ""))
    page = _int(data.get("page"), 1)
    results = None
    error = query_error(query)
    if query and not error:
        filters = filters_from(
            {
                "kind": [kind] if kind in ("law", "section", "service") else [],
                "type": [law_type] if law_type in LAW_TYPES else [],
                "status": [status] if status in LawStatus.values else [],
                "agency": agency,
                "law": law,
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
            "error": error,
            "max_query": MAX_QUERY,
            "results": results,
            "within": services.laws().filter(code=law).first() if law else None,
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
        status=400 if error else 200,
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
