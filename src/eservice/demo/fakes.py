"""Clearly fake people, companies, answers and files for the demo."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from eservice.core.clock import now

FIRST_NAMES = [
    "สมชาย",
    "สมหญิง",
    "วิชัย",
    "มาลี",
    "ประเสริฐ",
    "สุดา",
    "อนันต์",
    "กาญจนา",
    "ธีรพงษ์",
    "นภา",
    "ปรีชา",
    "รัตนา",
    "สุรชัย",
    "วันเพ็ญ",
    "อรุณ",
    "จันทร์เพ็ญ",
]
LAST_NAMES = ["ใจดี", "รักไทย", "ทองคำ", "ศรีสุข", "มั่นคง", "แก้วมณี", "บุญมา", "สายทอง"]
EN_FIRST = [
    "Somchai",
    "Somying",
    "Wichai",
    "Malee",
    "Prasert",
    "Suda",
    "Anan",
    "Kanchana",
    "Teerapong",
    "Napa",
    "Preecha",
    "Rattana",
    "Surachai",
    "Wanpen",
    "Arun",
    "Chanpen",
]
EN_LAST = ["Jaidee", "Rakthai", "Thongkham", "Srisuk", "Mankong", "Kaewmanee", "Boonma", "Saithong"]

# Checked in order: the first key found in a field's name gives its value.
TEXT_HINTS = {
    "phone": "0812345678",
    "tel": "0812345678",
    "email": "demo@example.org",
    "house_code": "12990012345",
    "hours": "08:00-20:00",
    "name": "ร้านข้าวแกงป้าศรี (ตัวอย่าง)",
    "shop": "ร้านข้าวแกงป้าศรี (ตัวอย่าง)",
    "company": "บริษัท ตัวอย่างการค้า จำกัด",
    "address": "99/9 ถนนรัตนาธิเบศร์ ตำบลบางกระสอ อำเภอเมืองนนทบุรี จังหวัดนนทบุรี 11000",
    "location": "99/9 ถนนรัตนาธิเบศร์ ตำบลบางกระสอ อำเภอเมืองนนทบุรี จังหวัดนนทบุรี 11000",
    "purpose": "เพื่อใช้ประกอบการยื่นขอรับบริการ (ข้อมูลสาธิต)",
    "reason": "ย้ายตามครอบครัว (ข้อมูลสาธิต)",
    "product": "ผลิตภัณฑ์อาหารแปรรูป",
    "objective": "ค้าขายสินค้าอุปโภคบริโภค",
    "text": "ข้อความป้าย: ร้านข้าวแกงป้าศรี",
}


def thai_pin(rng: random.Random, first_digit: int = 1) -> str:
    """Return a random 13-digit Thai ID number with a valid check digit."""
    digits = [first_digit] + [rng.randrange(10) for _ in range(11)]
    total = sum(d * w for d, w in zip(digits, range(13, 1, -1), strict=True))
    return "".join(map(str, digits)) + str((11 - total % 11) % 10)


def person(rng: random.Random, index: int) -> dict[str, str]:
    """Return a fake person's names and ID."""
    i, j = index % len(FIRST_NAMES), (index // len(FIRST_NAMES)) % len(LAST_NAMES)
    return {
        "full_name_th": f"{FIRST_NAMES[i]} {LAST_NAMES[j]}",
        "full_name_en": f"{EN_FIRST[i]} {EN_LAST[j]}",
        "national_id": thai_pin(rng),
    }


def answers_for(schema: dict[str, Any], national_id: str, rng: random.Random) -> dict[str, Any]:
    """Return plausible answers that satisfy a form schema."""
    out: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type")
        if "enum" in prop:
            out[name] = rng.choice(prop["enum"])
        elif kind == "boolean":
            out[name] = True
        elif kind in ("integer", "number"):
            low = prop.get("minimum", 1)
            high = min(prop.get("maximum", low + 300), low + 300)
            if kind == "integer":
                out[name] = rng.randint(int(low), int(high))
            else:
                out[name] = round(rng.uniform(max(low, 1.0) if high >= 1 else low, high), 1)
        elif prop.get("format") == "th-national-id":
            out[name] = national_id
        elif prop.get("format") == "date":
            out[name] = (now().date() + timedelta(days=rng.randint(20, 60))).isoformat()
        elif prop.get("format") == "email":
            out[name] = "demo@example.org"
        else:
            text = next((v for k, v in TEXT_HINTS.items() if k in name), "ข้อมูลสาธิต")
            if "maxLength" in prop:
                text = text[: prop["maxLength"]]
            if len(text) < prop.get("minLength", 0):
                text = text.ljust(prop["minLength"], "ก")
            out[name] = text
    return out


def demo_pdf(title: str) -> SimpleUploadedFile:
    """Return a small, valid one-page PDF marked as a demo document."""
    text = f"DEMO DOCUMENT - {title}".encode("ascii", "replace")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return SimpleUploadedFile(f"{title}.pdf", body, content_type="application/pdf")
