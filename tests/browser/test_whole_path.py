"""The whole path in a real browser on a phone-sized screen.

Apply with uploads -> officer asks for a document -> applicant resubmits ->
officer approves -> public tracking shows the decision. Drives Debian's
chromium with Playwright; screenshots go to test-artifacts/ for a person to
look at.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERVICE = "food-shop-licence"
AGENCY = "nonthaburi-city"


@pytest.fixture
def demo_world(transactional_db: None) -> dict[str, Any]:
    """The demo catalog, an applicant and an approver of the agency."""
    from eservice.accounts.models import OfficerRole, User
    from eservice.catalog.importer import import_file
    from eservice.catalog.models import Agency
    from eservice.demo.loader import CATALOG_FILE

    import_file(CATALOG_FILE, actor="tests")
    applicant = User.objects.create_user(
        "citizen", password="pw-citizen-123", national_id="1103700012346", full_name_th="สมชาย ใจดี"
    )
    officer = User.objects.create_user(
        "approver", password="pw-officer-123", full_name_th="ผู้อำนวยการ ทดสอบ"
    )
    OfficerRole.objects.create(
        user=officer, agency=Agency.objects.get(code=AGENCY), role="approver"
    )
    return {"applicant": applicant, "officer": officer}


def _login(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()


def _pdf(tmp_path: Path, name: str) -> Path:
    from eservice.demo.fakes import demo_pdf

    path = tmp_path / f"{name}.pdf"
    path.write_bytes(demo_pdf(name).read())
    return path


def test_it_carries_an_application_from_phone_to_public_decision(
    browser: Any, live_server: Any, demo_world: dict[str, Any], tmp_path: Path
) -> None:
    from eservice.catalog.models import Service
    from eservice.demo.fakes import answers_for

    base = live_server.url
    version = Service.objects.get(code=SERVICE).current_version
    answers = answers_for(version.form_schema, "1103700012346", random.Random(7))
    required = list(version.documents.filter(required=True).values_list("code", flat=True))

    # --- the applicant applies on a phone --------------------------------------------
    citizen = browser.new_context(**PHONE, locale="th-TH")
    page = citizen.new_page()
    _login(page, base, "citizen", "pw-citizen-123")
    page.goto(f"{base}/services/{SERVICE}/")
    assert page.locator("h1").inner_text() == version.name_th
    shot(page, "01-service-manual")
    page.click("form[action$='/apply/'] button[type=submit]")

    # The server checks answers: submit one wrong value first and see the error.
    first_text = next(
        n
        for n, p in version.form_schema["properties"].items()
        if p.get("type") == "string" and "enum" not in p and "format" not in p
    )
    for name, value in answers.items():
        ui = version.form_ui[name]["widget"]
        if ui == "select":
            page.select_option(f"#f-{name}", str(value))
        elif ui == "checkbox":
            page.check(f"#f-{name}") if value else page.uncheck(f"#f-{name}")
        else:
            page.fill(f"#f-{name}", str(value))
    page.fill(f"#f-{first_text}", "")
    if first_text in version.form_schema.get("required", []):
        page.click("button[name=save][value=continue]")
        assert page.locator(".error-summary").is_visible()
        assert page.locator(f"#e-{first_text}").inner_text() == "กรุณากรอกข้อมูลในช่องนี้"
        shot(page, "02-form-error")
    page.fill(f"#f-{first_text}", str(answers[first_text]))
    page.click("button[name=save][value=continue]")

    assert "/documents/" in page.url
    for code in required:
        page.set_input_files(f"#file-{code}", str(_pdf(tmp_path, code)))
        page.click(f"#doc-{code} button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(f"#doc-{code} a").count() == 1
    shot(page, "03-documents")
    page.click("a[href$='/check/']")
    shot(page, "04-check-answers")
    page.click("form button[type=submit]:not(.linklike)")
    number = page.locator("#tracking-number").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{5}", number)
    shot(page, "05-confirmation")

    # --- the officer asks for one document -----------------------------------------
    office = browser.new_context(**PHONE, locale="th-TH")
    officer_page = office.new_page()
    _login(officer_page, base, "approver", "pw-officer-123")
    officer_page.goto(f"{base}/office/queue/{AGENCY}/")
    officer_page.click(f"a:has-text('{number}')")
    officer_page.click("#act-start_check")
    officer_page.check(f"input[name=items][value={required[0]}]")
    officer_page.fill("#rd-note", "สำเนาไม่ชัดเจน กรุณาแนบใหม่")
    officer_page.click("#act-request_documents")
    assert officer_page.locator(".pill.returned").is_visible()
    shot(officer_page, "06-officer-requested")

    # --- the applicant sends it ------------------------------------------------------
    page.goto(f"{base}/my/")
    page.click(f"text={version.name_th}")
    assert "สำเนาไม่ชัดเจน" in page.content()
    page.click("a[href$='/documents/']")
    page.set_input_files(f"#file-{required[0]}", str(_pdf(tmp_path, "again")))
    page.click(f"#doc-{required[0]} button[type=submit]")
    page.wait_for_load_state()
    page.fill("#note", "แนบเอกสารใหม่แล้ว")
    page.click("form[action$='/resubmit/'] button")
    assert page.locator(".pill.checking").is_visible()

    # --- the officer accepts, works the steps and approves ------------------------------
    officer_page.reload()
    officer_page.click("#act-accept_documents")
    while officer_page.locator("#act-complete_step").count():
        officer_page.click("#act-complete_step")
    officer_page.fill("#ap-reasons", "อนุญาตตามคำขอ")
    officer_page.click("#act-approve")
    assert officer_page.locator(".pill.approved").is_visible()
    shot(officer_page, "07-officer-approved")

    # --- anyone can see the decision by number, typed loosely ------------------------------
    public = browser.new_context(**PHONE, locale="en-US")
    track_page = public.new_page()
    track_page.goto(f"{base}/track/")
    track_page.fill("#number", number.replace("-", "").lower())
    track_page.click("form button[type=submit]")
    # The visitor's browser asks for English, so the page answers in English.
    assert track_page.locator("#track-status").inner_text() == "Approved"
    assert "สมชาย" not in track_page.content()
    shot(track_page, "08-public-tracking")
    # A one-character typing mistake is reported as such.
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    track_page.goto(f"{base}/track/?number={wrong}")
    assert track_page.locator("#track-error").is_visible()
    for context in (citizen, office, public):
        context.close()
