"""Applying online through the web pages: manual, form, documents, check, submit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from eservice.cases.models import Application
from eservice.core import tracking
from eservice.documents.services import evidence_for
from tests.factories import FOOD_SHOP, pdf_upload, valid_answers

GROUPED_NUMBER = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{5}\b")


def _form_data(**changes: Any) -> dict[str, Any]:
    """Return the food-shop form as a browser posts it (the checkbox left unticked)."""
    answers = valid_answers(FOOD_SHOP)
    del answers["sells_alcohol"]
    data = {name: str(value) for name, value in answers.items()}
    data.update(changes)
    return {"save": "continue", **data}


def _url(name: str, app: Application) -> str:
    return reverse(f"cases:{name}", kwargs={"public_id": app.public_id})


def _field_errors(html: str, name: str) -> list[str]:
    return re.findall(rf'<p class="error" id="e-{name}">([^<]*)</p>', html)


@pytest.fixture
def somchai(applicant: Any, catalog: Any, monday: Any) -> Client:
    client = Client()
    client.force_login(applicant)
    return client


@pytest.fixture
def draft(somchai: Client, catalog: Any) -> Application:
    """Start an application the way the service page's button does."""
    response = somchai.post(reverse("cases:start", args=[FOOD_SHOP]))
    app = Application.objects.get()
    assert (response.status_code, response["Location"]) == (302, _url("form", app))
    return app


def test_it_takes_an_applicant_from_the_service_page_to_a_tracking_number(
    somchai: Client, applicant: Any
) -> None:
    manual = somchai.get(reverse("catalog:service", args=[FOOD_SHOP]))
    assert manual.status_code == 200
    assert f'action="{reverse("cases:start", args=[FOOD_SHOP])}"' in manual.text

    started = somchai.post(reverse("cases:start", args=[FOOD_SHOP]))
    app = Application.objects.get(applicant=applicant)
    assert started["Location"] == _url("form", app)
    assert somchai.get(_url("form", app)).status_code == 200

    wrong = somchai.post(_url("form", app), _form_data(area_sqm="0"))
    assert wrong.status_code == 400
    assert _field_errors(wrong.text, "area_sqm") == ["กรุณากรอกค่าไม่น้อยกว่า 1"]

    answered = somchai.post(_url("form", app), _form_data())
    assert answered["Location"] == _url("documents", app)

    for code in ("id-card", "house-registration"):
        uploaded = somchai.post(
            _url("documents", app), {"requirement": code, "file": pdf_upload(f"{code}.pdf")}
        )
        assert uploaded["Location"] == _url("documents", app)

    check = somchai.get(_url("check", app))
    assert check.status_code == 200
    assert "ร้านข้าวซอยป้าศรี" in check.text
    assert "id-card.pdf" in check.text and "house-registration.pdf" in check.text
    assert "disabled" not in check.text.split('<form method="post">')[-1]

    submitted = somchai.post(_url("check", app))
    assert submitted["Location"] == _url("done", app)

    done = somchai.get(_url("done", app))
    app.refresh_from_db()
    assert done.status_code == 200
    assert app.status == "submitted"
    shown = re.search(r'id="tracking-number">([^<]*)<', done.text).group(1)
    assert GROUPED_NUMBER.fullmatch(shown)
    assert shown == tracking.display(app.tracking_number)


# --- the form ------------------------------------------------------------------------


def test_it_shows_each_wrong_answer_next_to_its_field_in_thai_by_default(
    somchai: Client, draft: Application
) -> None:
    response = somchai.post(
        _url("form", draft),
        _form_data(area_sqm="0", owner_national_id="1234567890123", shop_name=""),
    )

    assert response.status_code == 400
    assert "กรุณาแก้ไขข้อผิดพลาดด้านล่าง" in response.text
    assert _field_errors(response.text, "area_sqm") == ["กรุณากรอกค่าไม่น้อยกว่า 1"]
    assert _field_errors(response.text, "owner_national_id") == [
        "กรุณากรอกเลขประจำตัวประชาชน 13 หลักให้ถูกต้อง"
    ]
    assert _field_errors(response.text, "shop_name") == ["กรุณากรอกข้อมูลในช่องนี้"]
    assert _field_errors(response.text, "seats") == []


