"""Notices of delay (Licensing Facilitation Act B.E. 2558 s.10) and escalation warnings.

When a case passes its time limit undecided, the agency must tell the applicant
why, every 7 days until it decides, and copy the Office of the Public Sector
Development Commission (OPDC). Notice n is due 7 × n calendar days after the
limit passed: the Act counts days, so a notice due on a Saturday or a holiday
goes out that day. The officer writes the reason and the new expected date;
they are asked ``NOTIFY_REASON_LEAD_DAYS`` working days ahead, because they
work only on working days. A notice whose reason was not written still goes
out, saying so, and the supervisors are told.

Before a limit passes, the officer holding the case (then its supervisors) is
warned, once per limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from eservice.accounts.models import OfficerRole, User
from eservice.accounts.services import officer_role
from eservice.cases import actions as case_actions
from eservice.cases.models import Application, StepInstance
from eservice.cases.states import ACTIVE, Status
from eservice.catalog.services import calendar_for
from eservice.core.clock import now
from eservice.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from eservice.core.i18n import format_date, localized
from eservice.core.workdays import WorkingCalendar
from eservice.notify.handlers import case_context, officer_link, webhook_payload
from eservice.notify.models import Channel, DelayNotice, Event
from eservice.notify.outbox import create, notify_agency_system, notify_person, preference_for

PERIOD = timedelta(days=7)
MAX_REASON = 2000


@dataclass
class ScanReport:
    reasons_requested: int = 0
    notices_sent: int = 0
    warnings: int = 0
    cases: list[str] = field(default_factory=list)


def working_days_before(calendar: WorkingCalendar, day: date, count: int) -> date:
    """Return the working day ``count`` working days before ``day``."""
    for _step in range(count):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return day


def pending_notice(app: Application, moment: datetime) -> DelayNotice | None:
    """Return the overdue case's next notice (unsaved if new), or None if it is not overdue."""
    if app.status not in ACTIVE or app.due_at is None or app.due_at >= moment:
        return None
    last = DelayNotice.objects.filter(application=app).order_by("-sequence").first()
    if last is not None and last.sent_at is None:
        return last
    due = (last.due_at if last else app.due_at) + PERIOD
    # After an outage, one notice goes out now rather than a burst of missed ones.
    while due + PERIOD <= moment:
        due += PERIOD
    return DelayNotice(application=app, sequence=(last.sequence + 1) if last else 1, due_at=due)


def reason_asked_at(app: Application, notice: DelayNotice) -> datetime:
    """Return when the officer is asked for the reason: opening time, N working days ahead."""
    calendar = calendar_for(app.agency_id)
    day = notice.due_at.astimezone(calendar.tz).date()
    return calendar.opening(working_days_before(calendar, day, settings.NOTIFY_REASON_LEAD_DAYS))


def _holders(app: Application) -> list[User]:
    """Return who answers for the case: its officer, or the agency's clerks when unassigned."""
    if app.assigned_to_id is not None:
        return [app.assigned_to]  # type: ignore[list-item]
    return list(
        User.objects.filter(
            officer_roles__agency_id=app.agency_id, officer_roles__role=OfficerRole.Role.CLERK
        )
    )


def _supervisors(app: Application) -> list[User]:
    return list(
        User.objects.filter(
            officer_roles__agency_id=app.agency_id,
            officer_roles__role__in=[OfficerRole.Role.APPROVER, OfficerRole.Role.ADMIN],
        ).distinct()
    )


def _tell_officers(
    users: list[User], app: Application, event: str, key: str, **extra: object
) -> int:
    count = 0
    for user in users:
        language = preference_for(user).language  # the language their messages are in
        context = case_context(app, language, **extra)
        context["link"] = officer_link(app)
        made = notify_person(
            user,
            event,
            context,
            agency_id=app.agency_id,
            application_id=app.pk,
            key=f"{key}:{user.pk}",
        )
        count += bool(made)
    return count


