"""The exchange's HTTP side: the /r1/ endpoint, the registry file, and the people's pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from eservice.accounts.services import officer_role, role_at_least
from eservice.catalog.models import Agency
from eservice.core.errors import NotFound, ValidationFailed
from eservice.core.web import domain_errors, signed_in
from eservice.exchange import people, protocol, provider, registry
from eservice.exchange.models import AccessRight, DataService, Member, MessageRecord

MAX_BODY = 64 * 1024


@csrf_exempt
@require_http_methods(["GET", "POST"])
def r1(request: HttpRequest, service_id: str) -> HttpResponse:
    """POST: a signed request for data. GET: the service's OpenAPI description."""
    if request.method == "GET":
        service = (
            DataService.objects.filter(identifier=service_id, provider__agency__isnull=False)
            .only("openapi")
            .first()
        )
        if service is None:
            kind = "Server.ServerProxy.UnknownService"
            return JsonResponse(
                protocol.error_body(kind, "No such service here."),
                status=404,
                headers={protocol.ERROR: kind},
            )
        return JsonResponse(service.openapi)
    body = request.body[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        kind = "Server.ServerProxy.BadRequest"
        return JsonResponse(
            protocol.error_body(kind, "The request is too large."),
            status=413,
            headers={protocol.ERROR: kind},
        )
    answer = provider.handle(service_id, request.build_absolute_uri(), dict(request.headers), body)
    response = HttpResponse(answer.content, status=answer.status_code)
    for name, value in answer.headers.items():
        if name.lower() not in {"content-length"}:
            response[name] = value
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def registry_file(request: HttpRequest) -> JsonResponse:
    """This platform's members, certificates and data services, for other platforms."""
    return JsonResponse(registry.export(), json_dumps_params={"ensure_ascii": False})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Which agency read which of my data, when, and for which application."""
    from eservice.cases.access import applications_of

    user = signed_in(request)
    reads = list(people.reads_of(user)[:200])
    apps = {
        a.public_id: a
        for a in applications_of(user).filter(public_id__in=[r.application for r in reads])
    }
    rows = [(read, apps.get(read.application)) for read in reads]
    return render(request, "exchange/my_data.html", {"rows": rows})


def _agency_for_admin(request: HttpRequest, code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not role_at_least(officer_role(signed_in(request), agency.pk), "admin"):
        raise NotFound(_("No such agency."))
    return agency


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def agency_exchange(request: HttpRequest, agency: str) -> HttpResponse:
    """An agency administrator's view: data services offered, who may call them, the log."""
    found = _agency_for_admin(request, agency)
    member = registry.local_member(found)
    user = signed_in(request)
    if request.method == "POST":
        service = DataService.objects.filter(
            provider=member, identifier=request.POST.get("service", "")
        ).first()
        client = Member.objects.filter(identifier=request.POST.get("client", "")).first()
        if service is None or client is None:
            raise ValidationFailed(
                _("Choose one of your data services and a member."),
                {"client": [_("Choose a member.")]},
            )
        if request.POST.get("do") == "revoke":
            registry.revoke(service, client, user.username)
            messages.success(request, _("The access right was revoked."))
        else:
            registry.grant(
                service,
                client,
                user.username,
                legal_basis_th=request.POST.get("legal_basis_th", ""),
                legal_basis_en=request.POST.get("legal_basis_en", ""),
            )
            messages.success(request, _("The access right was granted."))
        return redirect("exchange:agency", agency=agency)
    services = list(member.services.all())
    rights = AccessRight.objects.filter(
        service__provider=member, revoked_at__isnull=True
    ).select_related("service", "client")
    log = MessageRecord.objects.filter(member=member.identifier).order_by("-seq")[:50]
    return render(
        request,
        "exchange/agency.html",
        {
            "agency": found,
            "member": member,
            "services": services,
            "rights": rights,
            "members": Member.objects.exclude(pk=member.pk),
            "log": log,
            "instance": settings.EXCHANGE_INSTANCE,
        },
    )
