"""Read-only lookups the exchange serves: one function per kind of record.

Each lookup takes the request's parameters (already checked against its schema) and
returns a JSON-ready dict, or raises :class:`RecordNotFound`. Every answer carries
``fictitious`` when the register holds generated demo data, so no one mistakes it
for a real person's record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from eservice.registries.models import Company, LandParcel, Person


class RecordNotFound(LookupError):
    """The register has no record for the given key."""


_ID13 = {"type": "string", "pattern": "^[0-9]{13}$"}


@dataclass(frozen=True)
class Lookup:
    """A kind of record a provider agency can serve, with its request and answer schemas."""

    name: str
    summary_th: str
    summary_en: str
    params: dict[str, Any]
    answer: dict[str, Any]
    run: Callable[[dict[str, Any]], dict[str, Any]]
    # The answer is about a natural person: reading it needs consent or a legal basis.
    personal: bool = True
    subject_param: str = "national_id"
    fields: list[str] = field(default_factory=list)


def _marked(data: dict[str, Any]) -> dict[str, Any]:
    if getattr(settings, "REGISTRIES_FICTITIOUS", True):
        data["fictitious"] = True
    return data


def _person(params: dict[str, Any]) -> dict[str, Any]:
    person = Person.objects.filter(national_id=params["national_id"]).first()
    if person is None:
        raise RecordNotFound(params["national_id"])
    return _marked(
        {
            "national_id": person.national_id,
            "title_th": person.title_th,
            "first_name_th": person.first_name_th,
            "last_name_th": person.last_name_th,
            "full_name_th": f"{person.title_th}{person.first_name_th} {person.last_name_th}",
            "title_en": person.title_en,
            "first_name_en": person.first_name_en,
            "last_name_en": person.last_name_en,
            "full_name_en": f"{person.title_en} {person.first_name_en} {person.last_name_en}",
            "birth_date": person.birth_date.isoformat(),
        }
    )


def _address(house: Any) -> str:
    parts = [f"บ้านเลขที่ {house.number}"]
    if house.moo:
        parts.append(f"หมู่ {house.moo}")
    if house.street_th:
        parts.append(f"ถนน{house.street_th}")
    parts += [
        f"ตำบล{house.subdistrict_th}",
        f"อำเภอ{house.district_th}",
        f"จังหวัด{house.province_th}",
        house.postcode,
    ]
    return " ".join(parts)


def _house_registration(params: dict[str, Any]) -> dict[str, Any]:
    person = (
        Person.objects.select_related("house").filter(national_id=params["national_id"]).first()
    )
    if person is None or person.house is None:
        raise RecordNotFound(params["national_id"])
    house = person.house
    return _marked(
        {
            "house_code": house.house_code,
            "house_number": house.number,
            "moo": house.moo,
            "street": house.street_th,
            "subdistrict": house.subdistrict_th,
            "district": house.district_th,
            "province": house.province_th,
            "postcode": house.postcode,
            "address": _address(house),
            "registrar": house.registrar_th,
            "moved_in": person.moved_in.isoformat() if person.moved_in else None,
            "is_house_owner": person.is_house_owner,
            "residents": house.residents.count(),
        }
    )


def _company(params: dict[str, Any]) -> dict[str, Any]:
    company = Company.objects.filter(registration_number=params["registration_number"]).first()
    if company is None:
        raise RecordNotFound(params["registration_number"])
    return _marked(
        {
            "registration_number": company.registration_number,
            "name_th": company.name_th,
            "name_en": company.name_en,
            "kind": company.kind,
            "registered_on": company.registered_on.isoformat(),
            "status": company.status,
            "capital": f"{company.capital:.2f}",
            "address": company.address_th,
            "directors": company.directors,
        }
    )


def _land_parcel(params: dict[str, Any]) -> dict[str, Any]:
    parcel = LandParcel.objects.filter(deed_number=params["deed_number"]).first()
    if parcel is None:
        raise RecordNotFound(params["deed_number"])
    return _marked(
        {
            "deed_number": parcel.deed_number,
            "province": parcel.province_th,
            "district": parcel.district_th,
            "subdistrict": parcel.subdistrict_th,
            "area": {
                "rai": parcel.area_rai,
                "ngan": parcel.area_ngan,
                "square_wa": float(parcel.area_square_wa),
            },
            "owner_national_id": parcel.owner_national_id,
        }
    )


def _object(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required}


_S = {"type": "string"}

LOOKUPS: dict[str, Lookup] = {
    lookup.name: lookup
    for lookup in [
        Lookup(
            name="population.person",
            summary_th="ข้อมูลบุคคลตามทะเบียนราษฎร จากเลขประจำตัวประชาชน",
            summary_en="A person in the population registry, by national ID",
            params=_object({"national_id": _ID13}, ["national_id"]),
            answer=_object(
                dict.fromkeys(
                    [
                        "national_id",
                        "full_name_th",
                        "full_name_en",
                        "first_name_th",
                        "last_name_th",
                        "first_name_en",
                        "last_name_en",
                        "birth_date",
                    ],
                    _S,
                ),
                ["national_id", "full_name_th"],
            ),
            run=_person,
        ),
        Lookup(
            name="population.house-registration",
            summary_th="ทะเบียนบ้านที่บุคคลมีชื่ออยู่ จากเลขประจำตัวประชาชน",
            summary_en="The house registration a person is listed in, by national ID",
            params=_object({"national_id": _ID13}, ["national_id"]),
            answer=_object(
                dict.fromkeys(
                    [
                        "house_code",
                        "house_number",
                        "moo",
                        "subdistrict",
                        "district",
                        "province",
                        "postcode",
                        "address",
                        "registrar",
                        "moved_in",
                    ],
                    _S,
                ),
                ["house_code", "address"],
            ),
            run=_house_registration,
        ),
        Lookup(
            name="companies.company",
            summary_th="ข้อมูลนิติบุคคลจากเลขทะเบียนนิติบุคคล",
            summary_en="A juristic person in the company registry, by registration number",
            params=_object({"registration_number": _ID13}, ["registration_number"]),
            answer=_object(
                dict.fromkeys(
                    [
                        "registration_number",
                        "name_th",
                        "name_en",
                        "kind",
                        "registered_on",
                        "status",
                        "capital",
                        "address",
                    ],
                    _S,
                ),
                ["registration_number", "name_th"],
            ),
            run=_company,
            personal=False,
            subject_param="registration_number",
        ),
        Lookup(
            name="land.parcel",
            summary_th="ข้อมูลโฉนดที่ดินจากเลขที่โฉนด",
            summary_en="A title deed in the land register, by deed number",
            params=_object(
                {"deed_number": {"type": "string", "pattern": "^[0-9]{1,16}$"}}, ["deed_number"]
            ),
            answer=_object(
                dict.fromkeys(["deed_number", "province", "district", "subdistrict"], _S),
                ["deed_number"],
            ),
            run=_land_parcel,
            subject_param="deed_number",
        ),
    ]
}


def lookup(name: str) -> Lookup | None:
    """Return the lookup of that name, or None."""
    return LOOKUPS.get(name)
