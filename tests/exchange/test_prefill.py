"""Applying with data fetched from another platform instead of uploading copies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from eservice.cases import actions
from eservice.cases.models import Application
from eservice.catalog.importer import import_data
from eservice.catalog.models import Service
from eservice.exchange import registry
from eservice.exchange.models import DataRead
from tests.exchange.conftest import PERSON_ID, SERVICE_PERSON, BlackHole, Provider
from tests.factories import food_shop_service, pdf_upload

CODE = "food-shop-prefill"


@pytest.fixture
def service(catalog: Any) -> Service:
    """Agency A's food-shop licence, fetching the owner's identity record instead of a copy."""
    manual = food_shop_service(code=CODE)
    manual["prefill"] = [
        {
            "service": SERVICE_PERSON,
            "name": {"th": "ข้อมูลตามบัตรประจำตัวประชาชน", "en": "identity card record"},
            "subject": "applicant",
            "fields": {"owner_national_id": "national_id"},
            "replaces": ["id-card"],
        }
    ]
    import_data({"services": [manual]}, "prefill.yaml", actor="tests")
    return Service.objects.get(code=CODE)


@pytest.fixture
def draft(service: Service, applicant: Any) -> Application:
    return actions.start_application(applicant, service)


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _form(app: Application) -> str:
    return reverse("cases:form", args=[app.public_id])


def _post(client: Client, app: Application, **data: Any) -> Any:
    return client.post(_form(app), {"shop_name": "ร้านทดสอบ", **data}, follow=True)


def test_the_form_offers_the_source_and_without_consent_nothing_is_read(
    linked: Provider, draft: Application, applicant: Any
) -> None:
    client = _client(applicant)
    page = client.get(_form(draft))
    assert "Data we can fetch for you" in page.text
    assert "Department of Provincial Administration" in page.text
    before = len(linked.log())

    response = _post(client, draft, fetch=SERVICE_PERSON)

    assert "Tick the box" in response.text or "consent" in response.text
    assert len(linked.log()) == before
    draft.refresh_from_db()
    assert draft.answers["shop_name"] == "ร้านทดสอบ"  # what was typed is kept
    assert draft.prefill == {}


def test_with_consent_the_form_is_filled_marked_and_the_copy_is_not_asked_for(
    linked: Provider, draft: Application, applicant: Any, approver_a: Any, media_root: Any
) -> None:
    client = _client(applicant)

    response = _post(client, draft, fetch=SERVICE_PERSON, consent=SERVICE_PERSON)

    assert "The data was fetched and filled in for you." in response.text
    assert f'value="{PERSON_ID}"' in response.text
    assert "from Department of Provincial Administration" in response.text
    draft.refresh_from_db()
    assert draft.answers["owner_national_id"] == PERSON_ID
    source = draft.prefill[SERVICE_PERSON]
    assert source["replaces"] == ["id-card"]
    # The provider logged the same request.
    server = [r for r in linked.log() if r["request_id"] == source["request_id"]]
    assert [r["kind"] for r in server] == ["request", "response"]
    assert server[0]["purpose"].startswith("consent:")

    # The applicant cannot change what the agency gave.
    _post(client, draft, owner_national_id="3100501234568")
    draft.refresh_from_db()
    assert draft.answers["owner_national_id"] == PERSON_ID

    # The documents page asks for no copy of the ID card.
    documents = client.get(reverse("cases:documents", args=[draft.public_id]))
    assert "You do not need to upload a copy." in documents.text
    complete = actions.save_answers(
        draft,
        applicant,
        {
            **draft.answers,
            "area_sqm": 240.5,
            "shop_size": "large",
            "opening_date": "2026-12-01",
        },
    )
    actions.upload_document(complete, applicant, "house-registration", pdf_upload())
    assert "document:id-card" not in actions.submission_problems(complete)

    # The person sees who read their data, for which application.
    reads = client.get(reverse("exchange:my-data"))
    assert "Department of Provincial Administration" in reads.text
    assert "Application for" in reads.text
    read = DataRead.objects.get(person=applicant)
    assert (read.outcome, read.ground, read.reader_id) == ("ok", "consent", draft.agency_id)
    assert "national_id" in read.fields


def test_the_officer_sees_where_each_datum_came_from(
    linked: Provider, draft: Application, applicant: Any, clerk_a: Any, media_root: Any
) -> None:
    client = _client(applicant)
    _post(client, draft, fetch=SERVICE_PERSON, consent=SERVICE_PERSON)
    draft.refresh_from_db()
    app = actions.save_answers(
        draft,
        applicant,
        {**draft.answers, "area_sqm": 240.5, "shop_size": "large", "opening_date": "2026-12-01"},
    )
    actions.upload_document(app, applicant, "house-registration", pdf_upload())
    app = actions.submit(app, applicant)

    page = _client(clerk_a).get(reverse("cases:case", args=[app.tracking_number]))

    assert page.status_code == 200
    assert "from Department of Provincial Administration" in page.text
    assert "fetched from Department of Provincial Administration" in page.text
    assert app.prefill[SERVICE_PERSON]["request_id"][:8] in page.text


@override_settings(EXCHANGE_TIMEOUT=0.5)
def test_a_slow_provider_leaves_the_applicant_able_to_upload_instead(
    linked: Provider, draft: Application, applicant: Any, black_hole: BlackHole
) -> None:
    provider = registry.service(SERVICE_PERSON).provider
    provider.base_url = f"http://127.0.0.1:{black_hole.port}"
    provider.save()
    client = _client(applicant)

    response = _post(client, draft, fetch=SERVICE_PERSON, consent=SERVICE_PERSON)

    assert "did not answer in time" in response.text
    assert "upload a copy of the document instead" in response.text
    draft.refresh_from_db()
    assert draft.answers["shop_name"] == "ร้านทดสอบ"
    assert draft.prefill == {}
    assert "document:id-card" in actions.submission_problems(draft)
    assert DataRead.objects.get(person=applicant).outcome == "failed"


def test_no_one_else_can_fetch_for_an_application(
    linked: Provider, draft: Application, other_applicant: Any
) -> None:
    before = len(linked.log())
    response = _client(other_applicant).post(
        _form(draft), {"fetch": SERVICE_PERSON, "consent": SERVICE_PERSON}
    )
    assert response.status_code == 404
    assert len(linked.log()) == before


def test_a_manual_naming_an_unknown_field_or_document_is_refused(catalog: Any) -> None:
    from eservice.catalog.importer import ImportFailed

    manual = food_shop_service(code="bad-prefill")
    manual["prefill"] = [
        {
            "service": SERVICE_PERSON,
            "name": {"th": "ข้อมูล", "en": "record"},
            "subject": "applicant",
            "fields": {"no_such_field": "national_id"},
            "replaces": ["no-such-document"],
        }
    ]
    with pytest.raises(ImportFailed) as refused:
        import_data({"services": [manual]}, "bad.yaml", actor="tests")
    text = "\n".join(refused.value.errors)
    assert "prefill[0].fields.no_such_field: no such property" in text
    assert "prefill[0].replaces: unknown document 'no-such-document'" in text


def test_the_api_fetches_into_a_draft_and_shows_the_source_to_applicant_and_officer(
    linked: Provider, draft: Application, applicant: Any, clerk_a: Any, media_root: Any
) -> None:
    from rest_framework.test import APIClient

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(applicant)
    url = f"/api/v1/applications/{draft.public_id}/prefill/"

    refused = api.post(url, {"service": SERVICE_PERSON}, format="json")
    assert refused.status_code == 400
    assert "consent" in refused.json()["errors"]

    done = api.post(url, {"service": SERVICE_PERSON, "consent": True}, format="json")
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["answers"]["owner_national_id"] == PERSON_ID
    [source] = body["data_sources"]
    assert source["service"] == SERVICE_PERSON
    assert source["provider_en"] == "Department of Provincial Administration"
    assert source["filled"] == {"owner_national_id": PERSON_ID}
    assert source["replaces"] == ["id-card"]

    unknown = api.post(url, {"service": "TH-DEMO/GOV/x/registry/y", "consent": True}, format="json")
    assert unknown.status_code == 404


def _submitted(draft: Application, applicant: Any) -> Application:
    app = actions.save_answers(
        draft,
        applicant,
        {
            **draft.answers,
            "shop_name": "ร้านทดสอบ",
            "owner_national_id": PERSON_ID,
            "area_sqm": 240.5,
            "shop_size": "large",
            "opening_date": "2026-12-01",
        },
    )
    actions.upload_document(app, applicant, "id-card", pdf_upload())
    actions.upload_document(app, applicant, "house-registration", pdf_upload())
    return actions.submit(app, applicant)


def test_an_officer_checks_the_answers_against_the_registry_under_the_legal_basis(
    linked: Provider, draft: Application, applicant: Any, clerk_a: Any, media_root: Any
) -> None:
    app = _submitted(draft, applicant)
    case_url = reverse("cases:case", args=[app.tracking_number])
    officer = _client(clerk_a)
    page = officer.get(case_url)
    assert "Data from other agencies" in page.text
    act = reverse("cases:act", args=[app.tracking_number, "read_data"])

    # Without the applicant's consent and without a legal basis the provider refuses.
    refused = officer.post(act, {"source": SERVICE_PERSON}, follow=True)
    assert "refused the request" in refused.text
    app.refresh_from_db()
    assert app.officer_reads == {}

    client_id = registry.local_member(app.agency).identifier
    linked.run("exchange", "grant", SERVICE_PERSON, client_id, "--legal-basis-en", "Food Act s.14")
    done = officer.post(act, {"source": SERVICE_PERSON}, follow=True)

    assert "The data was read from the other agency." in done.text
    assert "matches" in done.text
    app.refresh_from_db()
    got = app.officer_reads[SERVICE_PERSON]
    assert got["by"] == clerk_a.username and got["values"] == {"owner_national_id": PERSON_ID}
    assert app.answers["owner_national_id"] == PERSON_ID  # answers unchanged
    server = [r for r in linked.log() if r["request_id"] == got["request_id"]]
    assert server[0]["user_id"] == f"officer:{clerk_a.username}"
    assert server[0]["purpose"] == "law"
    # The applicant sees the read, on the legal basis, and officers see it in the timeline.
    reads = list(DataRead.objects.filter(person=applicant).order_by("at", "id"))
    assert [(r.outcome, r.ground) for r in reads] == [("failed", "law"), ("ok", "law")]
    assert app.timeline.filter(action="data_read", internal=True).count() == 1


def test_an_officer_of_another_agency_cannot_read_for_the_case(
    linked: Provider, draft: Application, applicant: Any, clerk_b: Any, media_root: Any
) -> None:
    app = _submitted(draft, applicant)
    before = len(linked.log())
    response = _client(clerk_b).post(
        reverse("cases:act", args=[app.tracking_number, "read_data"]),
        {"source": SERVICE_PERSON},
    )
    assert response.status_code == 404
    assert len(linked.log()) == before