def test_it_shows_the_errors_in_english_with_the_language_cookie(
    somchai: Client, draft: Application
) -> None:
    somchai.cookies["django_language"] = "en"
    response = somchai.post(_url("form", draft), _form_data(area_sqm="0"))

    assert response.status_code == 400
    assert "Please correct the errors below." in response.text
    assert "Floor area (square metres)" in response.text
    assert _field_errors(response.text, "area_sqm") == ["Enter a value of at least 1."]


def test_it_shows_the_errors_in_english_with_accept_language(
    somchai: Client, draft: Application
) -> None:
    response = somchai.post(
        _url("form", draft), _form_data(area_sqm="many"), headers={"accept-language": "en"}
    )

    assert response.status_code == 400
    assert _field_errors(response.text, "area_sqm") == ["Enter a number."]


def test_it_keeps_the_answers_of_a_saved_draft(somchai: Client, draft: Application) -> None:
    # A draft is saved as it is, mistakes included, to be finished later.
    saved = somchai.post(
        _url("form", draft),
        {"save": "draft", "shop_name": "ร้านข้าวซอยป้าศรี", "area_sqm": "0", "seats": "60"},
    )
    assert (saved.status_code, saved["Location"]) == (302, _url("form", draft))

    again = somchai.get(_url("form", draft))

    assert again.status_code == 200
    assert "บันทึกฉบับร่างแล้ว" in again.text
    assert 'value="ร้านข้าวซอยป้าศรี"' in again.text
    assert 'name="seats" value="60"' in again.text
    assert _field_errors(again.text, "area_sqm") == []
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.answers == {
        "shop_name": "ร้านข้าวซอยป้าศรี",
        "area_sqm": 0,
        "seats": 60,
        "sells_alcohol": False,
    }


# --- documents ------------------------------------------------------------------------


def test_it_refuses_a_text_file_named_pdf_with_a_clear_message(
    somchai: Client, draft: Application
) -> None:
    fake = SimpleUploadedFile("id.pdf", b"just some text, not a PDF\n", "application/pdf")

    response = somchai.post(_url("documents", draft), {"requirement": "id-card", "file": fake})

    assert response.status_code == 400
    assert "รับเฉพาะไฟล์ PDF, JPEG และ PNG เท่านั้น" in response.text
    assert not evidence_for(draft.pk).exists()


def test_it_accepts_a_real_pdf_and_lists_it(somchai: Client, draft: Application) -> None:
    response = somchai.post(
        _url("documents", draft),
        {"requirement": "id-card", "file": pdf_upload("my-id.pdf")},
        follow=True,
    )

    assert response.status_code == 200
    assert "my-id.pdf" in response.text
    assert list(evidence_for(draft.pk).values_list("requirement_code", flat=True)) == ["id-card"]


# --- submitting -----------------------------------------------------------------------


def test_it_does_not_submit_twice_when_the_button_is_pressed_twice(
    somchai: Client, draft: Application
) -> None:
    somchai.post(_url("form", draft), _form_data())
    for code in ("id-card", "house-registration"):
        somchai.post(_url("documents", draft), {"requirement": code, "file": pdf_upload()})

    first = somchai.post(_url("check", draft))
    draft.refresh_from_db()
    number = draft.tracking_number
    second = somchai.post(_url("check", draft), follow=True)

    assert first["Location"] == _url("done", draft)
    assert second.status_code == 200
    assert Application.objects.count() == 1
    draft.refresh_from_db()
    assert (draft.status, draft.tracking_number) == ("submitted", number)
    assert tracking.display(number) in second.text


def test_it_shows_what_is_missing_instead_of_submitting(
    somchai: Client, draft: Application
) -> None:
    somchai.post(_url("form", draft), _form_data())

    response = somchai.post(_url("check", draft))

    assert response.status_code == 400
    assert "id-card" in response.text
    draft.refresh_from_db()
    assert (draft.status, draft.tracking_number) == ("draft", None)
