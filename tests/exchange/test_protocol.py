"""Two real platform instances exchange data: signatures, replay, rights, logs, failures."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from django.db import connection
from django.test import override_settings

from eservice.exchange import client, protocol, registry
from eservice.exchange import log as message_log
from eservice.exchange.gateways import Call, XRoadGateway
from eservice.exchange.models import MessageRecord
from tests.exchange.conftest import (
    COMPANY_ID,
    PERSON_ID,
    SERVICE_COMPANY,
    SERVICE_HOUSE,
    SERVICE_PERSON,
    BlackHole,
    Provider,
)

CONSENT = "consent:0b7e4c43-6f2c-4b8e-9d6f-6a5c8f6c2a10"


def _fetch(agency: Any, service_id: str, params: dict[str, str], purpose: str = CONSENT) -> Any:
    return client.fetch(
        registry.service(service_id),
        params,
        agency=agency,
        user_id="officer:clerk-a",
        issue="7b2f9a64-1d7e-4a55-9b1e-3f0c2e4d5a61",
        purpose=purpose,
    )


def _prepared(agency: Any, service_id: str, params: dict[str, str]) -> tuple[Call, Any]:
    service = registry.service(service_id)
    member = registry.local_member(agency)
    call = Call(
        service=service,
        params=params,
        client_id=protocol.client_identifier(member.identifier),
        user_id="officer:clerk-a",
        issue="case-1",
        purpose=CONSENT,
        key=registry.key_for(agency),
    )
    gateway = XRoadGateway(service.provider.base_url, service.provider.certificates)
    return call, gateway.prepare(call)


def _server_records(provider: Provider, request_id: str) -> list[dict[str, Any]]:
    return [r for r in provider.log() if r["request_id"] == request_id]


def test_a_granted_call_returns_the_record_and_both_logs_agree_on_the_request_hash(
    linked: Provider, agency_a: Any
) -> None:
    answer = _fetch(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})

    assert answer.data["full_name_th"] == "นายสมชาย ใจดี"
    assert answer.data["fictitious"] is True
    mine = list(MessageRecord.objects.filter(request_id=answer.request_id).order_by("seq"))
    theirs = _server_records(linked, answer.request_id)
    assert [(r.side, r.kind) for r in mine] == [("client", "request"), ("client", "response")]
    assert [(r["side"], r["kind"]) for r in theirs] == [
        ("server", "request"),
        ("server", "response"),
    ]
    hashes = {r.request_hash for r in mine} | {r["request_hash"] for r in theirs}
    assert len(hashes) == 1 and len(hashes.pop()) == 64
    # The provider's answer as logged on both sides is the same message.
    assert mine[1].response_hash == theirs[1]["response_hash"]
    # No personal data in either log.
    assert PERSON_ID not in str([r.__dict__ for r in mine]) + str(theirs)
    assert message_log.verify().ok


def test_a_non_personal_service_answers_too(linked: Provider, agency_a: Any) -> None:
    answer = _fetch(agency_a, SERVICE_COMPANY, {"registration_number": COMPANY_ID}, "law")
    assert answer.data["name_th"] == "บริษัท ตัวอย่าง จำกัด"


def test_without_an_access_right_the_provider_refuses_and_logs_the_refusal(
    linked: Provider, agency_a: Any
) -> None:
    with pytest.raises(client.ExchangeFailed) as refused:
        _fetch(agency_a, SERVICE_HOUSE, {"national_id": PERSON_ID})

    assert refused.value.reason == "refused"
    assert refused.value.detail == "Server.ServerProxy.AccessDenied"
    last = MessageRecord.objects.order_by("-seq").first()
    assert last is not None and (last.kind, last.status) == ("response", 403)
    theirs = linked.log()[-1]
    assert (theirs["kind"], theirs["error"]) == ("refused", "Server.ServerProxy.AccessDenied")
    assert theirs["request_hash"] == last.request_hash


def test_a_persons_data_without_consent_or_legal_basis_is_refused(
    linked: Provider, agency_a: Any
) -> None:
    with pytest.raises(client.ExchangeFailed) as refused:
        _fetch(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID}, purpose="law")
    assert refused.value.detail == "Server.ServerProxy.ConsentRequired"


def test_a_legal_basis_on_the_grant_allows_reading_without_consent(
    linked: Provider, agency_a: Any
) -> None:
    client_id = registry.local_member(agency_a).identifier
    linked.run(
        "exchange",
        "grant",
        SERVICE_PERSON,
        client_id,
        "--legal-basis-en",
        "Civil Registration Act s.14",
    )
    answer = _fetch(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID}, purpose="law")
    assert answer.data["national_id"] == PERSON_ID


def test_an_unknown_person_is_a_missing_record_not_a_failure(
    linked: Provider, agency_a: Any
) -> None:
    with pytest.raises(client.RecordMissing):
        _fetch(agency_a, SERVICE_PERSON, {"national_id": "1111111111119"})


def test_a_request_altered_after_signing_is_refused(linked: Provider, agency_a: Any) -> None:
    call, prepared = _prepared(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})
    altered = prepared.body.replace(PERSON_ID.encode(), b"3100501234568")

    response = httpx.post(
        str(prepared.request.url), headers=dict(prepared.request.headers), content=altered
    )

    assert response.status_code == 403
    assert response.headers[protocol.ERROR] == "Server.ServerProxy.InvalidSignature"
    assert response.json()["type"] == "Server.ServerProxy.InvalidSignature"
    records = _server_records(linked, call.request_id)
    assert [(r["kind"], r["error"]) for r in records] == [
        ("refused", "Server.ServerProxy.InvalidSignature")
    ]


def test_a_changed_header_is_refused(linked: Provider, agency_a: Any) -> None:
    _call, prepared = _prepared(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})
    headers = dict(prepared.request.headers)
    headers[protocol.USER] = "officer:someone-else"

    response = httpx.post(str(prepared.request.url), headers=headers, content=prepared.body)

    assert response.status_code == 403
    assert response.headers[protocol.ERROR] == "Server.ServerProxy.InvalidSignature"


def test_a_replayed_request_is_refused_and_logged(linked: Provider, agency_a: Any) -> None:
    call, prepared = _prepared(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})
    send = lambda: httpx.post(  # noqa: E731
        str(prepared.request.url), headers=dict(prepared.request.headers), content=prepared.body
    )

    first, second = send(), send()

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.headers[protocol.ERROR] == "Server.ServerProxy.Replay"
    kinds = [(r["kind"], r["error"]) for r in _server_records(linked, call.request_id)]
    assert kinds == [("request", ""), ("response", ""), ("refused", "Server.ServerProxy.Replay")]


def test_a_stale_request_is_refused(linked: Provider, agency_a: Any, clock: Any) -> None:
    clock.set(datetime(2020, 1, 1, 10, tzinfo=UTC))  # signed long before the provider's now
    _call, prepared = _prepared(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})
    response = httpx.post(
        str(prepared.request.url), headers=dict(prepared.request.headers), content=prepared.body
    )
    assert response.status_code == 403
    assert "age" in response.json()["message"] or "valid" in response.json()["message"]


def test_an_answer_that_does_not_match_our_request_is_not_used(
    linked: Provider, agency_a: Any
) -> None:
    # The provider's genuine answer to one request, presented as the answer to another.
    _call, first = _prepared(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})
    genuine = httpx.post(
        str(first.request.url), headers=dict(first.request.headers), content=first.body
    )
    call, second = _prepared(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})
    provider_certs = registry.service(SERVICE_PERSON).provider.certificates
    forged = httpx.Response(
        genuine.status_code,
        headers=genuine.headers,
        content=genuine.content,
        request=second.request,
    )
    protocol.verify_response(forged, forged.content, provider_certs)  # the signature is genuine
    assert forged.headers[protocol.REQUEST_HASH] != second.request_hash
    assert forged.headers[protocol.ID] != call.request_id


def test_a_provider_that_is_down_gives_a_clear_failure_and_a_log_record(
    linked: Provider, agency_a: Any
) -> None:
    from tests.exchange.conftest import free_port

    service = registry.service(SERVICE_PERSON)
    service.provider.base_url = f"http://127.0.0.1:{free_port()}"
    service.provider.save()

    with pytest.raises(client.ExchangeFailed) as failed:
        _fetch(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})

    assert failed.value.reason == "down"
    kinds = list(MessageRecord.objects.order_by("seq").values_list("kind", "error"))
    assert kinds[-2:] == [("request", ""), ("failed", "Client.Down")]


@override_settings(EXCHANGE_TIMEOUT=0.5)
def test_a_provider_that_is_too_slow_times_out(
    linked: Provider, agency_a: Any, black_hole: BlackHole
) -> None:
    service = registry.service(SERVICE_PERSON)
    service.provider.base_url = f"http://127.0.0.1:{black_hole.port}"
    service.provider.save()

    with pytest.raises(client.ExchangeFailed) as failed:
        _fetch(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})

    assert failed.value.reason == "timeout"
    assert "did not answer in time" in str(failed.value.message) or "ไม่ตอบ" in str(
        failed.value.message
    )
    last = MessageRecord.objects.order_by("-seq").first()
    assert last is not None and (last.kind, last.error) == ("failed", "Client.Timeout")


def _break_log_writes() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER no_log BEFORE INSERT ON exchange_messagerecord "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION no_log() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER no_log BEFORE INSERT ON exchange_messagerecord "
                "FOR EACH ROW EXECUTE FUNCTION no_log()"
            )


def test_when_the_consumers_log_cannot_be_written_nothing_is_sent(
    linked: Provider, agency_a: Any
) -> None:
    before = len(linked.log())
    _break_log_writes()

    with pytest.raises(client.ExchangeFailed) as failed:
        _fetch(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})

    assert failed.value.reason == "log"
    assert len(linked.log()) == before  # the provider never heard of it


def test_when_the_providers_log_cannot_be_written_it_refuses(
    linked: Provider, agency_a: Any
) -> None:
    linked.sql(
        "CREATE TRIGGER no_log BEFORE INSERT ON exchange_messagerecord "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    try:
        with pytest.raises(client.ExchangeFailed) as failed:
            _fetch(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})
    finally:
        linked.sql("DROP TRIGGER no_log")

    assert failed.value.detail == "Server.ServerProxy.LogUnavailable"


def test_the_verify_command_detects_an_edited_log_record(linked: Provider, agency_a: Any) -> None:
    answer = _fetch(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})
    assert "intact" in linked.run("exchange", "verify-log").stdout
    original = linked.sql(
        "SELECT user_id FROM exchange_messagerecord WHERE request_id = ? AND kind = 'request'",
        (answer.request_id,),
    )[0][0]
    linked.sql(
        "UPDATE exchange_messagerecord SET user_id = 'officer:nobody' WHERE request_id = ?",
        (answer.request_id,),
    )
    try:
        result = linked.run("exchange", "verify-log", check=False)
    finally:
        linked.sql(
            "UPDATE exchange_messagerecord SET user_id = ? WHERE request_id = ?",
            (original, answer.request_id),
        )
    assert result.returncode == 1
    assert "BROKEN" in result.stderr
    assert "changed after it was written" in result.stderr


def test_the_local_verify_detects_an_edit_and_a_removal(linked: Provider, agency_a: Any) -> None:
    _fetch(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})
    assert message_log.verify().ok
    first = MessageRecord.objects.order_by("seq").first()
    assert first is not None
    MessageRecord.objects.filter(pk=first.pk).update(status=201)
    verdict = message_log.verify()
    assert (verdict.ok, verdict.first_bad_seq) == (False, first.seq)
    MessageRecord.objects.filter(pk=first.pk).update(status=first.status)
    MessageRecord.objects.order_by("-seq").first().delete()  # type: ignore[union-attr]
    assert message_log.verify().reason == "records were removed from the end"


def test_the_request_hash_is_the_hash_of_the_signature(linked: Provider, agency_a: Any) -> None:
    _call, prepared = _prepared(agency_a, SERVICE_PERSON, {"national_id": PERSON_ID})
    expected = hashlib.sha256(prepared.request.headers["signature"].encode()).hexdigest()
    assert prepared.request_hash == expected
