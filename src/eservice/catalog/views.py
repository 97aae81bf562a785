"""Public catalog pages: home, browse and search, and the service manual."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from eservice.accounts.services import juristic_persons_for
from eservice.catalog import services
from eservice.core.web import domain_errors


def home(request: HttpRequest) -> HttpResponse:
    """Show the search box, categories and agencies."""
    return render(
        request,
        "catalog/home.html",
        {
            "categories": services.categories_with_counts(nonempty=True),
            "agencies": services.agencies_with_counts(nonempty=True),
        },
    )


def service_list(request: HttpRequest) -> HttpResponse:
    """List services, filtered by agency and category and ranked by the query."""
    query = request.GET.get("q", "").strip()[:200]
    agency = request.GET.get("agency", "")
    category = request.GET.get("category", "")
    return render(
        request,
        "catalog/service_list.html",
        {
            "query": query,
            "agency": agency,
            "category": category,
            "results": services.find_services(query, agency=agency, category=category),
            "agencies": services.agencies_with_counts(),
            "categories": services.categories_with_counts(),
        },
    )


@domain_errors
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show the service manual, with the button to apply."""
    service = services.service_by_code(code)
    persons = juristic_persons_for(request.user) if request.user.is_authenticated else []
    return render(
        request,
        "catalog/service_detail.html",
        {
            "service": service,
            "v": service.current_version,
            "juristic_persons": persons,
        },
    )
