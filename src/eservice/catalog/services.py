"""Public read API of the catalog module, used by views, the API and other modules."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from eservice.catalog import search as search_index
from eservice.catalog.models import (
    Agency,
    AgencyDayOff,
    Category,
    Service,
    ServiceVersion,
)
from eservice.core.errors import NotFound
from eservice.core.workdays import WorkingCalendar


def active_services() -> QuerySet[Service]:
    """Return services open for applications, with what a list shows."""
    return (
        Service.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("agency", "category", "current_version")
        .order_by("code")
    )


def find_services(query: str = "", agency: str = "", category: str = "") -> list[Service]:
    """Return active services filtered by agency/category codes, ranked by ``query`` if any."""
    qs = active_services()
    if agency:
        qs = qs.filter(Q(agency__code=agency) | Q(agency__parent__code=agency))
    if category:
        qs = qs.filter(category__code=category)
    if not query.strip():
        return list(qs)
    ranked = search_index.search(query)
    by_id = {s.id: s for s in qs.filter(id__in=ranked)}
    return [by_id[i] for i in ranked if i in by_id]


def service_by_code(code: str) -> Service:
    """Return an active service with its full current manual, or raise NotFound."""
    service = active_services().filter(code=code).first()
    if service is None or service.current_version_id is None:
        raise NotFound(_("No such service."))
    service.current_version = version_with_manual(service.current_version_id)
    return service


def version_with_manual(version_id: int) -> ServiceVersion:
    """Return a manual version with its legal basis, steps, documents and fees loaded."""
    return (
        ServiceVersion.objects.select_related("service__agency", "service__category")
        .prefetch_related("legal_basis", "steps", "documents", "fees")
        .get(pk=version_id)
    )


def agencies_with_counts(nonempty: bool = False) -> QuerySet[Agency]:
    """Return agencies with how many active services each offers."""
    qs = Agency.objects.annotate(
        service_count=Count(
            "services",
            filter=Q(services__is_active=True, services__current_version__isnull=False),
        )
    ).select_related("parent")
    return qs.filter(service_count__gt=0) if nonempty else qs


def categories_with_counts(nonempty: bool = False) -> QuerySet[Category]:
    """Return categories with how many active services each holds."""
    qs = Category.objects.annotate(
        service_count=Count(
            "services",
            filter=Q(services__is_active=True, services__current_version__isnull=False),
        )
    )
    return qs.filter(service_count__gt=0) if nonempty else qs


def calendar_for(agency_id: int) -> WorkingCalendar:
    """Return the agency's working calendar (public holidays plus its own days off)."""
    days = AgencyDayOff.objects.filter(agency_id=agency_id).values_list("day", flat=True)
    return WorkingCalendar.default(extra_days_off=days)
