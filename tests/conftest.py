"""Shared fixtures: isolated files and cache, an imported catalog, and personas.

Personas follow the people who use the platform: an applicant and another
applicant, officers of agency A (a municipality) in each role, officers of
agency B (a district office), a company's representative and an outsider.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from django.core.cache import cache

from tests import factories
from tests.factories import (
    AGENCY_A,
    AGENCY_B,
    FOOD_SHOP,
    HOUSE_COPY,
    MONDAY_MORNING,
    RENEWAL,
    REQUESTED_DOCUMENT,
    advance_to_last_step,
    bangkok,
    case_in,
    pdf_upload,
    submitted_application,
    thai_id,
)

_DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _isolated_files_and_cache(request: pytest.FixtureRequest, settings: Any, tmp_path: Any) -> None:
    """Store uploads under the test's own directory and start with an empty cache."""
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    storages = {**settings.STORAGES}
    storages["default"] = {
        **storages["default"],
        "OPTIONS": {**storages["default"].get("OPTIONS", {}), "location": str(media)},
    }
    settings.STORAGES = storages
    if "RedisCache" not in settings.CACHES["default"]["BACKEND"]:
        # The embedded cache (files), in the test's own directory.
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    # Personas have passwords; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    uses_db = request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(
        request.fixturenames
    )
    if uses_db:
        # The default cache is a database table: only touch it when the test may use the DB.
        if "transactional_db" in request.fixturenames:
            request.getfixturevalue("transactional_db")
        else:
            request.getfixturevalue("db")
        cache.clear()


@pytest.fixture
def media_root(settings: Any) -> Any:
    from pathlib import Path

    return Path(settings.MEDIA_ROOT)


@dataclass
class Catalog:
    agency_a: Any
    agency_b: Any
    food_shop: Any
    house_copy: Any


@pytest.fixture
def catalog(db: None) -> Catalog:
    """Import the standard service file (agencies A and B and their services)."""
    from eservice.catalog.importer import import_data
    from eservice.catalog.models import Agency, Service

    import_data(factories.service_file(), "catalog.yaml", actor="tests")
    return Catalog(
        agency_a=Agency.objects.get(code=AGENCY_A),
        agency_b=Agency.objects.get(code=AGENCY_B),
        food_shop=Service.objects.select_related("current_version").get(code=FOOD_SHOP),
        house_copy=Service.objects.select_related("current_version").get(code=HOUSE_COPY),
    )


# --- personas ----------------------------------------------------------------------


def _user(username: str, national_id: str | None = None, **extra: Any) -> Any:
    from eservice.accounts.models import User

    user = User.objects.create_user(username=username, password="correct horse battery", **extra)
    if national_id:
        user.national_id = national_id
        user.full_clean(exclude=["password"])
        user.save(update_fields=["national_id"])
    return user


def _officer(username: str, agency: Any, role: str) -> Any:
    from eservice.accounts.models import OfficerRole

    user = _user(username, full_name_th=f"เจ้าหน้าที่ {username}", full_name_en=f"Officer {username}")
    OfficerRole.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def applicant(db: None) -> Any:
    return _user(
        "somchai",
        thai_id("110170020703"),
        full_name_th="สมชาย ใจดี",
        full_name_en="Somchai Jaidee",
        email="somchai@example.com",
    )


@pytest.fixture
def other_applicant(db: None) -> Any:
    return _user(
        "malee", thai_id("310010012345"), full_name_th="มาลี มีสุข", full_name_en="Malee Meesuk"
    )


@pytest.fixture
def outsider(db: None) -> Any:
    return _user("outsider", thai_id("150990004567"), full_name_th="คนนอก ไม่เกี่ยว")


@pytest.fixture
def clerk_a(catalog: Catalog) -> Any:
    return _officer("clerk_a", catalog.agency_a, "clerk")


@pytest.fixture
def reviewer_a(catalog: Catalog) -> Any:
    return _officer("reviewer_a", catalog.agency_a, "reviewer")


@pytest.fixture
def approver_a(catalog: Catalog) -> Any:
    return _officer("approver_a", catalog.agency_a, "approver")


@pytest.fixture
def admin_a(catalog: Catalog) -> Any:
    return _officer("admin_a", catalog.agency_a, "admin")


@pytest.fixture
def clerk_b(catalog: Catalog) -> Any:
    return _officer("clerk_b", catalog.agency_b, "clerk")


@pytest.fixture
def approver_b(catalog: Catalog) -> Any:
    return _officer("approver_b", catalog.agency_b, "approver")


COMPANY_REGISTRATION_NUMBER = "0105536112014"


@pytest.fixture
def company(db: None) -> Any:
    from eservice.accounts.models import JuristicPerson

    person = JuristicPerson(
        registration_number=COMPANY_REGISTRATION_NUMBER,
        name_th="บริษัท ข้าวซอยล้านนา จำกัด",
        name_en="Khao Soi Lanna Co., Ltd.",
    )
    person.full_clean()  # the registration number passes stdnum.th.moa
    person.save()
    return person


