"""The exchange's pages and endpoints on one platform: admin, registry file, /r1/ refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from eservice.exchange import registry
from eservice.exchange.models import AccessRight, DataService, MessageRecord


@pytest.fixture
def offered(catalog: Any) -> DataService:
    """Agency A serves person records (as a registry would)."""
    return registry.publish(catalog.agency_a, "person", "population.person", "บุคคล", "Person")


def _client(user: Any | None = None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def _page(catalog: Any) -> str:
    return f"/office/agencies/{catalog.agency_a.code}/exchange/"


def test_an_agency_admin_grants_and_revokes_access_to_its_data_service(
    catalog: Any, offered: DataService, admin_a: Any
) -> None:
    client_member = registry.local_member(catalog.agency_b)
    page = _client(admin_a).get(_page(catalog))
    assert page.status_code == 200
    assert offered.identifier in page.text
    assert "deny by default" in page.text

    _client(admin_a).post(
        _page(catalog),
        {
            "service": offered.identifier,
            "client": client_member.identifier,
            "legal_basis_en": "Civil Registration Act s.14",
            "do": "grant",
        },
    )
    right = registry.right_of(offered, client_member.identifier)
    assert right is not None and right.legal_basis_en == "Civil Registration Act s.14"
    assert right.granted_by == admin_a.username

    _client(admin_a).post(
        _page(catalog),
        {"service": offered.identifier, "client": client_member.identifier, "do": "revoke"},
    )
    assert registry.right_of(offered, client_member.identifier) is None
    assert AccessRight.objects.filter(service=offered).count() == 1  # kept, marked revoked


@pytest.mark.parametrize("persona", ["clerk_a", "approver_a", "admin_b_like"])
def test_only_the_agencys_admin_sees_its_exchange_page(
    catalog: Any, offered: DataService, persona: str, request: pytest.FixtureRequest, clerk_b: Any
) -> None:
    user = clerk_b if persona == "admin_b_like" else request.getfixturevalue(persona)
    assert _client(user).get(_page(catalog)).status_code == 404
    response = _client(user).post(
        _page(catalog),
        {
            "service": offered.identifier,
            "client": registry.local_member(catalog.agency_b).identifier,
            "do": "grant",
        },
    )
    assert response.status_code == 404
    assert not AccessRight.objects.exists()


def test_a_grant_to_an_unknown_member_is_refused_clearly(
    catalog: Any, offered: DataService, admin_a: Any
) -> None:
    response = _client(admin_a).post(
        _page(catalog), {"service": offered.identifier, "client": "TH-DEMO/GOV/nobody"}
    )
    assert response.status_code in (302, 400)
    assert not AccessRight.objects.exists()


def test_the_service_describes_itself_in_openapi(offered: DataService) -> None:
    response = _client().get(f"/r1/{offered.identifier}")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    operation = spec["paths"][f"/r1/{offered.identifier}"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["national_id"]
    missing = _client().get("/r1/TH-DEMO/GOV/nobody/registry/x")
    assert missing.status_code == 404
    assert missing["X-Road-Error"] == "Server.ServerProxy.UnknownService"


def test_the_registry_file_lists_members_with_certificates_and_services(
    offered: DataService,
) -> None:
    data = _client().get("/exchange/registry.json").json()
    [member] = data["members"]
    assert member["identifier"] == offered.provider.identifier
    assert member["certificates"][0].startswith("-----BEGIN CERTIFICATE-----")
    assert [s["identifier"] for s in member["services"]] == [offered.identifier]
    assert data["ca"].startswith("-----BEGIN CERTIFICATE-----")


def test_an_unsigned_request_is_refused_logged_and_never_a_500(offered: DataService) -> None:
    response = _client().post(
        f"/r1/{offered.identifier}",
        data=b'{"national_id": "1103700012346"}',
        content_type="application/json",
        HTTP_X_ROAD_CLIENT="TH-DEMO/GOV/somebody/eservice",
        HTTP_X_ROAD_ID="not-a-signed-request",
    )
    assert response.status_code == 403
    assert response.json()["type"] == "Server.ServerProxy.UnknownMember"
    record = MessageRecord.objects.get()
    assert (record.side, record.kind, record.error) == (
        "server",
        "refused",
        "Server.ServerProxy.UnknownMember",
    )
    assert "1103700012346" not in str(record.__dict__)


def test_a_known_member_without_a_signature_is_refused(catalog: Any, offered: DataService) -> None:
    member = registry.local_member(catalog.agency_b)
    response = _client().post(
        f"/r1/{offered.identifier}",
        data=b"{}",
        content_type="application/json",
        HTTP_X_ROAD_CLIENT=f"{member.identifier}/eservice",
        HTTP_X_ROAD_ID="x",
    )
    assert response.status_code == 403
    assert response["X-Road-Error"] == "Server.ServerProxy.InvalidSignature"


def test_a_person_sees_only_their_own_reads(applicant: Any) -> None:
    assert _client().get("/account/data-reads/").status_code == 302
    page = _client(applicant).get("/account/data-reads/")
    assert page.status_code == 200
    assert "No agency has read your data" in page.text
