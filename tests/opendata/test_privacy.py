"""Nothing published names a person; small counts are suppressed before anything is written."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.test import Client

from eservice.cases import actions
from eservice.opendata.models import Dataset, Resource
from eservice.opendata.publish import publish
from tests.factories import bangkok, submitted_application


def _text_of(resource: Resource) -> str:
    content = bytes(resource.content)
    if resource.format == "Parquet":
        return json.dumps(pq.read_table(io.BytesIO(content)).to_pylist(), ensure_ascii=False)
    return content.decode("utf-8-sig")


def _everything_published(client: Client) -> list[tuple[str, str]]:
    """Every file, API answer, DCAT document and page a member of the public can fetch."""
    out = [(f"file {r.filename}", _text_of(r)) for r in Resource.objects.all()]
    urls = [
        "/api/3/action/package_list",
        "/api/3/action/current_package_list_with_resources",
        "/api/3/action/package_search?rows=1000",
        "/api/3/action/organization_list?all_fields=true",
        "/api/3/action/group_list?all_fields=true",
        "/catalog.jsonld",
        "/catalog.ttl",
        "/dataset/",
    ]
    for dataset in Dataset.objects.all():
        urls += [
            f"/api/3/action/package_show?id={dataset.name}",
            f"/dataset/{dataset.name}",
            f"/dataset/{dataset.name}.jsonld",
            f"/dataset/{dataset.name}.ttl",
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        out.append((url, response.content.decode()))
    return out


def test_no_published_file_or_page_names_an_applicant(
    catalog: Any,
    applicant: Any,
    other_applicant: Any,
    clerk_a: Any,
    settings: Any,
    clock: Any,
) -> None:
    settings.OPENDATA_PUBLISHER = catalog.agency_a.code
    settings.OPENDATA_MIN_COUNT = 1  # publish every count: the most that could leak
    clock.set(bangkok(2026, 3, 9, 9, 0))
    apps = [submitted_application(applicant, catalog.food_shop) for _ in range(2)]
    apps.append(submitted_application(other_applicant, catalog.house_copy))
    actions.start_check(apps[0], clerk_a)
    clock.set(bangkok(2026, 3, 10, 9, 0))
    publish()

    secrets = set()
    for person in (applicant, other_applicant, clerk_a):
        secrets |= {person.username, person.full_name_th, person.full_name_en}
        if person.national_id:
            secrets.add(person.national_id)
    for app in apps:
        app.refresh_from_db()
        secrets.add(app.tracking_number)
        secrets.add(str(app.public_id))
        for value in app.answers.values():
            if isinstance(value, str) and len(value) >= 6:
                secrets.add(value)  # addresses, shop names, ID numbers typed in
    secrets.discard("")
    secrets.discard(None)
    assert any(len(s) == 13 and s.isdigit() for s in secrets), "a national ID is among them"

    published = _everything_published(Client(HTTP_ACCEPT_LANGUAGE="en"))
    assert len(published) > 20
    for where, text in published:
        for secret in secrets:
            assert secret not in text, f"{secret!r} appears in {where}"


@pytest.mark.parametrize(("threshold", "shown"), [(5, ""), (3, ""), (2, "2"), (1, "2")])
def test_counts_below_the_threshold_are_left_empty(
    catalog: Any, applicant: Any, settings: Any, clock: Any, threshold: int, shown: str
) -> None:
    settings.OPENDATA_PUBLISHER = catalog.agency_a.code
    settings.OPENDATA_MIN_COUNT = threshold
    clock.set(bangkok(2026, 3, 9, 9, 0))
    for _ in range(2):
        submitted_application(applicant, catalog.food_shop)
    publish()

    resource = Resource.objects.get(dataset__name="service-performance", format="CSV")
    rows = list(csv.DictReader(io.StringIO(bytes(resource.content).decode("utf-8-sig"))))
    food = next(r for r in rows if r["service_code"] == catalog.food_shop.code)
    assert food["received"] == shown
    assert food["pending"] == shown
    assert food["completed"] == "0", "zero reveals no one and is published"
    parquet = pq.read_table(
        io.BytesIO(
            bytes(
                Resource.objects.get(dataset__name="service-performance", format="Parquet").content
            )
        )
    ).to_pylist()
    assert next(r for r in parquet if r["service_code"] == catalog.food_shop.code)["received"] == (
        int(shown) if shown else None
    )