def _request_reason(app: Application, notice: DelayNotice, moment: datetime) -> None:
    notice.reason_requested_at = moment
    notice.save()
    _tell_officers(
        _holders(app),
        app,
        Event.DELAY_REASON_NEEDED,
        f"reason:{app.pk}:{notice.sequence}",
        notice_number=notice.sequence,
    )
    with translation.override(app.language or "th"):
        text = _("Notice of delay no. %(n)s is due on %(date)s") % {
            "n": notice.sequence,
            "date": format_date(notice.due_at, with_time=True),
        }
    case_actions.record_notice(app, "delay_reason_requested", text, internal=True)


def _send_notice(app: Application, notice: DelayNotice, moment: datetime) -> None:
    tz = calendar_for(app.agency_id).tz  # days are counted in Thailand, not in UTC
    days_late = (
        (moment.astimezone(tz).date() - app.due_at.astimezone(tz).date()).days if app.due_at else 0
    )
    applicant = app.applicant

    def values(language: str) -> dict[str, object]:
        with translation.override(language):
            reason = notice.reason or _(
                "The officer has not yet recorded the reason. The agency's supervisors have been told."
            )
            # Without a date the templates leave the line out.
            expected = format_date(notice.expected_date) if notice.expected_date else ""
        return case_context(
            app,
            language,
            reason=reason,
            expected_date=expected,
            notice_number=notice.sequence,
            days_late=days_late,
        )

    key = f"delay:{app.pk}:{notice.sequence}"
    from eservice.notify.outbox import preference_for

    language = preference_for(applicant).language
    notify_person(
        applicant,
        Event.DELAY_NOTICE,
        values(language),
        agency_id=app.agency_id,
        application_id=app.pk,
        key=key,
    )
    oversight = values("th")
    oversight["link"] = ""
    create(
        Event.DELAY_NOTICE,
        Channel.EMAIL,
        language="th",
        context=oversight,
        address=settings.NOTIFY_OVERSIGHT_EMAIL,
        agency_id=app.agency_id,
        application_id=app.pk,
        key=f"{key}:oversight",
    )
    notify_agency_system(
        Event.DELAY_NOTICE,
        webhook_payload(
            app,
            Event.DELAY_NOTICE,
            notice=notice.sequence,
            reason=notice.reason,
            expected_date=notice.expected_date.isoformat() if notice.expected_date else None,
        ),
        agency_id=app.agency_id,
        application_id=app.pk,
        key=f"{key}:webhook",
    )
    if not notice.reason:
        _tell_officers(
            _supervisors(app),
            app,
            Event.DELAY_UNEXPLAINED,
            f"unexplained:{app.pk}:{notice.sequence}",
            notice_number=notice.sequence,
            days_late=days_late,
        )
    notice.sent_at = moment
    notice.save()
    with translation.override(app.language or "th"):
        lines = [
            _("Notice of delay no. %(n)s, copied to the oversight office.")
            % {"n": notice.sequence},
            _("Reason: %(reason)s") % {"reason": notice.reason or _("not recorded")},
            _("New expected date: %(date)s")
            % {
                "date": format_date(notice.expected_date)
                if notice.expected_date
                else _("not yet set")
            },
        ]
    case_actions.record_notice(app, "delay_notice", "\n".join(lines), internal=False)


def scan_delays(moment: datetime | None = None) -> ScanReport:
    """Ask for reasons and send the notices that are due; safe to run as often as wanted."""
    moment = moment or now()
    report = ScanReport()
    overdue = (
        Application.objects.filter(status__in=list(ACTIVE), due_at__lt=moment)
        .select_related("applicant", "agency", "service_version", "service", "assigned_to")
        .order_by("due_at")
    )
    for app in overdue:
        with transaction.atomic():
            app = Application.objects.select_for_update().get(pk=app.pk)
            notice = pending_notice(app, moment)
            if notice is None:
                continue
            if (
                notice.reason_requested_at is None
                and not notice.reason  # written before being asked
                and moment >= reason_asked_at(app, notice)
            ):
                _request_reason(app, notice, moment)
                report.reasons_requested += 1
            if moment >= notice.due_at:
                if notice.pk is None:
                    notice.save()
                _send_notice(app, notice, moment)
                report.notices_sent += 1
                report.cases.append(app.tracking_number or "")
    return report


