"""The applicant's pages: apply, upload, check, submit, follow, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eservice.accounts.services import juristic_persons_for
from eservice.cases import actions, formschema, prefill
from eservice.cases.access import application_for_applicant, applications_of
from eservice.cases.models import Application
from eservice.cases.states import OPEN, PLAIN, Status
from eservice.cases.views.common import (
    answer_rows,
    requested_names,
    requirement_rows,
    serve_evidence,
)
from eservice.catalog.services import service_by_code
from eservice.core.errors import InvalidTransition, NotFound, ValidationFailed
from eservice.core.i18n import current_language, pick
from eservice.core.web import domain_errors, refusal_message, signed_in
from eservice.documents.services import documents_of
from eservice.exchange.client import ExchangeFailed, RecordMissing


def _draft(request: HttpRequest, public_id: str) -> Application | HttpResponse:
    app = application_for_applicant(signed_in(request), public_id)
    if app.status != Status.DRAFT:
        return redirect("cases:application", public_id=app.public_id)
    return app


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    """List the user's applications with status and due dates."""
    apps = applications_of(signed_in(request)).select_related("on_behalf_of")
    return render(request, "cases/my_applications.html", {"applications": apps})


@login_required
@require_POST
@domain_errors
def start(request: HttpRequest, code: str) -> HttpResponse:
    """Open (or resume) a draft application for a service."""
    service = service_by_code(code)
    person = None
    registration = request.POST.get("on_behalf_of", "")
    if registration:
        person = (
            juristic_persons_for(signed_in(request))
            .filter(registration_number=registration)
            .first()
        )
        if person is None:
            raise NotFound(_("You may not apply for this juristic person."))
    app = actions.start_application(
        signed_in(request),
        service,
        person,
        language=current_language(),
    )
    return redirect("cases:form", public_id=app.public_id)


@login_required
@domain_errors
def form(request: HttpRequest, public_id: str) -> HttpResponse:
    """Show and save the application form; 'continue' checks every answer."""
    app = _draft(request, public_id)
    if isinstance(app, HttpResponse):
        return app
    version = app.service_version
    errors: dict[str, list[str]] = {}
    answers = app.answers
    if request.method == "POST":
        answers = formschema.parse(version.form_schema, request.POST)
        actions.save_answers(app, signed_in(request), answers)
        if "fetch" in request.POST:
            _fetch(request, app)
            return redirect("cases:form", public_id=app.public_id)
        if request.POST.get("save") == "draft":
            messages.success(
                request, _("Your draft is saved. You can come back to it from “My applications”.")
            )
            return redirect("cases:form", public_id=app.public_id)
        errors = formschema.validate(version.form_schema, answers)
        if not errors:
            target = "cases:documents" if version.documents.exists() else "cases:check"
            return redirect(target, public_id=app.public_id)
    fields = formschema.fields(version.form_schema, version.form_ui, answers, errors)
    origin = prefill.source_of(app)
    for f in fields:
        if f.name in origin:
            f.source = pick(origin[f.name]["provider_th"], origin[f.name]["provider_en"])
    return render(
        request,
        "cases/form.html",
        {
            "app": app,
            "v": version,
            "fields": fields,
            "errors": errors,
            "sources": prefill.sources(app),
        },
        status=400 if errors else 200,
    )


