"""The agency back office: queue, case page and the officer's actions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eservice.accounts.models import OfficerRole, User
from eservice.accounts.services import officer_by_username, officer_role, role_at_least
from eservice.cases import actions, prefill
from eservice.cases.access import (
    QUEUE_COUNT_CAP,
    QueueFilters,
    capped_count,
    case_for_officer,
    due_soon_until,
    officer_agencies,
    queue,
)
from eservice.cases.models import Application
from eservice.cases.states import (
    ACTIVE,
    DOCUMENT_STATES,
    OFFICER_ACTION_ROLE,
    OPEN,
    TRANSITIONS,
    Status,
)
from eservice.cases.views.common import (
    answer_rows,
    requested_names,
    requirement_rows,
    serve_evidence,
)
from eservice.catalog.services import calendar_for
from eservice.core.clock import now
from eservice.core.errors import DomainError, NotFound, ValidationFailed
from eservice.core.web import domain_errors, refusal_message, signed_in
from eservice.documents.services import documents_of


class QueuePaginator(Paginator):
    """Pages of a queue, counting no further than the cap."""

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list)  # type: ignore[arg-type]


@login_required
def office(request: HttpRequest) -> HttpResponse:
    """Send the officer to their agency's queue, or let them choose an agency."""
    agencies = officer_agencies(signed_in(request))
    if not agencies:
        raise Http404
    if len(agencies) == 1:
        return redirect("cases:queue", agency=agencies[0].code)
    return render(request, "cases/office.html", {"agencies": agencies})


@login_required
@domain_errors
def agency_queue(request: HttpRequest, agency: str) -> HttpResponse:
    """Show the agency's cases with filters, due soonest first."""
    match = [a for a in officer_agencies(signed_in(request)) if a.code == agency]
    if not match:
        raise NotFound(_("No such agency."))
    filters = QueueFilters(
        status=request.GET.get("status", "")
        if request.GET.get("status", "") in Status.values
        else "",
        service=request.GET.get("service", "")[:100],
        overdue=request.GET.get("overdue") == "1",
        mine=request.GET.get("mine") == "1",
        due_soon=request.GET.get("due_soon") == "1",
    )
    cases = queue(signed_in(request), match[0], filters)
    page = QueuePaginator(cases, 50).get_page(request.GET.get("page"))
    moment = now()
    until = due_soon_until(match[0].pk, moment)
    for app in page:
        dues = [d for d in (app.due_at, getattr(app, "step_due", None)) if d is not None]
        app.due_soon = app.status in ACTIVE and any(moment <= d <= until for d in dues)
    services = {c.service_version.service_id: c.service_version for c in page}
    return render(
        request,
        "cases/queue.html",
        {
            "agency": match[0],
            "count_cap": QUEUE_COUNT_CAP,
            "page": page,
            "filters": filters,
            "statuses": [(s.value, s.label) for s in Status if s != Status.DRAFT],
            "services": services.values(),
            "is_admin": role_at_least(officer_role(signed_in(request), match[0].pk), "admin"),
            "is_supervisor": role_at_least(
                officer_role(signed_in(request), match[0].pk), "approver"
            ),
        },
    )


def _allowed(app: Application, role: OfficerRole | None) -> dict[str, bool]:
    allowed = {}
    for action, minimum in OFFICER_ACTION_ROLE.items():
        if action in TRANSITIONS:
            state_ok = app.status in TRANSITIONS[action][0]
        else:  # assign, note, and the issued document's revoke and re-issue
            state_ok = action in ("assign", "note") or app.status in DOCUMENT_STATES
        allowed[action] = state_ok and role_at_least(role, minimum)
    steps = app.service_version.steps.all()
    last = len(steps)
    current = next((s for s in steps if s.position == app.current_step), None)
    allowed["complete_step"] = (
        app.status == Status.IN_REVIEW
        and current is not None
        and app.current_step != last
        and role_at_least(role, current.role)
    )
    allowed["approve"] = allowed["approve"] and app.current_step == last
    request = getattr(app, "document_request", None)
    allowed["request_documents"] = allowed["request_documents"] and request is None
    if app.status == Status.RETURNED and request is not None:
        # Refusing a case that waits for documents is for after the applicant's deadline.
        today = now().astimezone(calendar_for(app.agency_id).tz).date()
        allowed["reject"] = allowed["reject"] and today > request.respond_by
    return allowed