def give_reason(
    app: Application, officer: User, reason: str, expected_date: date | None
) -> DelayNotice:
    """Record the officer's reason and new expected date for the case's next notice of delay."""
    role = officer_role(officer, app.agency_id)
    if role is None:
        raise NotFound(_("No such case."))
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("This field is required.")]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [_("Enter at most %(n)s characters.") % {"n": MAX_REASON}]
    moment = now()
    calendar = calendar_for(app.agency_id)
    if expected_date is None:
        errors["expected_date"] = [_("This field is required.")]
    elif expected_date <= moment.astimezone(calendar.tz).date():
        errors["expected_date"] = [_("Give a date after today.")]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors)
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=app.pk)
        notice = pending_notice(app, moment)
        if notice is None:
            raise InvalidTransition(_("This case is not past its time limit."))
        if role.role == OfficerRole.Role.CLERK and app.assigned_to_id not in (None, officer.pk):
            raise Forbidden(
                _("Only the officer holding the case or a supervisor may give the reason.")
            )
        notice.reason, notice.expected_date = reason, expected_date
        notice.reason_by, notice.reason_at = officer, moment
        notice.save()
    return notice


def notices_of(app: Application) -> list[DelayNotice]:
    return list(DelayNotice.objects.filter(application=app).order_by("sequence"))


# --- escalation -----------------------------------------------------------------------


def scan_due_soon(moment: datetime | None = None) -> int:
    """Warn the officer, then the supervisors, of limits about to pass; return warnings made."""
    moment = moment or now()
    made = 0
    agencies = (
        Application.objects.filter(status__in=list(ACTIVE), due_at__gt=moment)
        .values_list("agency_id", flat=True)
        .distinct()
    )
    for agency_id in agencies:
        calendar = calendar_for(agency_id)
        officer_by = calendar.add_working_minutes(moment, settings.ESCALATION_WARN_HOURS * 60)
        supervisor_by = calendar.add_working_minutes(
            moment, settings.ESCALATION_SUPERVISOR_HOURS * 60
        )
        cases = Application.objects.filter(
            agency_id=agency_id, status__in=list(ACTIVE), due_at__gt=moment, due_at__lte=officer_by
        ).select_related("service_version", "agency", "assigned_to")
        for app in cases:
            made += _warn(app, f"case:{app.pk}", app.due_at, "", supervisor_by)  # type: ignore[arg-type]
        steps = StepInstance.objects.filter(
            Q(application__agency_id=agency_id, application__status=Status.IN_REVIEW),
            completed_at__isnull=True,
            due_at__gt=moment,
            due_at__lte=officer_by,
        ).select_related("application__service_version", "application__agency", "step")
        for instance in steps:
            app = instance.application
            made += _warn(
                app,
                f"step:{instance.pk}",
                instance.due_at,
                {
                    "th": localized(instance.step, "name", "th"),
                    "en": localized(instance.step, "name", "en"),
                },
                supervisor_by,
            )
    return made


def _warn(app: Application, what: str, due: datetime, step: object, supervisor_by: datetime) -> int:
    with transaction.atomic():
        made = _tell_officers(
            _holders(app), app, Event.DUE_SOON, f"due:{what}", step=step, due_date=due
        )
        if due <= supervisor_by:
            made += _tell_officers(
                _supervisors(app), app, Event.DUE_SOON, f"due:{what}:sup", step=step, due_date=due
            )
    return made