def _fetch(request: HttpRequest, app: Application) -> None:
    """Fetch one source for the form; on failure say so and keep everything typed."""
    identifier = request.POST.get("fetch", "")
    try:
        prefill.fetch(
            app,
            signed_in(request),
            identifier,
            consent=identifier in request.POST.getlist("consent"),
        )
    except (ExchangeFailed, RecordMissing) as exc:
        messages.error(
            request,
            _(
                "%(problem)s Your answers are saved. You can try again later, or upload a copy of the document instead."
            )
            % {"problem": exc.message},
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The data was fetched and filled in for you."))


@login_required
@domain_errors
def documents(request: HttpRequest, public_id: str) -> HttpResponse:
    """Upload the documents of a draft, or those the agency asked for."""
    app = application_for_applicant(signed_in(request), public_id)
    if app.status not in (Status.DRAFT, Status.RETURNED):
        return redirect("cases:application", public_id=app.public_id)
    error_for: dict[str, str] = {}
    if request.method == "POST":
        code = request.POST.get("requirement", "")
        if "remove" in request.POST:
            actions.remove_document(app, signed_in(request), request.POST["remove"])
            messages.success(request, _("The file was removed."))
            return redirect("cases:documents", public_id=app.public_id)
        upload = request.FILES.get("file")
        if upload is None:
            error_for[code] = _("Choose a file to upload.")
        else:
            try:
                actions.upload_document(app, signed_in(request), code, upload)
            except ValidationFailed as exc:
                error_for[code] = str(exc.message)
            else:
                messages.success(request, _("The file was uploaded."))
                return redirect("cases:documents", public_id=app.public_id)
    returned = app.status == Status.RETURNED
    request_obj = app.document_request if returned else None
    codes = {i["code"] for i in request_obj.items} if request_obj else None
    rows = requirement_rows(app, only_codes=codes, round_=1 if returned else 0)
    for row in rows:
        row["error"] = error_for.get(row["req"].code, "")
    return render(
        request,
        "cases/documents.html",
        {
            "app": app,
            "rows": rows,
            "returned": returned,
            "doc_request": request_obj,
            "requested": requested_names(request_obj.items) if request_obj else [],
        },
        status=400 if error_for else 200,
    )


@login_required
@domain_errors
def check(request: HttpRequest, public_id: str) -> HttpResponse:
    """Check your answers, then submit."""
    app = _draft(request, public_id)
    if isinstance(app, HttpResponse):
        return app
    problems: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            app = actions.submit(app, signed_in(request))
        except ValidationFailed as exc:
            problems = exc.errors
        else:
            return redirect("cases:done", public_id=app.public_id)
    else:
        problems = actions.submission_problems(app)
    return render(
        request,
        "cases/check.html",
        {
            "app": app,
            "v": app.service_version,
            "answers": answer_rows(app),
            "rows": requirement_rows(app, round_=0),
            "problems": problems,
            "form_problems": [k for k in problems if not k.startswith("document:")],
            "doc_problems": [k.split(":", 1)[1] for k in problems if k.startswith("document:")],
        },
        status=400 if problems and request.method == "POST" else 200,
    )


@login_required
@domain_errors
def done(request: HttpRequest, public_id: str) -> HttpResponse:
    """Confirm the submission and show the tracking number."""
    app = application_for_applicant(signed_in(request), public_id)
    if not app.tracking_number:
        return redirect("cases:form", public_id=app.public_id)
    return render(request, "cases/done.html", {"app": app})


@login_required
@domain_errors
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """Show one application: status, dates, timeline, requests and decision."""
    app = application_for_applicant(signed_in(request), public_id)
    if app.status == Status.DRAFT:
        return redirect("cases:form", public_id=app.public_id)
    doc_request = getattr(app, "document_request", None)
    return render(
        request,
        "cases/detail.html",
        {
            "app": app,
            "v": app.service_version,
            "explanation": PLAIN[Status(app.status)],
            "answers": answer_rows(app),
            "rows": requirement_rows(app),
            "timeline": app.timeline.filter(internal=False).order_by("at", "id"),
            "doc_request": doc_request,
            "requested": requested_names(doc_request.items) if doc_request else [],
            "can_withdraw": app.status in OPEN,
            "issued": documents_of(app.pk),
        },
    )


@login_required
@require_POST
@domain_errors
def resubmit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Send the documents the agency asked for."""
    app = application_for_applicant(signed_in(request), public_id)
    try:
        actions.resubmit(app, signed_in(request), request.POST.get("note", ""))
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:documents", public_id=app.public_id)
    except InvalidTransition as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:application", public_id=app.public_id)
    messages.success(request, _("Your documents were sent. The agency's time limit runs again."))
    return redirect("cases:application", public_id=app.public_id)


@login_required
@require_POST
@domain_errors
def withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    """Withdraw the application before a decision."""
    app = application_for_applicant(signed_in(request), public_id)
    try:
        actions.withdraw(app, signed_in(request), request.POST.get("reason", ""))
    except (InvalidTransition, ValidationFailed) as exc:
        messages.error(request, refusal_message(exc))
        return redirect("cases:application", public_id=app.public_id)
    messages.success(request, _("Your application was withdrawn."))
    return redirect("cases:application", public_id=app.public_id)


@login_required
@require_POST
@domain_errors
def discard(request: HttpRequest, public_id: str) -> HttpResponse:
    """Delete a draft and its files."""
    app = application_for_applicant(signed_in(request), public_id)
    try:
        actions.discard_draft(app, signed_in(request))
    except InvalidTransition as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:application", public_id=app.public_id)
    messages.success(request, _("The draft was deleted."))
    return redirect("cases:my-applications")


@login_required
@domain_errors
def evidence_file(request: HttpRequest, public_id: str, file_id: str) -> HttpResponseBase:
    """Download a file the applicant uploaded."""
    app = application_for_applicant(signed_in(request), public_id)
    return serve_evidence(app, file_id)
