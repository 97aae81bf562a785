"""Fill the registers with generated, clearly fictitious records (demo, tests, benchmarks)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from stdnum.th import pin

from eservice.registries.models import Company, House, LandParcel, Person

# Real place names, with the house numbers and codes made up: no real address.
PLACES = [
    ("ศรีภูมิ", "เมืองเชียงใหม่", "เชียงใหม่", "50200", "สำนักทะเบียนเทศบาลนครเชียงใหม่"),
    ("บางกระสอ", "เมืองนนทบุรี", "นนทบุรี", "11000", "สำนักทะเบียนเทศบาลนครนนทบุรี"),
    ("ในเมือง", "เมืองขอนแก่น", "ขอนแก่น", "40000", "สำนักทะเบียนเทศบาลนครขอนแก่น"),
    ("ลาดยาว", "จตุจักร", "กรุงเทพมหานคร", "10900", "สำนักทะเบียนเขตจตุจักร"),
]
STREETS = ["", "สายตัวอย่าง", "ทดสอบ 1", "สมมติ"]


@dataclass
class PersonSeed:
    national_id: str
    first_name_th: str
    last_name_th: str
    first_name_en: str
    last_name_en: str
    female: bool = False


def random_pin(rng: random.Random) -> str:
    """A national ID with a valid check digit, starting with 9 (never issued to anyone)."""
    body = "9" + "".join(str(rng.randrange(10)) for _ in range(11))
    return body + pin.calc_check_digit(body)


def _house(rng: random.Random) -> House:
    sub, district, province, postcode, registrar = rng.choice(PLACES)
    while True:
        code = "".join(str(rng.randrange(10)) for _ in range(11))
        if not House.objects.filter(house_code=code).exists():
            break
    return House.objects.create(
        house_code=code,
        number=f"{rng.randrange(1, 400)}/{rng.randrange(1, 60)}",
        moo=str(rng.randrange(1, 12)) if rng.random() < 0.5 else "",
        street_th=rng.choice(STREETS),
        subdistrict_th=sub,
        district_th=district,
        province_th=province,
        postcode=postcode,
        registrar_th=registrar,
    )


@transaction.atomic
def add_people(seeds: list[PersonSeed], rng: random.Random) -> list[Person]:
    """Register each person (if not registered yet) in a generated house."""
    made = []
    for seed in seeds:
        if Person.objects.filter(national_id=seed.national_id).exists():
            continue
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 16000))
        made.append(
            Person.objects.create(
                national_id=seed.national_id,
                title_th="นาง" if seed.female else "นาย",
                first_name_th=seed.first_name_th,
                last_name_th=seed.last_name_th,
                title_en="Mrs." if seed.female else "Mr.",
                first_name_en=seed.first_name_en,
                last_name_en=seed.last_name_en,
                birth_date=born,
                house=_house(rng),
                moved_in=born + timedelta(days=rng.randrange(6000, 9000)),
                is_house_owner=rng.random() < 0.4,
            )
        )
    return made


@transaction.atomic
def add_company(
    registration_number: str,
    name_th: str,
    name_en: str,
    directors: list[str],
    rng: random.Random,
) -> Company:
    """Register a limited company (kept if already registered)."""
    sub, district, province, postcode, _ = rng.choice(PLACES)
    company, _ = Company.objects.get_or_create(
        registration_number=registration_number,
        defaults={
            "name_th": name_th,
            "name_en": name_en,
            "kind": "บริษัทจำกัด",
            "registered_on": date(2015, 1, 1) + timedelta(days=rng.randrange(0, 3000)),
            "capital": Decimal(rng.choice([1_000_000, 2_000_000, 5_000_000])),
            "address_th": (
                f"{rng.randrange(1, 300)} ถนนสมมติ ตำบล{sub} อำเภอ{district} "
                f"จังหวัด{province} {postcode}"
            ),
            "directors": directors,
        },
    )
    return company


@transaction.atomic
def add_parcels(owner_ids: list[str], rng: random.Random) -> list[LandParcel]:
    """Give each owner one generated title deed."""
    made = []
    for owner in owner_ids:
        sub, district, province, _, _ = rng.choice(PLACES)
        while True:
            number = str(rng.randrange(10_000, 99_999))
            if not LandParcel.objects.filter(deed_number=number).exists():
                break
        made.append(
            LandParcel.objects.create(
                deed_number=number,
                province_th=province,
                district_th=district,
                subdistrict_th=sub,
                area_rai=rng.randrange(0, 5),
                area_ngan=rng.randrange(0, 4),
                area_square_wa=Decimal(rng.randrange(0, 1000)) / 10,
                owner_national_id=owner,
            )
        )
    return made