@pytest.fixture
def company_rep(company: Any) -> Any:
    from eservice.accounts.models import Representation

    user = _user("director", thai_id("110350012398"), full_name_th="ประเสริฐ ล้านนา")
    Representation.objects.create(user=user, juristic_person=company, capacity="director")
    return user


# --- time --------------------------------------------------------------------------


@pytest.fixture
def clock(time_machine: Any) -> Any:
    """Return ``set(datetime)`` that freezes time at the given instant."""

    class Clock:
        def set(self, moment: datetime) -> datetime:
            time_machine.move_to(moment, tick=False)
            return moment

    return Clock()


@pytest.fixture
def monday(clock: Any) -> datetime:
    """Freeze time on an ordinary working Monday (9 March 2026, 09:00 in Bangkok)."""
    return clock.set(MONDAY_MORNING)


@pytest.fixture
def make_case(
    monday: datetime,
    catalog: Catalog,
    applicant: Any,
    clerk_a: Any,
    reviewer_a: Any,
    approver_a: Any,
) -> Any:
    """Return ``make_case(status)``: a food-shop case of the applicant in that status."""

    def make(status: str) -> Any:
        return case_in(
            status,
            applicant=applicant,
            service=catalog.food_shop,
            clerk=clerk_a,
            reviewer=reviewer_a,
            approver=approver_a,
        )

    return make


@pytest.fixture
def case_at(make_case: Any, applicant: Any, clerk_a: Any, reviewer_a: Any) -> Any:
    """Return ``case_at(state)``: ``make_case`` plus two states of its own.

    last_step: in review at the last step, ready for the approver's decision;
    returned_ready: returned, with the requested document uploaded again.
    """
    from eservice.cases import actions

    def build(state: str) -> Any:
        if state == "last_step":
            return advance_to_last_step(make_case("in_review"), clerk=clerk_a, reviewer=reviewer_a)
        if state == "returned_ready":
            app = make_case("returned")
            actions.upload_document(app, applicant, REQUESTED_DOCUMENT, pdf_upload("again.pdf"))
            return app
        return make_case(state)

    return build


# --- an agency queue with cases in every situation ------------------------------------


@pytest.fixture
def renewal(catalog: Catalog) -> Any:
    """A second service of agency A, with a time limit of 3 working days."""
    from eservice.catalog.importer import import_data
    from eservice.catalog.models import Service

    svc = factories.food_shop_service(
        code=RENEWAL,
        name=factories.bi("การต่ออายุใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร", "Food shop licence renewal"),
        time_limit={"value": 3, "unit": "days"},
    )
    import_data({"services": [svc]}, "renewal.yaml")
    return Service.objects.select_related("current_version").get(code=RENEWAL)


@pytest.fixture
def queue_cases(
    catalog: Catalog,
    renewal: Any,
    applicant: Any,
    other_applicant: Any,
    clerk_a: Any,
    reviewer_a: Any,
    approver_a: Any,
    clock: Any,
) -> dict[str, Any]:
    """Agency A's cases, submitted on different days so their deadlines differ.

    Also a draft, a withdrawn case and a case of agency B, none of which is in
    agency A's queue. Time ends on Tuesday 10 March 2026, the renewal a day late.
    """
    from eservice.cases import actions

    made: dict[str, Any] = {}
    clock.set(bangkok(2026, 3, 2, 9, 0))  # Monday: due Thu 12 March
    made["oldest"] = submitted_application(applicant, catalog.food_shop)
    clock.set(bangkok(2026, 3, 3, 9, 0))  # paused below
    made["returned"] = actions.request_documents(
        submitted_application(other_applicant, catalog.food_shop),
        clerk_a,
        [{"code": REQUESTED_DOCUMENT}],
    )
    clock.set(bangkok(2026, 3, 4, 9, 0))  # 3 days: due Mon 9 March, taken by clerk_a
    made["renewal"] = actions.start_check(submitted_application(applicant, renewal), clerk_a)
    clock.set(bangkok(2026, 3, 5, 9, 0))  # due Tue 17 March, taken by reviewer_a
    made["in_review"] = actions.accept_documents(
        submitted_application(other_applicant, catalog.food_shop), reviewer_a
    )
    made["approved"] = case_in(
        "approved",
        applicant=applicant,
        service=catalog.food_shop,
        clerk=clerk_a,
        reviewer=reviewer_a,
        approver=approver_a,
    )
    made["withdrawn"] = actions.withdraw(
        submitted_application(other_applicant, catalog.food_shop), other_applicant
    )
    made["draft"] = factories.draft_application(other_applicant, renewal)
    made["agency_b"] = submitted_application(applicant, catalog.house_copy)
    clock.set(bangkok(2026, 3, 10, 10, 0))  # Tuesday: the renewal is overdue
    return made
