"""Message templates: the checks on an agency's wording, the platform's own, and the edit page.

Agency administrators write templates in a small part of Django's template
language. A template is refused, with the reason, when it uses an unknown
placeholder or any tag but if/else/endif, cannot be read, has no text (or no
subject where one is needed), or makes an SMS too long. What is saved is used
in the agency's next message; "reset" brings the platform's wording back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from eservice.accounts.models import OfficerRole, User
from eservice.notify import render
from eservice.notify.models import Channel, Event, Notification, Template
from tests.factories import submitted_application

EMAIL, SMS, INBOX = Channel.EMAIL.value, Channel.SMS.value, Channel.INBOX.value


# --- checking a template ------------------------------------------------------------------


def test_a_plain_template_with_known_placeholders_passes() -> None:
    body = "เรียน {{ name }}\n{% if reason %}เหตุผล: {{ reason }}{% else %}-{% endif %}\n{{ link }}"
    assert render.problems("คำขอ {{ tracking_number }}", body, EMAIL) == {}
    assert render.problems("", "คำขอ {{ tracking_number }} {{ link }}", SMS) == {}


@pytest.mark.parametrize(
    "text",
    [
        "{{ national_id }}",
        "{{ applicant.email }}",
        "{{ name.__class__ }}",
        "{{ settings.SECRET_KEY }}",
        "{{ }}",
    ],
)
def test_an_unknown_placeholder_is_refused(text: str) -> None:
    errors = render.problems("เรื่อง", f"เรียน {{{{ name }}}} {text}", EMAIL)
    assert list(errors) == ["body"]
    assert "{{" in errors["body"][0]
    name = text.strip("{} ").strip()
    assert name in errors["body"][0]


@pytest.mark.parametrize(
    "text",
    [
        "{% load static %}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% for x in reason %}{{ x }}{% endfor %}",
        "{% debug %}",
        "{% now 'Y' %}",
    ],
)
def test_tags_other_than_if_are_refused(text: str) -> None:
    with translation.override("en"):
        errors = render.problems("เรื่อง", f"{{{{ name }}}} {text}", INBOX)
    assert list(errors) == ["body"]
    assert "Only {% if %}, {% else %} and {% endif %} may be used." in errors["body"]


def test_a_tag_in_the_subject_is_refused_under_the_subject() -> None:
    errors = render.problems("{% include 'x' %}", "{{ name }}", EMAIL)
    assert list(errors) == ["subject"]


@pytest.mark.parametrize(
    "text",
    [
        "{% if reason %}ไม่มีปิด",
        "{% endif %}",
        "{% if %}ว่าง{% endif %}",
        "{% if reason %}ก{% else %}ข{% else %}ค{% endif %}",
    ],
)
def test_a_template_that_cannot_be_read_is_refused(text: str) -> None:
    with translation.override("en"):
        errors = render.problems("เรื่อง", text, EMAIL)
    assert list(errors) == ["body"]
    assert errors["body"][0].startswith("The template cannot be read")


@pytest.mark.parametrize("body", ["", "   \n  "])
@pytest.mark.parametrize("channel", [EMAIL, SMS, INBOX])
def test_a_template_needs_text(body: str, channel: str) -> None:
    errors = render.problems("เรื่อง", body, channel)
    assert "body" in errors


@pytest.mark.parametrize("channel", [EMAIL, INBOX])
def test_email_and_inbox_need_a_subject_sms_does_not(channel: str) -> None:
    assert list(render.problems("  ", "{{ name }}", channel)) == ["subject"]
    assert render.problems("", "{{ name }}", SMS) == {}


def test_an_sms_too_long_when_filled_is_refused() -> None:
    short = "คำขอ {{ tracking_number }} ของ {{ service }} {{ link }}"
    assert render.problems("", short, SMS) == {}
    long = short + " " + "{{ reason }} " * 4
    assert len(render.fill(long, render.SAMPLE)) > render.SMS_MAX
    errors = render.problems("", long, SMS)
    assert list(errors) == ["body"]
    assert str(render.SMS_MAX) in errors["body"][0]
    # The same text is fine in the inbox, which has no such limit.
    assert render.problems("เรื่อง", long, INBOX) == {}


def test_filling_leaves_plain_text_as_written() -> None:
    """Messages are plain text: an ampersand or quote in a reason is not turned into HTML."""
    reason = 'ร้าน "A&B" ต้องแก้ <ป้าย> ก่อน'
    assert render.fill("เหตุผล: {{ reason }}", {"reason": reason}) == f"เหตุผล: {reason}"
    assert render.fill("{{ name }}|{{ unknown }}|{{ step }}", {"name": "สมชาย"}) == "สมชาย||"


# --- the platform's own templates ------------------------------------------------------------


def _platform_templates() -> list[tuple[str, str, str]]:
    return [
        (event, channel, language)
        for event, channels in render.defaults().items()
        for channel, languages in channels.items()
        for language in languages
    ]


def test_every_event_has_every_channel_in_both_languages() -> None:
    expected = {
        (event.value, channel.value, language)
        for event in Event
        for channel in render.TEMPLATE_CHANNELS
        for language in render.LANGUAGES
    }
    assert set(_platform_templates()) == expected
    assert len(expected) == len(Event) * 3 * 2


@pytest.mark.parametrize(("event", "channel", "language"), _platform_templates())
def test_the_platforms_templates_pass_their_own_checks(
    event: str, channel: str, language: str
) -> None:
    wording = render.default_wording(event, channel, language)
    assert render.problems(wording.subject, wording.body, channel) == {}
    filled = render.fill(wording.body, render.SAMPLE)
    assert "{{" not in filled and "{%" not in filled
    if channel == SMS:
        assert wording.subject == ""


def test_messages_that_go_to_the_oversight_office_do_not_name_the_applicant() -> None:
    for channel in render.TEMPLATE_CHANNELS:
        for language in render.LANGUAGES:
            wording = render.default_wording(Event.DELAY_NOTICE, channel, language)
            assert "name" not in render._VARIABLE.findall(wording.subject + wording.body)


# --- the edit page ------------------------------------------------------------------------


def _url(agency: Any, event: str = "submitted", channel: str = INBOX, language: str = "th") -> str:
    return reverse("notify:template", args=[agency.code, event, channel, language])


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_administrator_sees_the_platforms_wording_and_a_preview(
    admin_a: Any, catalog: Any
) -> None:
    page = _client(admin_a).get(_url(catalog.agency_a))
    assert page.status_code == 200
    html = page.content.decode()
    platform = render.default_wording("submitted", INBOX, "th")
    assert platform.subject in html
    assert render.SAMPLE["tracking_number"] in html.split('id="preview"', 1)[1]
    assert 'value="reset"' not in html  # nothing of the agency's own to reset yet
    # The placeholders the administrator may use are listed as they are written.
    for name in render.PLACEHOLDERS:
        assert f"<code>{{{{ {name} }}}}</code>" in html
    assert "<code>{% if reason %}…{% endif %}</code>" in html


@pytest.mark.parametrize(
    ("subject", "body", "shown"),
    [
        ("ได้รับ {{ tracking_number }}", "", "กรุณากรอกข้อมูลในช่องนี้"),
        ("ได้รับ {{ tracking_number }}", "เลขบัตร {{ national_id }}", "national_id"),
        ("ได้รับ {{ tracking_number }}", "{% include 'base.html' %}", "{% if %}"),
        ("", "ข้อความ {{ tracking_number }}", "กรุณากรอกข้อมูลในช่องนี้"),
    ],
)
def test_an_invalid_template_is_refused_with_the_reason_and_nothing_is_saved(
    admin_a: Any, catalog: Any, subject: str, body: str, shown: str
) -> None:
    page = _client(admin_a).post(_url(catalog.agency_a), {"subject": subject, "body": body})
    assert page.status_code == 200
    html = page.content.decode()
    errors = [part.split("</p>", 1)[0] for part in html.split('<p class="error">')[1:]]
    assert errors and any(shown in e for e in errors)
    # The administrator reads why in Thai, the page's language.
    assert all(any("\u0e00" <= ch <= "\u0e7f" for ch in e) for e in errors)
    assert not Template.objects.exists()
    assert 'id="preview"' not in html


def test_a_saved_template_is_used_in_the_next_message_and_reset_brings_the_platforms_back(
    admin_a: Any, catalog: Any, applicant: Any, monday: datetime
) -> None:
    client = _client(admin_a)
    saved = client.post(
        _url(catalog.agency_a),
        {
            "do": "save",
            "subject": "เทศบาลได้รับคำขอ {{ tracking_number }} แล้ว",
            "body": "เรียน {{ name }} {% if due_date %}ทราบผลภายใน {{ due_date }}{% endif %}",
        },
    )
    assert saved.status_code == 302
    assert saved["Location"] == reverse("notify:templates", args=[catalog.agency_a.code])
    template = Template.objects.get()
    assert (template.agency, template.updated_by) == (catalog.agency_a, admin_a)
    assert (template.event, template.channel, template.language) == ("submitted", INBOX, "th")
    listing = client.get(saved["Location"]).content.decode()
    assert listing.count('class="badge"') == 1  # marked as the agency's own

    first = submitted_application(applicant, catalog.food_shop)
    message = Notification.objects.get(application=first, channel=INBOX)
    assert message.subject == f"เทศบาลได้รับคำขอ {first.tracking_number} แล้ว"
    assert message.body.startswith(f"เรียน {applicant.full_name_th} ทราบผลภายใน ")

    edit = client.get(_url(catalog.agency_a)).content.decode()
    assert "เทศบาลได้รับคำขอ" in edit and 'value="reset"' in edit
    reset = client.post(_url(catalog.agency_a), {"do": "reset"})
    assert reset.status_code == 302
    assert not Template.objects.exists()

    second = submitted_application(applicant, catalog.food_shop)
    again = Notification.objects.get(application=second, channel=INBOX)
    platform = render.default_wording("submitted", INBOX, "th")
    assert again.subject == render.fill(
        platform.subject, {"tracking_number": second.tracking_number}
    )


def test_an_sms_template_is_saved_without_a_subject(admin_a: Any, catalog: Any) -> None:
    client = _client(admin_a)
    page = client.get(_url(catalog.agency_a, channel=SMS)).content.decode()
    assert 'name="subject"' not in page
    saved = client.post(
        _url(catalog.agency_a, channel=SMS),
        {"subject": "ไม่ใช้", "body": "คำขอ {{ tracking_number }} ได้รับแล้ว"},
    )
    assert saved.status_code == 302
    assert Template.objects.get().subject == ""


@pytest.mark.parametrize(
    ("event", "channel", "language"),
    [("approved_twice", INBOX, "th"), ("submitted", "webhook", "th"), ("submitted", INBOX, "fr")],
)
def test_a_template_that_does_not_exist_is_not_found(
    admin_a: Any, catalog: Any, event: str, channel: str, language: str
) -> None:
    client = _client(admin_a)
    url = _url(catalog.agency_a, event, channel, language)
    assert client.get(url).status_code == 404
    assert client.post(url, {"subject": "ก", "body": "ข"}).status_code == 404
    assert not Template.objects.exists()


@pytest.mark.parametrize("who", ["clerk_a", "reviewer_a", "approver_a", "admin_b", "outsider"])
def test_only_the_agencys_administrator_may_edit_its_templates(
    request: pytest.FixtureRequest, catalog: Any, who: str
) -> None:
    if who == "admin_b":
        user = User.objects.create_user(username="admin_b", password="x")
        OfficerRole.objects.create(user=user, agency=catalog.agency_b, role="admin")
    else:
        user = request.getfixturevalue(who)
    client = _client(user)
    assert client.get(_url(catalog.agency_a)).status_code == 404
    assert client.get(reverse("notify:templates", args=[catalog.agency_a.code])).status_code == 404
    posted = client.post(_url(catalog.agency_a), {"subject": "ถูกแก้", "body": "ถูกแก้"})
    assert posted.status_code == 404
    Template.objects.create(
        agency=catalog.agency_a, event="submitted", channel=INBOX, language="th", body="ของเดิม"
    )
    assert client.post(_url(catalog.agency_a), {"do": "reset"}).status_code == 404
    assert Template.objects.get().body == "ของเดิม"
