"""The CKAN Action API, driven by the real ckanapi client over HTTP, and its error envelope."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import ckanapi
import pyarrow.parquet as pq
import pytest
import requests
from django.test import Client

from eservice.core.clock import now
from eservice.opendata.models import Dataset
from eservice.opendata.publish import publish
from tests.factories import bangkok, submitted_application


@pytest.fixture
def published(catalog: Any, applicant: Any, settings: Any, clock: Any) -> dict[str, Any]:
    settings.OPENDATA_PUBLISHER = catalog.agency_a.code
    settings.OPENDATA_MIN_COUNT = 1
    clock.set(bangkok(2026, 3, 9, 9, 0))
    for _ in range(3):
        submitted_application(applicant, catalog.food_shop)
    submitted_application(applicant, catalog.house_copy)
    publish()
    return {
        "agency_a": catalog.agency_a.code,
        "agency_b": catalog.agency_b.code,
        "food_shop_th": catalog.food_shop.current_version.name_th,
    }


@pytest.fixture
def ckan(live_server: Any, settings: Any, published: dict[str, Any]) -> ckanapi.RemoteCKAN:
    settings.PUBLIC_BASE_URL = live_server.url
    with ckanapi.RemoteCKAN(live_server.url, user_agent="eservice-tests/1.0") as remote:
        yield remote


pytestmark = pytest.mark.django_db(transaction=True)


def test_ckanapi_lists_shows_and_searches_the_datasets(
    ckan: ckanapi.RemoteCKAN, published: dict[str, Any]
) -> None:
    names = ckan.action.package_list()
    own = f"{published['agency_a']}-service-performance"
    assert {"service-catalog", "service-performance", "agency-performance", own} <= set(names)
    assert names == sorted(names)

    package = ckan.action.package_show(id=own)
    assert package["name"] == own
    assert package["organization"]["name"] == published["agency_a"]
    assert package["owner_org"] == package["organization"]["id"]
    assert {r["format"] for r in package["resources"]} == {"CSV", "JSON", "Parquet"}
    assert package["num_resources"] == 3
    # The Thai government catalog's fields, with data.go.th's values.
    assert package["data_type"] == "ข้อมูลสถิติ"
    assert package["update_frequency_unit"] == "วัน"
    assert package["data_category"] == "ข้อมูลสาธารณะ"
    assert package["title_translated"]["en"].startswith("Monthly service performance")
    # package_show by id gives the same dataset.
    assert ckan.action.package_show(id=package["id"])["name"] == own

    found = ckan.action.package_search(q="ผลการให้บริการ", fq=f"organization:{published['agency_a']}")
    assert found["count"] >= 1
    assert all(r["organization"]["name"] == published["agency_a"] for r in found["results"])
    english = ckan.action.package_search(q="service catalog")
    assert english["results"][0]["name"] == "service-catalog"

    orgs = ckan.action.organization_list(all_fields=True)
    by_name = {o["name"]: o for o in orgs}
    assert by_name[published["agency_a"]]["package_count"] >= 4
    org = ckan.action.organization_show(id=published["agency_b"], include_datasets=True)
    assert [p["name"] for p in org["packages"]] == [f"{published['agency_b']}-service-performance"]
    groups = ckan.action.group_list()
    assert groups and ckan.action.group_show(id=groups[0])["package_count"] >= 1
    assert ckan.action.status_show()["ckan_version"].startswith("2.")
    everything = ckan.action.current_package_list_with_resources(limit=100)
    assert len(everything) == len(names)


def test_a_resource_downloads_and_the_csv_opens_in_thai(
    ckan: ckanapi.RemoteCKAN, published: dict[str, Any]
) -> None:
    package = ckan.action.package_show(id="service-performance")
    by_format = {r["format"]: r for r in package["resources"]}
    csv_resource = ckan.action.resource_show(id=by_format["CSV"]["id"])
    assert csv_resource["package_id"] == package["id"]

    response = requests.get(csv_resource["url"], timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so Excel reads UTF-8"
    assert len(body) == csv_resource["size"]
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    food = [r for r in rows if r["service_code"] == "food-shop-licence"]
    assert food and food[0]["received"] == "3"
    assert food[0]["service_name_th"] == published["food_shop_th"]

    parquet = requests.get(by_format["Parquet"]["url"], timeout=10).content
    table = pq.read_table(io.BytesIO(parquet))
    assert str(table.schema.field("received").type) == "int64"
    assert table.num_rows == len(rows)
    as_json = requests.get(by_format["JSON"]["url"], timeout=10).json()
    assert len(as_json["records"]) == len(rows)
    assert {f["id"] for f in as_json["fields"]} >= {"month", "received", "median_working_days"}


def test_errors_come_back_as_ckans_error_types(ckan: ckanapi.RemoteCKAN) -> None:
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.ValidationError) as invalid:
        ckan.action.package_search(rows="many")
    assert invalid.value.error_dict["rows"] == ["Invalid integer"]
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(start=-1)
    with pytest.raises(ckanapi.ValidationError) as facet:
        ckan.action.package_search(**{"facet.field": '["tags"]', "facet.limit": "all"})
    assert facet.value.error_dict["facet.limit"] == ["Invalid integer"]
    with pytest.raises(ckanapi.SearchQueryError):
        ckan.action.package_search(sort="colour asc")
    with pytest.raises(ckanapi.SearchQueryError):
        ckan.action.package_search(fq="favourite_colour:blue")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.resource_show(id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(ckanapi.CKANAPIError):
        ckan.call_action("package_create", {"name": "x"})


def _extra_datasets(count: int, owner: Any) -> None:
    moment = now()
    Dataset.objects.bulk_create(
        Dataset(
            name=f"extra-{i:03d}",
            kind=Dataset.Kind.PERFORMANCE,
            owner=owner,
            title_th=f"ชุดข้อมูลทดสอบ {i}",
            title_en=f"Test dataset {i}",
            notes_th="ทดสอบการแบ่งหน้า",
            notes_en="Paging test",
            # Many share a modified time: paging must still be total and repeatable.
            modified=moment - timedelta(minutes=i % 3),
        )
        for i in range(count)
    )


@pytest.mark.parametrize(
    "sort", [None, "metadata_modified desc", "id asc", "name desc", "title_string asc"]
)
def test_paging_never_repeats_or_skips(
    ckan: ckanapi.RemoteCKAN, catalog: Any, sort: str | None
) -> None:
    _extra_datasets(47, catalog.agency_b)
    total = Dataset.objects.count()
    params = {"sort": sort} if sort else {}
    seen: list[str] = []
    start = 0
    while True:
        page = ckan.action.package_search(rows=7, start=start, **params)
        assert page["count"] == total
        if not page["results"]:
            break
        seen += [r["id"] for r in page["results"]]
        start += 7
    assert len(seen) == len(set(seen)) == total
    again = [r["id"] for r in ckan.action.package_search(rows=total, **params)["results"]]
    assert again == seen


def test_harvesters_filter_by_modification_time(ckan: ckanapi.RemoteCKAN, catalog: Any) -> None:
    _extra_datasets(5, catalog.agency_b)
    newest = Dataset.objects.order_by("-modified").first()
    assert newest is not None
    since = newest.modified.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    recent = ckan.action.package_search(
        fq=f"metadata_modified:[{since} TO *]", sort="id asc", rows=100
    )
    assert recent["count"] == Dataset.objects.filter(modified__gte=newest.modified).count()
    assert newest.name in {r["name"] for r in recent["results"]}


def test_facets_count_what_was_found(ckan: ckanapi.RemoteCKAN, published: dict[str, Any]) -> None:
    found = ckan.action.package_search(
        q="*:*", **{"facet.field": json.dumps(["organization", "res_format"])}
    )
    orgs = found["facets"]["organization"]
    assert orgs[published["agency_b"]] == 1
    assert sum(orgs.values()) == found["count"]
    assert found["facets"]["res_format"]["CSV"] == found["count"]
    items = found["search_facets"]["organization"]["items"]
    assert {i["name"] for i in items} == set(orgs)


def test_get_and_post_and_both_prefixes_answer_alike(published: dict[str, Any]) -> None:
    client = Client()
    query = {"q": "ผลการให้บริการ", "rows": 2, "sort": "name asc"}
    get = client.get("/api/3/action/package_search", query).json()
    post = client.post(
        "/api/action/package_search", json.dumps(query), content_type="application/json"
    ).json()
    form = client.post("/api/3/action/package_search", query).json()
    assert get["success"] is post["success"] is form["success"] is True
    assert get["result"] == post["result"] == form["result"]
    assert set(get) == {"help", "success", "result"}
    assert get["help"].endswith("/api/3/action/help_show?name=package_search")


def test_malformed_calls_get_ckans_bare_error_string() -> None:
    client = Client()
    unknown = client.get("/api/3/action/no_such_action")
    assert unknown.status_code == 400
    assert unknown.json() == "Bad request - Action name not known: no_such_action"
    broken = client.post("/api/3/action/package_show", "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json().startswith("Bad request - JSON Error")


def test_missing_and_unknown_ids_use_the_envelope(published: dict[str, Any]) -> None:
    client = Client()
    missing = client.get("/api/3/action/package_show")
    assert missing.status_code == 409
    assert missing.json() == {
        "help": missing.json()["help"],
        "success": False,
        "error": {"__type": "Validation Error", "id": ["Missing value"]},
    }
    unknown = client.get("/api/3/action/organization_show", {"id": "nobody"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["__type"] == "Not Found Error"
    bad_query = client.get("/api/3/action/package_search", {"fq": "metadata_modified:yesterday"})
    assert bad_query.status_code == 400
    assert bad_query.json()["error"]["__type"] == "Search Query Error"
