"""Builders for complex test objects: service files, uploads, submitted applications.

Everything here is real data in the platform's own formats: a service file that
``catalog.importer.import_data`` accepts, PDFs and PNGs that pass content
sniffing, and applications that went through ``cases.actions``.
"""

from __future__ import annotations

import copy
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from stdnum.th import pin

BANGKOK = ZoneInfo("Asia/Bangkok")

FOOD_SHOP = "food-shop-licence"
HOUSE_COPY = "house-registration-copy"
RENEWAL = "food-shop-licence-renewal"
AGENCY_A = "chiang-mai-city"
AGENCY_B = "bkk-chatuchak"


def bangkok(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return an aware datetime on the wall clock of Bangkok (where the offices are)."""
    return datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


# An ordinary working Monday: the default frozen "now" of case tests.
MONDAY_MORNING = datetime(2026, 3, 9, 9, 0, tzinfo=BANGKOK)


def thai_id(first12: str) -> str:
    """Return a 13-digit Thai national ID number: the 12 digits plus their check digit."""
    number = first12 + pin.calc_check_digit(first12)
    assert pin.is_valid(number)
    return number


def bi(th: str, en: str) -> dict[str, str]:
    return {"th": th, "en": en}


# --- the service file --------------------------------------------------------------


def agency_a(**overrides: Any) -> dict[str, Any]:
    """A municipality with one day off of its own (a local festival)."""
    return {
        "code": AGENCY_A,
        "name": bi("เทศบาลนครเชียงใหม่", "Chiang Mai City Municipality"),
        "kind": "local",
        "parent": None,
        "days_off": [
            {
                "date": "2026-06-19",
                "reason": bi("ประเพณีเข้าอินทขิล", "Inthakhin Festival"),
            }
        ],
        **overrides,
    }


def agency_b(**overrides: Any) -> dict[str, Any]:
    """A Bangkok district office that keeps only the national calendar."""
    return {
        "code": AGENCY_B,
        "name": bi("สำนักงานเขตจตุจักร", "Chatuchak District Office"),
        "kind": "district",
        "parent": None,
        **overrides,
    }


def categories() -> list[dict[str, Any]]:
    return [
        {"code": "health", "name": bi("สาธารณสุข", "Health")},
        {"code": "civil-registration", "name": bi("ทะเบียนราษฎร", "Civil registration")},
    ]


FOOD_SHOP_FORM = {
    "schema": {
        "type": "object",
        "required": ["shop_name", "owner_national_id", "area_sqm", "shop_size", "opening_date"],
        "properties": {
            "shop_name": {"type": "string", "minLength": 2, "maxLength": 200},
            "owner_national_id": {"type": "string", "format": "th-national-id"},
            "area_sqm": {"type": "number", "minimum": 1, "maximum": 10000},
            "seats": {"type": "integer", "minimum": 0, "maximum": 2000},
            "shop_size": {"type": "string", "enum": ["small", "medium", "large"]},
            "sells_alcohol": {"type": "boolean"},
            "opening_date": {"type": "string", "format": "date"},
        },
    },
    "ui": {
        "shop_name": {"label": bi("ชื่อร้าน", "Shop name"), "widget": "text"},
        "owner_national_id": {
            "label": bi("เลขประจำตัวประชาชนผู้ประกอบการ", "Operator's national ID number"),
            "widget": "national-id",
        },
        "area_sqm": {
            "label": bi("พื้นที่ประกอบการ (ตารางเมตร)", "Floor area (square metres)"),
            "widget": "number",
        },
        "seats": {"label": bi("จำนวนที่นั่ง", "Number of seats"), "widget": "number"},
        "shop_size": {
            "label": bi("ขนาดสถานประกอบการ", "Size of the premises"),
            "widget": "select",
            "options": {
                "small": bi("ไม่เกิน 200 ตารางเมตร", "Up to 200 m²"),
                "medium": bi("201–500 ตารางเมตร", "201–500 m²"),
                "large": bi("เกิน 500 ตารางเมตร", "Over 500 m²"),
            },
        },
        "sells_alcohol": {
            "label": bi("จำหน่ายเครื่องดื่มแอลกอฮอล์", "Sells alcoholic drinks"),
            "widget": "checkbox",
        },
        "opening_date": {"label": bi("วันที่เริ่มเปิดกิจการ", "Opening date"), "widget": "date"},
    },
}


def food_shop_service(**overrides: Any) -> dict[str, Any]:
    """A food-shop licence at agency A: 3 steps of 1 + 5 + 2 working days."""
    return {
        "code": FOOD_SHOP,
        "agency": AGENCY_A,
        "category": "health",
        "name": bi(
            "การขออนุญาตจัดตั้งสถานที่จำหน่ายอาหาร (ร้านอาหาร)",
            "Food shop licence (restaurant)",
        ),
        "description": bi(
            "สำหรับผู้ที่จะเปิดร้านจำหน่ายอาหารที่มีพื้นที่เกิน 200 ตารางเมตรในเขตเทศบาล",
            "For anyone opening a place that sells food with a floor area over 200 square "
            "metres in the municipality.",
        ),
        "output_document": bi("ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร", "Food shop licence"),
        "legal_basis": [
            {
                "law": bi("พระราชบัญญัติการสาธารณสุข พ.ศ. 2535", "Public Health Act B.E. 2535 (1992)"),
                "sections": ["มาตรา 38", "มาตรา 40"],
            }
        ],
        "conditions": bi(
            "สถานที่ต้องถูกสุขลักษณะตามข้อบัญญัติท้องถิ่น",
            "The premises must meet the hygiene rules of the local ordinance.",
        ),
        "time_limit": {"value": 8, "unit": "days"},
        "steps": [
            {
                "name": bi("ตรวจสอบความครบถ้วนของคำขอ", "Check the application is complete"),
                "unit": bi("งานธุรการ กองสาธารณสุข", "Registry, Public Health Division"),
                "role": "clerk",
                "time_limit": {"value": 1, "unit": "days"},
            },
            {
                "name": bi("ตรวจสถานที่และพิจารณา", "Inspect the premises and consider"),
                "unit": bi("งานสุขาภิบาลอาหาร", "Food Sanitation Section"),
                "role": "reviewer",
                "time_limit": {"value": 5, "unit": "days"},
            },
            {
                "name": bi("พิจารณาอนุญาตและลงนาม", "Decide and sign"),
                "unit": bi("เจ้าพนักงานท้องถิ่น", "Local official"),
                "role": "approver",
                "time_limit": {"value": 2, "unit": "days"},
            },
        ],
        "documents": [
            {
                "code": "id-card",
                "name": bi("บัตรประจำตัวประชาชน", "National ID card"),
                "issuer": bi("กรมการปกครอง", "Department of Provincial Administration"),
                "original": False,
                "copies": 1,
                "required": True,
            },
            {
                "code": "house-registration",
                "name": bi("ทะเบียนบ้าน", "House registration"),
                "original": False,
                "copies": 1,
                "required": True,
            },
            {
                "code": "building-consent",
                "name": bi("หนังสือยินยอมให้ใช้อาคาร", "Owner's consent to use the building"),
                "original": True,
                "copies": 1,
                "required": False,
                "note": bi("กรณีไม่ได้เป็นเจ้าของอาคาร", "If you do not own the building"),
            },
        ],
        "fees": [
            {
                "name": bi("ค่าธรรมเนียมใบอนุญาต", "Licence fee"),
                "amount": "1000.00",
                "note": bi("ต่อปี", "per year"),
            }
        ],
        "channels": [bi("กองสาธารณสุข ชั้น 2", "Public Health Division, 2nd floor")],
        "complaints": [bi("ศูนย์ดำรงธรรม โทร 1567", "Damrongdhama Centre, call 1567")],
        "form": copy.deepcopy(FOOD_SHOP_FORM),
        **overrides,
    }


def house_copy_service(**overrides: Any) -> dict[str, Any]:
    """A certified copy of a house registration at agency B: 2 working hours in total."""
    return {
        "code": HOUSE_COPY,
        "agency": AGENCY_B,
        "category": "civil-registration",
        "name": bi("การขอคัดและรับรองสำเนาทะเบียนบ้าน", "Certified copy of a house registration"),
        "description": bi(
            "สำหรับเจ้าบ้านหรือผู้มีชื่อในทะเบียนบ้านที่ต้องการสำเนาฉบับรับรอง",
            "For the head of a household or anyone listed in it who needs a certified copy.",
        ),
        "output_document": bi("สำเนาทะเบียนบ้านฉบับรับรอง", "Certified copy of a house registration"),
        "legal_basis": [
            {
                "law": bi(
                    "พระราชบัญญัติการทะเบียนราษฎร พ.ศ. 2534", "Civil Registration Act B.E. 2534 (1991)"
                ),
                "sections": ["มาตรา 14"],
            }
        ],
        "conditions": bi("ผู้ขอต้องมีชื่อในทะเบียนบ้าน", "You must be listed in the house registration."),
        "time_limit": {"value": 2, "unit": "hours"},
        "steps": [
            {
                "name": bi("ตรวจสอบคำขอ", "Check the request"),
                "unit": bi("ฝ่ายทะเบียน", "Registration Section"),
                "role": "clerk",
                "time_limit": {"value": 1, "unit": "hours"},
            },
            {
                "name": bi("นายทะเบียนลงนามรับรอง", "Registrar certifies"),
                "unit": bi("นายทะเบียนท้องถิ่น", "Local registrar"),
                "role": "approver",
                "time_limit": {"value": 1, "unit": "hours"},
            },
        ],
        "documents": [
            {
                "code": "id-card",
                "name": bi("บัตรประจำตัวประชาชน", "National ID card"),
                "original": False,
                "copies": 1,
                "required": True,
            }
        ],
        "fees": [{"name": bi("ค่าธรรมเนียม", "Fee"), "amount": "20.00"}],
        "channels": [bi("ฝ่ายทะเบียน สำนักงานเขตจตุจักร", "Registration Section, Chatuchak")],
        "complaints": [bi("สายด่วน กทม. 1555", "BMA hotline 1555")],
        "form": {
            "schema": {
                "type": "object",
                "required": ["house_code", "copies", "purpose"],
                "properties": {
                    "house_code": {"type": "string", "pattern": "^[0-9]{11}$"},
                    "copies": {"type": "integer", "minimum": 1, "maximum": 5},
                    "purpose": {"type": "string", "enum": ["personal", "bank", "government"]},
                },
            },
            "ui": {
                "house_code": {"label": bi("รหัสประจำบ้าน", "House code"), "widget": "text"},
                "copies": {"label": bi("จำนวนฉบับ", "Number of copies"), "widget": "number"},
                "purpose": {
                    "label": bi("วัตถุประสงค์", "Purpose"),
                    "widget": "select",
                    "options": {
                        "personal": bi("ใช้ส่วนตัว", "Personal use"),
                        "bank": bi("ยื่นธนาคาร", "For a bank"),
                        "government": bi("ยื่นหน่วยงานรัฐ", "For a government agency"),
                    },
                },
            },
        },
        **overrides,
    }


def service_file(**overrides: Any) -> dict[str, Any]:
    """Return a parsed service file: agencies A and B, two categories, two services."""
    data: dict[str, Any] = {
        "agencies": [agency_a(), agency_b()],
        "categories": categories(),
        "services": [food_shop_service(), house_copy_service()],
    }
    data.update(overrides)
    return copy.deepcopy(data)


# --- answers -----------------------------------------------------------------------

VALID_ANSWERS: dict[str, dict[str, Any]] = {
    FOOD_SHOP: {
        "shop_name": "ร้านข้าวซอยป้าศรี",
        "owner_national_id": thai_id("350010012345"),
        "area_sqm": 240.5,
        "seats": 60,
        "shop_size": "medium",
        "sells_alcohol": False,
        "opening_date": "2026-07-01",
    },
    HOUSE_COPY: {"house_code": "10300123456", "copies": 2, "purpose": "bank"},
}


def valid_answers(service_code: str) -> dict[str, Any]:
    return copy.deepcopy(VALID_ANSWERS[service_code])


def answers_for(service: Any) -> dict[str, Any]:
    """Return valid answers for a service whose form is one of the two standard forms."""
    props = set(service.current_version.form_schema["properties"])
    for answers in VALID_ANSWERS.values():
        if set(answers) <= props:
            return copy.deepcopy(answers)
    raise LookupError(service.code)


# --- uploads -----------------------------------------------------------------------


def pdf_bytes(padding: int = 0, objects: list[bytes] | None = None) -> bytes:
    """Return a small but well-formed one-page PDF (optionally padded with a comment),
    or one made of ``objects`` (object 1 is the catalog)."""
    objects = objects or [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if padding:
        out += b"%" + b"x" * padding + b"\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


_PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
# Well-formed PDFs that carry what uploads must not: each runs or holds something.
HOSTILE_PDFS: dict[str, list[bytes]] = {
    "JavaScript on opening": [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        _PAGES,
        _PAGE,
        b"<< /Type /Action /S /JavaScript /JS (app.alert('hi')) >>",
    ],
    "document JavaScript": [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>",
        _PAGES,
        _PAGE,
        b"<< /Names [(a) << /S /JavaScript /JS (this.print()) >>] >>",
    ],
    "a program to launch": [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        _PAGES,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A << /S /Launch /F (cmd.exe) >> >>",
    ],
    "an embedded file": [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(x.exe) 4 0 R] >> >> >>",
        _PAGES,
        _PAGE,
        b"<< /Type /Filespec /F (x.exe) /EF << /F 5 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
    ],
    "an action on a page event": [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        _PAGES,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O 4 0 R >> >>",
        b"<< /S /URI /URI (https://example.com/) >>",
    ],
}


def pdf_upload(name: str = "id.pdf", padding: int = 0) -> SimpleUploadedFile:
    """Return an uploaded real PDF."""
    return SimpleUploadedFile(name, pdf_bytes(padding), content_type="application/pdf")


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    """Return an uploaded real PNG made with Pillow."""
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


# --- applications ------------------------------------------------------------------


def submitted_application(
    applicant: Any,
    service: Any,
    *,
    answers: dict[str, Any] | None = None,
    documents: list[str] | None = None,
    on_behalf_of: Any = None,
    client_key: str | None = None,
) -> Any:
    """Start, fill, attach the required documents and submit, all through cases.actions."""
    from eservice.cases import actions

    app = actions.start_application(
        applicant, service, on_behalf_of=on_behalf_of, client_key=client_key
    )
    actions.save_answers(app, applicant, answers_for(service) if answers is None else answers)
    if documents is None:
        documents = list(
            service.current_version.documents.filter(required=True).values_list("code", flat=True)
        )
    for code in documents:
        actions.upload_document(app, applicant, code, pdf_upload(f"{code}.pdf"))
    return actions.submit(app, applicant)


def draft_application(applicant: Any, service: Any, **kwargs: Any) -> Any:
    """Start a draft with valid answers and no documents."""
    from eservice.cases import actions

    app = actions.start_application(applicant, service, **kwargs)
    return actions.save_answers(app, applicant, answers_for(service))


REQUESTED_DOCUMENT = "house-registration"


def case_in(
    status: str,
    *,
    applicant: Any,
    service: Any,
    clerk: Any,
    reviewer: Any,
    approver: Any,
) -> Any:
    """Return an application brought to ``status`` through the real actions (a factory trait).

    draft: answers filled and required documents attached, ready to submit;
    returned: the clerk asked for the house registration again;
    in_review: documents accepted, step 1 in progress;
    approved/closed: every step done; rejected: refused during step 1;
    withdrawn: withdrawn right after submission.
    """
    from eservice.cases import actions

    if status == "draft":
        app = draft_application(applicant, service)
        for code in service.current_version.documents.filter(required=True).values_list(
            "code", flat=True
        ):
            actions.upload_document(app, applicant, code, pdf_upload(f"{code}.pdf"))
        return app
    app = submitted_application(applicant, service)
    if status == "submitted":
        return app
    if status == "withdrawn":
        return actions.withdraw(app, applicant, "เปลี่ยนใจ")
    app = actions.start_check(app, clerk)
    if status == "checking":
        return app
    if status == "returned":
        return actions.request_documents(
            app, clerk, [{"code": REQUESTED_DOCUMENT}], note="สำเนาไม่ชัด กรุณาส่งใหม่"
        )
    app = actions.accept_documents(app, clerk)
    if status == "in_review":
        return app
    if status == "rejected":
        return actions.reject(app, approver, "สถานที่ไม่ถูกสุขลักษณะ", "อุทธรณ์ได้ภายใน 30 วัน")
    app = advance_to_last_step(app, clerk=clerk, reviewer=reviewer)
    app = actions.approve(app, approver, "อนุญาตตามคำขอ")
    if status == "approved":
        return app
    if status == "closed":
        return actions.close(app, clerk)
    raise ValueError(status)


def advance_to_last_step(app: Any, *, clerk: Any, reviewer: Any) -> Any:
    """Complete every step but the last, each by an officer of the step's role."""
    from eservice.cases import actions

    by_role = {"clerk": clerk, "reviewer": reviewer}
    last = app.service_version.steps.count()
    while app.current_step < last:
        role = app.service_version.steps.get(position=app.current_step).role
        app = actions.complete_step(app, by_role[role], "เรียบร้อย")
    return app


# --- ids that name nothing -------------------------------------------------------------

UNKNOWN_UUID = "8f14e45f-ceea-467f-a0e6-0b4e5a6c2f11"


def mistyped_number(number: str) -> str:
    """Return the tracking number with its fifth symbol changed (its check then fails)."""
    from eservice.core import tracking

    wrong = next(ch for ch in tracking.ALPHABET if ch != number[4])
    return number[:4] + wrong + number[5:]


def unknown_number() -> str:
    """Return a well-formed tracking number that no application has."""
    from eservice.core import tracking

    body = "7K3MXQ9P2RTV"
    return body + tracking.check_symbol(body)


def personal_data(app: Any, officer: Any) -> list[str]:
    """Return what must never show on public pages: the applicant's and officer's data."""
    applicant = app.applicant
    values = [
        applicant.username,
        applicant.full_name_th,
        applicant.full_name_en,
        applicant.email,
        applicant.national_id,
        "สมชาย",
        "Somchai",
        "081-234-5678",
        officer.username,
        officer.full_name_th,
        str(app.public_id),
        *(v for v in app.answers.values() if isinstance(v, str) and len(v) > 4),
    ]
    return [v for v in values if v]