@login_required
@domain_errors
def case(request: HttpRequest, number: str) -> HttpResponse:
    """Show everything about a case and the actions the officer may take now."""
    app = case_for_officer(signed_in(request), number)
    role = officer_role(signed_in(request), app.agency_id)
    doc_request = getattr(app, "document_request", None)
    colleagues = User.objects.filter(officer_roles__agency_id=app.agency_id).order_by("username")
    return render(
        request,
        "cases/case.html",
        {
            "app": app,
            "v": app.service_version,
            "role": role,
            "allowed": _allowed(app, role),
            "answers": answer_rows(app),
            "rows": requirement_rows(app),
            "steps": app.steps.select_related("step", "completed_by"),
            "timeline": app.timeline.select_related("actor").order_by("at", "id"),
            "doc_request": doc_request,
            "requested": requested_names(doc_request.items) if doc_request else [],
            "colleagues": colleagues,
            "documents": app.service_version.documents.all(),
            "issued": documents_of(app.pk),
            "checks": prefill.checks(app),
            "can_read": app.status in OPEN,
        },
    )


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _assignee(request: HttpRequest, app: Application) -> User | None:
    username = request.POST.get("assignee", "")
    if not username:
        return None
    user = officer_by_username(app.agency_id, username)
    if user is None:
        raise ValidationFailed(_("That person is not an officer of this agency."))
    return user


def _document_id(request: HttpRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("document", ""))
    except ValueError as exc:
        raise NotFound(_("No such document.")) from exc


ACTIONS: dict[str, tuple[Callable[[HttpRequest, Application], Any], Any]] = {
    "start_check": (
        lambda r, a: actions.start_check(a, signed_in(r)),
        gettext_lazy("You are now checking this application."),
    ),
    "request_documents": (
        lambda r, a: actions.request_documents(
            a,
            signed_in(r),
            [{"code": c} for c in r.POST.getlist("items")],
            r.POST.get("note", ""),
            _int(r.POST.get("respond_within_days", "7"), 0),
        ),
        gettext_lazy("The applicant was asked for the documents. The clock is paused."),
    ),
    "accept_documents": (
        lambda r, a: actions.accept_documents(a, signed_in(r)),
        gettext_lazy("Documents accepted; consideration has started."),
    ),
    "complete_step": (
        lambda r, a: actions.complete_step(a, signed_in(r), r.POST.get("note", "")),
        gettext_lazy("Step completed."),
    ),
    "approve": (
        lambda r, a: actions.approve(a, signed_in(r), r.POST.get("reasons", "")),
        gettext_lazy("The application was approved."),
    ),
    "reject": (
        lambda r, a: actions.reject(
            a, signed_in(r), r.POST.get("reasons", ""), r.POST.get("appeal_info", "")
        ),
        gettext_lazy("The application was rejected."),
    ),
    "close": (lambda r, a: actions.close(a, signed_in(r)), gettext_lazy("The case was closed.")),
    "assign": (
        lambda r, a: actions.assign(a, signed_in(r), _assignee(r, a)),
        gettext_lazy("Assignment saved."),
    ),
    "read_data": (
        lambda r, a: prefill.read_for_case(a, signed_in(r), r.POST.get("source", "")),
        gettext_lazy("The data was read from the other agency."),
    ),
    "note": (
        lambda r, a: actions.add_note(a, signed_in(r), r.POST.get("text", "")),
        gettext_lazy("Note added."),
    ),
    "revoke_document": (
        lambda r, a: actions.revoke_document(
            a, signed_in(r), _document_id(r), r.POST.get("reason", "")
        ),
        gettext_lazy("The document was revoked."),
    ),
    "reissue_document": (
        lambda r, a: actions.reissue_document(
            a, signed_in(r), _document_id(r), r.POST.get("reason", "")
        ),
        gettext_lazy("The document was revoked and a corrected one issued."),
    ),
}


@login_required
@require_POST
@domain_errors
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take one officer action on a case."""
    app = case_for_officer(signed_in(request), number)
    if action not in ACTIONS:
        raise NotFound(_("No such action."))
    run, done_message = ACTIONS[action]
    try:
        run(request, app)
    except NotFound:
        raise
    except DomainError as exc:
        # Back to the case page, where the officer acted, with the reason.
        messages.error(request, refusal_message(exc))
    else:
        messages.success(request, str(done_message))
    return redirect("cases:case", number=app.tracking_number)


@login_required
@domain_errors
def evidence_file(request: HttpRequest, number: str, file_id: str) -> HttpResponseBase:
    """Download a file of a case of the officer's agency."""
    app = case_for_officer(signed_in(request), number)
    return serve_evidence(app, file_id)
