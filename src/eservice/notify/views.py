"""Pages: my messages and how I hear of things; the agency's messages, templates and webhook."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eservice.accounts.services import officer_role, role_at_least
from eservice.cases.access import case_for_officer
from eservice.catalog.models import Agency
from eservice.core.clock import now
from eservice.core.errors import NotFound, ValidationFailed
from eservice.core.web import domain_errors, refusal_message, signed_in
from eservice.notify import delays, inbox, outbox
from eservice.notify import render as templates
from eservice.notify.models import (
    APPLICANT_EVENTS,
    FAILURES,
    OFFICER_EVENTS,
    Channel,
    Endpoint,
    Event,
    Notification,
    Status,
    Template,
)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def my_messages(request: HttpRequest) -> HttpResponse:
    """The person's inbox, and the channels and language they hear from us in."""
    user = signed_in(request)
    preference = outbox.preference_for(user)
    if request.method == "POST":
        try:
            outbox.set_preferences(
                user,
                email=request.POST.get("email") == "on",
                sms=request.POST.get("sms") == "on",
                language=request.POST.get("language", ""),
            )
        except ValidationFailed as exc:  # say which choice cannot be used, and why
            messages.error(request, refusal_message(exc))
        else:
            messages.success(request, _("Your choices were saved."))
        return redirect("notify:messages")
    page = Paginator(inbox.messages_of(user), 20).get_page(request.GET.get("page"))
    unread = [n.pk for n in page if n.read_at is None]
    response = render(
        request,
        "notify/messages.html",
        {
            "page": page,
            "unread": set(unread),
            "preference": preference,
            "sms_available": outbox.sms_available(),
        },
    )
    inbox.mark_read(user, unread)
    return response


def _agency(request: HttpRequest, code: str, minimum: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not role_at_least(officer_role(signed_in(request), agency.pk), minimum):
        raise NotFound(_("No such agency."))
    return agency


@login_required
@domain_errors
def agency_messages(request: HttpRequest, agency: str) -> HttpResponse:
    """Delivery of the agency's messages: counts by status and every failure, to act on."""
    found = _agency(request, agency, "approver")
    since = now() - timedelta(days=30)
    recent = Notification.objects.filter(agency=found, created_at__gte=since)
    counts = dict(recent.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    failures = (
        Notification.objects.filter(agency=found, status__in=FAILURES)
        .select_related("application", "recipient")
        .order_by("-created_at")
    )
    page = Paginator(failures, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/agency_messages.html",
        {
            "agency": found,
            "counts": [(s, counts.get(s.value, 0)) for s in Status],
            "page": page,
            "is_admin": role_at_least(officer_role(signed_in(request), found.pk), "admin"),
            "endpoint": Endpoint.objects.filter(agency=found).first(),
        },
    )


@login_required
@domain_errors
@require_POST
def retry(request: HttpRequest, agency: str, public_id: str) -> HttpResponse:
    found = _agency(request, agency, "approver")
    notification = Notification.objects.filter(agency=found, public_id=public_id).first()
    if notification is None:
        raise NotFound(_("No such message."))
    outbox.retry(notification)
    messages.success(request, _("The message will be sent again."))
    return redirect("notify:agency", agency=agency)


@login_required
@domain_errors
@require_POST
def webhook(request: HttpRequest, agency: str) -> HttpResponse:
    """Set the address of the agency's system that receives case events."""
    found = _agency(request, agency, "admin")
    before = Endpoint.objects.filter(agency=found).values_list("secret", flat=True).first()
    endpoint = outbox.set_endpoint(
        found,
        url=request.POST.get("url", ""),
        active=request.POST.get("active") == "on",
        new_secret=request.POST.get("new_secret") == "on",
    )
    messages.success(request, _("The webhook was saved."))
    if endpoint.secret != before:  # a new endpoint gets one even without asking
        messages.info(
            request,
            _("New signing secret (shown once, keep it in your system): %(secret)s")
            % {"secret": endpoint.secret},
        )
    return redirect("notify:agency", agency=agency)


@login_required
@domain_errors
def template_list(request: HttpRequest, agency: str) -> HttpResponse:
    found = _agency(request, agency, "admin")
    own = set(Template.objects.filter(agency=found).values_list("event", "channel", "language"))
    rows = []
    for event in [*APPLICANT_EVENTS, *OFFICER_EVENTS]:
        cells = []
        for channel in templates.TEMPLATE_CHANNELS:
            for language in templates.LANGUAGES:
                cells.append((channel, language, (event.value, channel.value, language) in own))
        rows.append((event, cells))
    return render(
        request,
        "notify/template_list.html",
        {"agency": found, "rows": rows, "channels": templates.TEMPLATE_CHANNELS},
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def template_edit(
    request: HttpRequest, agency: str, event: str, channel: str, language: str
) -> HttpResponse:
    """Edit one template, with a preview filled with typical values."""
    found = _agency(request, agency, "admin")
    if (
        event not in Event.values
        or channel not in [c.value for c in templates.TEMPLATE_CHANNELS]
        or language not in templates.LANGUAGES
    ):
        raise NotFound(_("No such template."))
    current = templates.wording(found.pk, event, channel, language)
    subject, body, errors = current.subject, current.body, {}
    if request.method == "POST":
        if request.POST.get("do") == "reset":
            Template.objects.filter(
                agency=found, event=event, channel=channel, language=language
            ).delete()
            messages.success(request, _("The platform's wording is used again."))
            return redirect("notify:templates", agency=agency)
        subject = request.POST.get("subject", "")[:200]
        body = request.POST.get("body", "")[:5000]
        try:
            outbox.save_template(
                found, signed_in(request), event, channel, language, subject=subject, body=body
            )
        except ValidationFailed as exc:
            errors = exc.errors
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The template was saved."))
            return redirect("notify:templates", agency=agency)
    preview_subject = preview_body = ""
    if not errors:
        preview_subject = templates.fill(subject, templates.SAMPLE)
        preview_body = templates.fill(body, templates.SAMPLE)
    return render(
        request,
        "notify/template_edit.html",
        {
            "agency": found,
            "event": Event(event),
            "channel": Channel(channel),
            "language": language,
            "subject": subject,
            "body": body,
            "errors": errors,
            "custom": current.custom,
            "placeholders": templates.PLACEHOLDERS,
            "preview_subject": preview_subject,
            "preview_body": preview_body,
        },
    )


@login_required
@domain_errors
@require_POST
def delay_reason(request: HttpRequest, number: str) -> HttpResponse:
    """The officer's reason for a delay and the new expected date, for the next notice."""
    app = case_for_officer(signed_in(request), number)
    try:
        expected = date.fromisoformat(request.POST.get("expected_date", ""))
    except ValueError:
        expected = None
    try:
        delays.give_reason(app, signed_in(request), request.POST.get("reason", ""), expected)
    except ValidationFailed as exc:
        details = " ".join(str(m) for ms in exc.errors.values() for m in ms)
        messages.error(request, f"{exc.message} {details}")
    else:
        messages.success(request, _("The reason will go out with the next notice of delay."))
    return redirect("cases:case", number=number)
