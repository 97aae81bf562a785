"""Reads that need permission: every getter checks who is asking.

Someone who may not see an object gets the same NotFound as for an object
that does not exist, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from eservice.accounts.models import OfficerRole, User
from eservice.accounts.services import juristic_persons_for, officer_roles
from eservice.cases.models import Application, StepInstance, TimelineEvent
from eservice.cases.states import ACTIVE, PLAIN, Status
from eservice.catalog.models import Agency
from eservice.catalog.services import calendar_for
from eservice.core import tracking
from eservice.core.clock import now
from eservice.core.errors import NotFound

# Lists never show answers or the manual's form and texts; loading them dominates the cost.
LIST_DEFERRED = (
    "answers",
    "service_version__form_schema",
    "service_version__form_ui",
    "service_version__channels",
    "service_version__complaints",
    "service_version__description_th",
    "service_version__description_en",
    "service_version__conditions_th",
    "service_version__conditions_en",
)


def applications_of(user: User) -> QuerySet[Application]:
    """Return the applications the user filed or may act on for a juristic person."""
    persons = juristic_persons_for(user).values("pk")
    return (
        Application.objects.filter(Q(applicant=user) | Q(on_behalf_of__in=persons))
        .select_related("service_version", "agency")
        .order_by("-created_at")
    )


def application_for_applicant(user: User, public_id: UUID | str) -> Application:
    """Return one of the user's applications by its public id, or raise NotFound."""
    if not user.is_authenticated:
        raise NotFound(_("No such application."))
    try:
        app = applications_of(user).get(public_id=public_id)
    except (Application.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise NotFound(_("No such application.")) from exc
    return app


def case_for_officer(user: User, number: str) -> Application:
    """Return a submitted case of one of the user's agencies by tracking number."""
    try:
        canonical = tracking.normalise(number)
    except ValueError as exc:
        raise NotFound(_("No such case.")) from exc
    agencies = (
        OfficerRole.objects.filter(user=user).values("agency_id") if user.is_authenticated else []
    )
    app = (
        Application.objects.filter(tracking_number=canonical, agency_id__in=agencies)
        .select_related("service_version", "agency", "applicant", "assigned_to", "on_behalf_of")
        .first()
    )
    if app is None:
        raise NotFound(_("No such case."))
    return app


def officer_agencies(user: User) -> list[Agency]:
    """Return the agencies whose back office the user works in."""
    return [role.agency for role in officer_roles(user)]


@dataclass
class QueueFilters:
    status: str = ""
    service: str = ""
    overdue: bool = False
    mine: bool = False
    due_soon: bool = False


def due_soon_until(agency_id: int, moment: datetime) -> datetime:
    """Return the end of the "about to breach" window: ESCALATION_WARN_HOURS working hours."""
    return calendar_for(agency_id).add_working_minutes(moment, settings.ESCALATION_WARN_HOURS * 60)


# Django writes ``in_queue=True`` as a bare column test, which SQLite does not
# match to an index; ``IN (true)`` is an equality it uses open_queue_idx for.
IN_QUEUE = {"in_queue__in": (True,)}


def queue(user: User, agency: Agency, filters: QueueFilters) -> QuerySet[Application]:
    """Return the agency's cases, due soonest first.

    Without a status filter these are the cases the agency must act on (its
    clock is running); cases waiting for the applicant are under their status.
    """
    if not OfficerRole.objects.filter(user=user, agency=agency).exists():
        raise NotFound(_("No such agency."))
    current_step_due = (
        StepInstance.objects.filter(application=OuterRef("pk"), completed_at__isnull=True)
        .order_by("position")
        .values("due_at")[:1]
    )
    qs = (
        Application.objects.filter(agency=agency)
        .select_related("service_version", "assigned_to")
        .defer(*LIST_DEFERRED)
        .annotate(step_due=Subquery(current_step_due))
    )
    if filters.status:
        # Drafts are the applicant's own business until submitted.
        qs = qs.filter(status=filters.status).exclude(status=Status.DRAFT)
    else:
        qs = qs.filter(**IN_QUEUE)
    if filters.service:
        qs = qs.filter(service__code=filters.service)
    if filters.overdue:
        qs = qs.filter(**IN_QUEUE, due_at__lt=now())
    if filters.mine:
        qs = qs.filter(assigned_to=user)
    if filters.due_soon:
        moment = now()
        until = due_soon_until(agency.pk, moment)
        qs = qs.filter(
            Q(due_at__gte=moment, due_at__lte=until) | Q(step_due__gte=moment, step_due__lte=until),
            **IN_QUEUE,
        )
    return qs.order_by("due_at", "submitted_at", "id")


QUEUE_COUNT_CAP = 10_000
"""Queues count at most this many cases: beyond it the number helps no one and costs."""


def capped_count(qs: QuerySet[Application]) -> int:
    """Return the number of cases, or QUEUE_COUNT_CAP + 1 when there are more."""
    return qs.order_by()[: QUEUE_COUNT_CAP + 1].count()


@dataclass
class PublicTimelineEntry:
    at: datetime
    status: str
    label: str


@dataclass
class TrackingView:
    """What anyone with the number may see: no names, no personal data."""

    number: str
    service_name_th: str
    service_name_en: str
    agency_name_th: str
    agency_name_en: str
    status: str
    status_label: str
    explanation: str
    submitted_at: datetime | None
    expected_by: datetime | None
    paused: bool
    overdue: bool
    decided_at: datetime | None
    timeline: list[PublicTimelineEntry]


class Mistyped(NotFound):
    code = "mistyped"


def track(number: str) -> TrackingView:
    """Return the public view of a case; a mistyped number never reaches the database."""
    try:
        canonical = tracking.normalise(number)
    except tracking.Mistyped as exc:
        raise Mistyped(
            _("This tracking number has a typing mistake: please check each character.")
        ) from exc
    except tracking.Malformed as exc:
        raise Mistyped(
            _("A tracking number has 13 letters and digits, like 7K3M-XQ9P-2RTVH.")
        ) from exc
    app = (
        Application.objects.filter(tracking_number=canonical)
        .select_related("service_version", "agency")
        .first()
    )
    if app is None:
        raise NotFound(_("No application has this tracking number."))
    events = TimelineEvent.objects.filter(
        application=app, kind=TimelineEvent.Kind.TRANSITION, internal=False
    ).order_by("at", "id")
    entries = [
        PublicTimelineEntry(at=e.at, status=e.to_status, label=str(Status(e.to_status).label))
        for e in events
    ]
    status = Status(app.status)
    return TrackingView(
        number=canonical,
        service_name_th=app.service_version.name_th,
        service_name_en=app.service_version.name_en,
        agency_name_th=app.agency.name_th,
        agency_name_en=app.agency.name_en,
        status=status.value,
        status_label=str(status.label),
        explanation=str(PLAIN[status]),
        submitted_at=app.submitted_at,
        expected_by=app.due_at if status in ACTIVE else None,
        paused=status == Status.RETURNED,
        overdue=app.is_overdue,
        decided_at=app.decided_at,
        timeline=entries,
    )
