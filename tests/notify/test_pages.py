"""The pages of the notify module, through the test client.

A person's inbox and how they hear from us (``/my/messages/``); an agency's
delivery page, with its failures to send again and its webhook; and the panel
on an overdue case where the officer writes the reason for the delay.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.test import Client
from django.urls import reverse

from eservice.accounts.models import OfficerRole, User
from eservice.cases.models import Application
from eservice.jobs.models import Job
from eservice.notify import delays, inbox, outbox
from eservice.notify.models import (
    Channel,
    DelayNotice,
    Endpoint,
    Event,
    Notification,
    Preference,
    Status,
)
from tests.factories import bangkok, submitted_application

MESSAGES = reverse("notify:messages")
LOGIN = reverse("accounts:login")


def signed_in(user: Any, language: str = "th") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def links(html: str) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', html)


def flashes(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- my messages -------------------------------------------------------------------------


@pytest.fixture
def two_inboxes(
    catalog: Any, applicant: Any, other_applicant: Any, monday: datetime
) -> tuple[Application, Application]:
    return (
        submitted_application(applicant, catalog.food_shop),
        submitted_application(other_applicant, catalog.food_shop),
    )


def test_a_person_sees_their_own_messages_only(
    two_inboxes: tuple[Application, Application], applicant: Any, other_applicant: Any
) -> None:
    mine, theirs = two_inboxes

    page = signed_in(applicant).get(MESSAGES)
    other = signed_in(other_applicant).get(MESSAGES)

    assert page.status_code == other.status_code == 200
    html, other_html = page.content.decode(), other.content.decode()
    assert mine.tracking_number in html and theirs.tracking_number not in html
    assert theirs.tracking_number in other_html and mine.tracking_number not in other_html
    # somchai's email copy is not an inbox message: it is listed once, as the inbox one.
    assert html.count('<strong class="title">') == 1
    assert reverse("cases:application", args=[mine.public_id]) in links(html)


def test_viewing_the_messages_marks_them_read(
    two_inboxes: tuple[Application, Application], applicant: Any, other_applicant: Any
) -> None:
    client = signed_in(applicant)
    assert client.get(reverse("cases:my-applications")).context["unread_messages"] == 1

    first = client.get(MESSAGES)
    assert 'class="unread"' in first.content.decode()  # shown as new this once

    after = client.get(reverse("cases:my-applications"))
    assert after.context["unread_messages"] == 0
    assert "unread message" not in after.content.decode()
    assert 'class="unread"' not in client.get(MESSAGES).content.decode()
    # Reading one's own messages leaves the other person's unread.
    assert inbox.unread_count(other_applicant) == 1


def test_only_the_messages_shown_are_marked_read(applicant: Any, monday: datetime) -> None:
    for n in range(25):
        outbox.create(
            Event.SUBMITTED,
            Channel.INBOX,
            language="th",
            context={"tracking_number": f"เรื่องที่ {n}"},
            recipient=applicant,
        )
    client = signed_in(applicant)

    client.get(MESSAGES)
    assert inbox.unread_count(applicant) == 5
    client.get(MESSAGES, {"page": 2})
    assert inbox.unread_count(applicant) == 0


def test_an_officers_message_links_to_the_case_page_they_can_open(
    make_case: Any, clerk_a: Any, clock: Any
) -> None:
    app = make_case("submitted")
    clock.set(bangkok(2026, 3, 19, 9, 0))
    delays.scan_due_soon()
    client = signed_in(clerk_a)

    html = client.get(MESSAGES).content.decode()

    case_page = reverse("cases:case", args=[app.tracking_number])
    assert case_page in links(html)
    assert reverse("cases:application", args=[app.public_id]) not in links(html)
    assert client.get(case_page).status_code == 200


def test_the_messages_page_puts_no_personal_data_in_its_addresses(
    two_inboxes: tuple[Application, Application], applicant: Any
) -> None:
    applicant.phone = "0812345678"
    applicant.save(update_fields=["phone"])
    html = signed_in(applicant).get(MESSAGES).content.decode()
    addresses = " ".join(links(html))
    for private in (
        applicant.national_id,
        applicant.email,
        applicant.username,
        applicant.full_name_th,
        applicant.full_name_en,
        applicant.phone,
    ):
        assert private not in addresses
    assert applicant.full_name_th not in MESSAGES


def test_a_visitor_is_sent_to_sign_in(db: None) -> None:
    response = Client().get(MESSAGES)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == LOGIN
    assert parse_qs(location.query)[REDIRECT_FIELD_NAME] == [MESSAGES]
    assert Client().post(MESSAGES, {"language": "en"}).status_code == 302
    assert not Preference.objects.exists()


def test_the_preferences_form_saves_the_choices_and_the_next_message_follows_them(
    catalog: Any, applicant: Any, monday: datetime
) -> None:
    client = signed_in(applicant, "en")
    page = client.get(MESSAGES).content.decode()
    assert 'name="email" checked' in page  # email on until they choose

    saved = client.post(MESSAGES, {"language": "en"}, follow=True)

    assert saved.redirect_chain == [(MESSAGES, 302)]
    assert "Your choices were saved." in flashes(saved)
    preference = Preference.objects.get(user=applicant)
    assert (preference.email, preference.sms, preference.language) == (False, False, "en")
    html = saved.content.decode()
    assert 'name="email" checked' not in html
    assert '<option value="en" selected>' in html

    app = submitted_application(applicant, catalog.food_shop)
    sent = Notification.objects.filter(application=app, recipient=applicant)
    assert [(n.channel, n.language) for n in sent] == [(Channel.INBOX, "en")]


def test_a_channel_that_cannot_be_used_is_refused_with_the_reason(
    other_applicant: Any, settings: Any
) -> None:
    settings.SMS_PROVIDER_URL = "http://127.0.0.1:9/sms"
    client = signed_in(other_applicant, "en")

    refused = client.post(MESSAGES, {"email": "on", "sms": "on", "language": "th"}, follow=True)

    text = " ".join(flashes(refused))
    assert "Add an email address to your account first." in text
    assert "Add a mobile phone number to your account first." in text
    assert "Your choices were saved." not in text
    assert not Preference.objects.filter(user=other_applicant).exists()


# --- the agency's messages -----------------------------------------------------------------


@pytest.fixture
def failed(make_case: Any, catalog: Any) -> Notification:
    """A message of agency A that could not be sent: it had no address."""
    app = make_case("submitted")
    made = outbox.create(
        Event.SUBMITTED,
        Channel.EMAIL,
        language="th",
        context={"tracking_number": app.tracking_number},
        address="",
        agency_id=catalog.agency_a.pk,
        application_id=app.pk,
    )
    assert made is not None and made.status == Status.PERMANENT_FAILURE
    return made


def _agency_page(catalog: Any) -> str:
    return reverse("notify:agency", args=[catalog.agency_a.code])


def _counts(html: str) -> dict[str, int]:
    table = html.split('id="status-counts"', 1)[1].split("</table>", 1)[0]
    return {
        label: int(n)
        for label, n in re.findall(
            r'<td data-label="Status">([^<]*)</td><td data-label="Messages">(\d+)</td>', table
        )
    }


@pytest.mark.parametrize("who", ["approver_a", "admin_a"])
def test_supervisors_see_the_counts_and_the_failures(
    failed: Notification, catalog: Any, request: pytest.FixtureRequest, who: str
) -> None:
    page = signed_in(request.getfixturevalue(who), "en").get(_agency_page(catalog))

    assert page.status_code == 200
    html = page.content.decode()
    delivered = Notification.objects.filter(
        agency=catalog.agency_a, status=Status.DELIVERED
    ).count()
    assert delivered > 0
    counts = _counts(html)
    assert counts["Permanent failure"] == 1
    assert counts["Delivered"] == delivered
    assert counts["Created"] == Notification.objects.filter(status=Status.CREATED).count()
    failures = html.split('id="failures"', 1)[1]
    retry = reverse("notify:retry", args=[catalog.agency_a.code, failed.public_id])
    assert retry in links(failures)
    assert failed.application.tracking_number in failures
    assert "no address to send to" in failures


def test_send_again_makes_a_failed_message_new_and_queues_it(
    failed: Notification, catalog: Any, approver_a: Any
) -> None:
    url = reverse("notify:retry", args=[catalog.agency_a.code, failed.public_id])

    response = signed_in(approver_a).post(url)

    assert response.status_code == 302
    assert response["Location"] == _agency_page(catalog)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.completed_at) == (Status.CREATED, 0, None)
    assert Job.objects.filter(name="notify.deliver", args__id=failed.pk).exists()
    page = signed_in(approver_a, "en").get(_agency_page(catalog)).content.decode()
    assert "No failed messages." in page


@pytest.mark.parametrize("who", ["clerk_a", "reviewer_a", "clerk_b", "approver_b", "applicant"])
def test_others_get_not_found_and_cannot_send_again(
    failed: Notification, catalog: Any, request: pytest.FixtureRequest, who: str
) -> None:
    client = signed_in(request.getfixturevalue(who))
    retry = reverse("notify:retry", args=[catalog.agency_a.code, failed.public_id])

    assert client.get(_agency_page(catalog)).status_code == 404
    assert client.post(retry).status_code == 404
    # Nor through their own agency's address.
    own = reverse("notify:retry", args=[catalog.agency_b.code, failed.public_id])
    assert client.post(own).status_code == 404
    failed.refresh_from_db()
    assert failed.status == Status.PERMANENT_FAILURE


# --- the webhook ---------------------------------------------------------------------------


def _webhook(catalog: Any) -> str:
    return reverse("notify:webhook", args=[catalog.agency_a.code])


HOOK = "https://erp.chiangmai.go.th/eservice/events"


def test_the_administrator_sets_the_webhook_and_sees_the_secret_once(
    catalog: Any, admin_a: Any
) -> None:
    client = signed_in(admin_a, "en")
    form = client.get(_agency_page(catalog)).content.decode()
    assert _webhook(catalog) in links(form)

    saved = client.post(
        _webhook(catalog), {"url": HOOK, "active": "on", "new_secret": "on"}, follow=True
    )

    endpoint = Endpoint.objects.get(agency=catalog.agency_a)
    assert (endpoint.url, endpoint.active) == (HOOK, True)
    assert len(endpoint.secret) >= 32
    assert saved.redirect_chain == [(_agency_page(catalog), 302)]
    assert any(endpoint.secret in m for m in flashes(saved))
    assert endpoint.secret in saved.content.decode()
    assert endpoint.secret not in client.get(_agency_page(catalog)).content.decode()

    # Saving again keeps the secret (and does not show it); asking for a new one changes it.
    again = client.post(_webhook(catalog), {"url": HOOK + "/v2", "active": "on"}, follow=True)
    assert Endpoint.objects.get().secret == endpoint.secret
    assert endpoint.secret not in again.content.decode()
    renewed = client.post(_webhook(catalog), {"url": HOOK, "new_secret": "on"}, follow=True)
    fresh = Endpoint.objects.get()
    assert fresh.secret != endpoint.secret
    assert fresh.active is False
    assert fresh.secret in renewed.content.decode()


def test_a_first_webhook_saved_without_asking_for_a_secret_still_shows_its_secret(
    catalog: Any, admin_a: Any
) -> None:
    saved = signed_in(admin_a, "en").post(
        _webhook(catalog), {"url": HOOK, "active": "on"}, follow=True
    )
    endpoint = Endpoint.objects.get()
    assert endpoint.secret
    assert endpoint.secret in saved.content.decode()


@pytest.mark.parametrize(
    "url", ["", "not an address", "ftp://erp.chiangmai.go.th/", "javascript:alert(1)"]
)
def test_an_invalid_webhook_address_is_refused(catalog: Any, admin_a: Any, url: str) -> None:
    refused = signed_in(admin_a, "en").post(
        _webhook(catalog),
        {"url": url, "active": "on", "new_secret": "on"},
        HTTP_REFERER=_agency_page(catalog),  # as a browser sends it: back to the form
        follow=True,
    )
    assert refused.redirect_chain == [(_agency_page(catalog), 302)]
    assert any("http or https" in m for m in flashes(refused))
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("who", ["approver_a", "clerk_a", "admin_b"])
def test_only_the_agencys_administrator_sets_its_webhook(
    catalog: Any, request: pytest.FixtureRequest, who: str
) -> None:
    if who == "admin_b":
        user = User.objects.create_user(username="admin_b", password="x")
        OfficerRole.objects.create(user=user, agency=catalog.agency_b, role="admin")
    else:
        user = request.getfixturevalue(who)
    response = signed_in(user).post(_webhook(catalog), {"url": HOOK, "new_secret": "on"})
    assert response.status_code == 404
    assert not Endpoint.objects.exists()


# --- the reason for a delay, on the case page ---------------------------------------------------


@pytest.fixture
def overdue(make_case: Any, clock: Any) -> Application:
    """A case past its limit (Thursday 19 March): now Wednesday 25 March, 10:00."""
    app = make_case("in_review")
    clock.set(bangkok(2026, 3, 25, 10, 0))
    assert app.due_at is not None and app.due_at < bangkok(2026, 3, 25, 10, 0)
    return app


def _case_page(app: Application) -> str:
    return reverse("cases:case", args=[app.tracking_number])


def _reason_url(app: Application) -> str:
    return reverse("notify:delay-reason", args=[app.tracking_number])


def test_the_case_page_shows_the_delay_panel_only_when_the_limit_has_passed(
    make_case: Any, clerk_a: Any, clock: Any
) -> None:
    app = make_case("in_review")
    client = signed_in(clerk_a, "en")
    within = client.get(_case_page(app)).content.decode()
    assert 'id="delay"' not in within

    clock.set(bangkok(2026, 3, 20, 9, 0))
    past = client.get(_case_page(app)).content.decode()

    assert 'id="delay"' in past
    assert "Notices of delay" in past
    assert _reason_url(app) in links(past)
    assert "Notice 1 goes out on 26 March 2026" in past


def test_the_officer_saves_the_reason_from_the_case_page(
    overdue: Application, clerk_a: Any, applicant: Any, clock: Any
) -> None:
    client = signed_in(clerk_a, "en")

    saved = client.post(
        _reason_url(overdue),
        {"reason": "รอผลตรวจสถานที่", "expected_date": "2026-04-10"},
        follow=True,
    )

    assert saved.redirect_chain == [(_case_page(overdue), 302)]
    assert "The reason will go out with the next notice of delay." in flashes(saved)
    notice = DelayNotice.objects.get(application=overdue)
    assert (notice.reason, str(notice.expected_date), notice.reason_by) == (
        "รอผลตรวจสถานที่",
        "2026-04-10",
        clerk_a,
    )
    html = saved.content.decode()
    assert ">รอผลตรวจสถานที่</textarea>" in html
    assert 'value="2026-04-10"' in html

    clock.set(notice.due_at)
    delays.scan_delays()
    clock.set(notice.due_at + timedelta(hours=1))
    after = client.get(_case_page(overdue)).content.decode()
    assert "Notice 1 sent" in after
    assert "รอผลตรวจสถานที่" in after
    assert "Notice 2 goes out on 2 April 2026" in after
    assert Notification.objects.filter(recipient=applicant, event=Event.DELAY_NOTICE).exists()


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ({"reason": "", "expected_date": "2026-04-10"}, "This field is required."),
        ({"reason": "รอผล", "expected_date": "2026-03-20"}, "Give a date after today."),
        ({"reason": "รอผล", "expected_date": "10/04/2026"}, "This field is required."),
    ],
)
def test_a_reason_the_form_cannot_take_is_refused_with_why(
    overdue: Application, clerk_a: Any, form: dict[str, str], problem: str
) -> None:
    refused = signed_in(clerk_a, "en").post(_reason_url(overdue), form, follow=True)
    assert refused.redirect_chain == [(_case_page(overdue), 302)]
    assert any(problem in m for m in flashes(refused))
    assert not DelayNotice.objects.filter(application=overdue).exists()


@pytest.mark.parametrize("who", ["clerk_b", "approver_b", "applicant"])
def test_no_one_outside_the_agency_may_give_the_reason(
    overdue: Application, request: pytest.FixtureRequest, who: str
) -> None:
    client = signed_in(request.getfixturevalue(who))
    response = client.post(_reason_url(overdue), {"reason": "x", "expected_date": "2026-04-10"})
    assert response.status_code == 404
    assert client.get(_case_page(overdue)).status_code == 404
    assert not DelayNotice.objects.filter(application=overdue).exists()
