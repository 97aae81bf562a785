"""Pages for issued documents: public verification, downloads, agency templates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from eservice.accounts.services import officer_role, role_at_least
from eservice.catalog.models import Service
from eservice.core.errors import NotFound, ValidationFailed
from eservice.core.web import domain_errors, signed_in
from eservice.documents import actions, signing, verification
from eservice.documents.access import document_for
from eservice.documents.models import DocumentTemplate
from eservice.documents.rendering import PLACEHOLDERS
from eservice.documents.services import pdf_response


def _rate(group: str, request: HttpRequest) -> str:
    return settings.VERIFY_RATE_LIMIT


@ratelimit(key="ip", rate=_rate, group="verify", method="POST", block=True)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Upload a PDF to learn whether it is a genuine document of this platform."""
    verdict, error = None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationFailed(_("Choose the PDF file to check."))
            verdict = verification.by_file(upload)
        except ValidationFailed as exc:
            error = str(exc.message)
    status = 400 if error else 200
    return render(
        request, "documents/verify.html", {"verdict": verdict, "error": error}, status=status
    )


@domain_errors
def verify_document(request: HttpRequest, public_id: str) -> HttpResponse:
    """The page the QR code opens: the document's authenticity and current state."""
    verdict = verification.by_id(public_id)
    return render(request, "documents/verify.html", {"verdict": verdict, "by_id": True})


def ca_certificate(request: HttpRequest) -> HttpResponse:
    """The platform CA certificates that relying parties trust, in PEM."""
    pems = "".join(
        ca.certificate_pem for ca in signing.CertificateAuthority.objects.order_by("created_at")
    )
    response = HttpResponse(pems, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="eservice-ca.pem"'
    return response


@login_required
@domain_errors
def download(request: HttpRequest, public_id: str) -> FileResponse:
    """Send an issued PDF to its holder or to an officer of the issuing agency."""
    document = document_for(signed_in(request), public_id)
    return pdf_response(document)


def _admin_services(request: HttpRequest, agency: str) -> list[Service]:
    user = signed_in(request)
    services = list(
        Service.objects.filter(agency__code=agency, is_active=True)
        .select_related("agency", "current_version")
        .order_by("code")
    )
    if not services or not role_at_least(officer_role(user, services[0].agency_id), "admin"):
        raise NotFound(_("No such agency."))
    return services


@login_required
@domain_errors
def templates(request: HttpRequest, agency: str) -> HttpResponse:
    """An agency administrator's list of the documents its services issue."""
    services = _admin_services(request, agency)
    saved = {t.service_id: t for t in DocumentTemplate.objects.filter(service__in=services)}
    rows = [(service, saved.get(service.pk)) for service in services]
    return render(request, "documents/templates.html", {"agency": services[0].agency, "rows": rows})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, agency: str, code: str) -> HttpResponse:
    """Edit how one service's document is worded and laid out."""
    service = next((s for s in _admin_services(request, agency) if s.code == code), None)
    if service is None:
        raise NotFound(_("No such service."))
    template = actions.template_for(service)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values: dict[str, Any] = {
            name: request.POST.get(name, "") for name in actions.TEMPLATE_FIELDS
        }
        try:
            values["valid_for_months"] = int(values["valid_for_months"] or 0)
        except ValueError:
            errors["valid_for_months"] = [_("Enter a whole number of months.")]
        if not errors:
            try:
                actions.save_template(service, signed_in(request), values)
            except ValidationFailed as exc:
                errors = exc.errors
            else:
                messages.success(request, _("The template was saved."))
                return redirect("documents:templates", agency=agency)
        for name, value in values.items():
            setattr(template, name, value)
    return render(
        request,
        "documents/template_form.html",
        {
            "service": service,
            "t": template,
            "errors": errors,
            "layouts": DocumentTemplate.Layout.choices,
            "placeholders": PLACEHOLDERS,
        },
        status=400 if errors else 200,
    )
