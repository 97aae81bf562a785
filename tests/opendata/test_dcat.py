"""DCAT documents of the open data: the paged catalog and each dataset, as harvesters read them.

Datasets come from the real publication (``publish()`` over the imported
catalog and a case); the paging tests add plain dataset rows beside them.
Every document is fetched over HTTP and parsed with rdflib.
"""

from __future__ import annotations

import hashlib
import warnings
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD
from rdflib.term import Node

from eservice.catalog.models import Agency
from eservice.opendata import dcat
from eservice.opendata.models import Dataset, Resource
from eservice.opendata.publish import LICENSE_URL, publish
from tests.factories import AGENCY_A, bangkok

pytestmark = [
    pytest.mark.django_db,
    # rdflib's own JSON-LD parser still builds a ConjunctiveGraph.
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

# pytest probes every module attribute for a ``_mock_name`` while collecting fixtures;
# rdflib's closed namespaces (DCAT, XSD...) warn about any term they do not define.
warnings.filterwarnings("ignore", message="Code: _mock_name is not defined", category=UserWarning)

BASE = "https://data.example.go.th"
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CONTENT_TYPES = {"jsonld": "application/ld+json", "ttl": "text/turtle"}
PARSERS = {"jsonld": "json-ld", "ttl": "turtle"}
FORMATS = ["jsonld", "ttl"]


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.PUBLIC_BASE_URL = BASE
    settings.OPENDATA_CONTACT_EMAIL = ""


@pytest.fixture
def publisher(db: None) -> Agency:
    """The agency that publishes the national datasets (settings.OPENDATA_PUBLISHER)."""
    return Agency.objects.create(
        code="opdc",
        name_th="สำนักงานคณะกรรมการพัฒนาระบบราชการ",
        name_en="Office of the Public Sector Development Commission",
        kind=Agency.Kind.DEPARTMENT,
    )


@pytest.fixture
def published(make_case: Any, publisher: Agency) -> list[Dataset]:
    """Publish after one approved case, so that the performance tables have a month."""
    make_case("approved")
    report = publish(bangkok(2026, 3, 9, 18, 0))
    assert report.written and not report.warnings
    return list(Dataset.objects.order_by("name"))


def get_graph(client: Any, path: str, fmt: str) -> Graph:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    graph = Graph()
    graph.parse(data=response.content, format=PARSERS[fmt])
    return graph


def catalog_page(client: Any, fmt: str, page: int | None = None) -> Graph:
    query = "" if page is None else f"?page={page}"
    return get_graph(client, f"/catalog.{fmt}{query}", fmt)


def dataset_uri(dataset: Dataset) -> URIRef:
    return URIRef(f"{BASE}/dataset/{dataset.pk}")


def one(graph: Graph, subject: Node, predicate: URIRef) -> Node:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def by_language(graph: Graph, subject: Node, predicate: URIRef) -> dict[str | None, str]:
    out: dict[str | None, str] = {}
    for value in graph.objects(subject, predicate):
        assert isinstance(value, Literal)
        out[value.language] = str(value)
    return out


def uris(graph: Graph) -> set[URIRef]:
    """Every named node of the graph (blank nodes get new ids on each request)."""
    nodes = set(graph.subjects()) | set(graph.objects())
    return {n for n in nodes if isinstance(n, URIRef)}


def assert_described(graph: Graph, dataset: Dataset) -> None:
    """What a harvester needs of a dataset: titles, description, publisher, distributions."""
    node = dataset_uri(dataset)
    assert (node, RDF.type, DCAT.Dataset) in graph
    assert by_language(graph, node, DCTERMS.title) == {
        "th": dataset.title_th,
        "en": dataset.title_en,
    }
    assert by_language(graph, node, DCTERMS.description) == {
        "th": dataset.notes_th,
        "en": dataset.notes_en,
    }
    publisher = one(graph, node, DCTERMS.publisher)
    assert publisher == URIRef(f"{BASE}/organization/{dataset.owner.code}")
    assert (publisher, RDF.type, FOAF.Organization) in graph
    assert by_language(graph, publisher, FOAF.name) == {
        "th": dataset.owner.name_th,
        "en": dataset.owner.name_en,
    }
    distributions = list(graph.objects(node, DCAT.distribution))
    assert distributions
    for distribution in distributions:
        assert (distribution, RDF.type, DCAT.Distribution) in graph
        assert str(one(graph, distribution, DCAT.downloadURL)).startswith(f"{BASE}/dataset/")
        assert str(one(graph, distribution, DCTERMS["format"])) in {"CSV", "JSON", "Parquet"}
        media_type = str(one(graph, distribution, DCAT.mediaType))
        assert media_type.startswith("https://www.iana.org/assignments/media-types/")


# --- the catalog ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_catalog_describes_every_published_dataset(
    client: Any, published: list[Dataset], publisher: Agency, fmt: str
) -> None:
    graph = catalog_page(client, fmt)

    catalog = URIRef(f"{BASE}/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert set(by_language(graph, catalog, DCTERMS.title)) == {"th", "en"}
    assert set(by_language(graph, catalog, DCTERMS.description)) == {"th", "en"}
    assert one(graph, catalog, FOAF.homepage) == URIRef(f"{BASE}/dataset/")
    assert set(graph.objects(catalog, DCTERMS.language))
    assert one(graph, catalog, DCTERMS.publisher) == URIRef(f"{BASE}/organization/opdc")
    assert set(graph.objects(catalog, DCAT.dataset)) == {dataset_uri(d) for d in published}
    names = {d.name for d in published}
    assert {"service-catalog", "service-performance", "agency-performance"} <= names
    assert f"{AGENCY_A}-service-performance" in names
    for dataset in published:
        assert_described(graph, dataset)


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_catalog_has_one_page(client: Any, fmt: str) -> None:
    graph = catalog_page(client, fmt)

    catalog = URIRef(f"{BASE}/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert list(graph.objects(catalog, DCAT.dataset)) == []
    assert list(graph.subjects(RDF.type, DCAT.Dataset)) == []
    paging = URIRef(f"{BASE}/catalog.{fmt}?page=1")
    assert (paging, RDF.type, HYDRA.PagedCollection) in graph
    assert one(graph, paging, HYDRA.totalItems).toPython() == 0
    assert str(one(graph, paging, HYDRA.lastPage)) == f"{BASE}/catalog.{fmt}?page=1"
    assert list(graph.objects(paging, HYDRA.nextPage)) == []
    assert client.get(f"/catalog.{fmt}?page=2").status_code == 404


# --- paging --------------------------------------------------------------------------


@pytest.fixture
def many(published: list[Dataset], catalog: Any) -> list[Dataset]:
    """250 datasets in all: the published ones and plain rows whose names sort among them."""
    extra = 250 - len(published)
    Dataset.objects.bulk_create(
        Dataset(
            name=f"extra-{i:03d}",
            kind=Dataset.Kind.AGENCY_PERFORMANCE,
            title_th=f"ชุดข้อมูลทดสอบ {i}",
            title_en=f"Test dataset {i}",
            notes_th="ข้อมูลทดสอบ",
            notes_en="Test data",
            owner=catalog.agency_b,
            tags=["ทดสอบ"],
        )
        for i in range(extra)
    )
    assert Dataset.objects.count() == 250
    return list(Dataset.objects.order_by("name"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_pages_list_every_dataset_exactly_once(client: Any, many: list[Dataset], fmt: str) -> None:
    def page_url(number: int) -> str:
        return f"{BASE}/catalog.{fmt}?page={number}"

    seen: list[URIRef] = []
    next_url: str | None = page_url(1)
    number = 0
    while next_url is not None:
        number += 1
        assert next_url == page_url(number)
        graph = get_graph(client, next_url.removeprefix(BASE), fmt)
        paging = URIRef(page_url(number))
        assert (paging, RDF.type, HYDRA.PagedCollection) in graph
        total = one(graph, paging, HYDRA.totalItems)
        assert total == Literal(250, datatype=XSD.integer)
        assert one(graph, paging, HYDRA.itemsPerPage).toPython() == 100
        assert str(one(graph, paging, HYDRA.firstPage)) == page_url(1)
        assert str(one(graph, paging, HYDRA.lastPage)) == page_url(3)
        previous = [str(p) for p in graph.objects(paging, HYDRA.previousPage)]
        assert previous == ([page_url(number - 1)] if number > 1 else [])
        listed = list(graph.objects(URIRef(f"{BASE}/catalog"), DCAT.dataset))
        assert len(listed) == (100 if number < 3 else 50)
        assert set(graph.subjects(RDF.type, DCAT.Dataset)) == set(listed)
        seen += listed
        following = [str(n) for n in graph.objects(paging, HYDRA.nextPage)]
        assert len(following) <= 1
        next_url = following[0] if following else None

    assert number == 3
    assert len(seen) == len(set(seen)) == 250
    assert set(seen) == {dataset_uri(d) for d in many}
    # Pages follow the names: page 1 holds the first hundred.
    first_page = catalog_page(client, fmt, 1)
    assert set(first_page.objects(URIRef(f"{BASE}/catalog"), DCAT.dataset)) == {
        dataset_uri(d) for d in many[:100]
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", ""])
def test_pages_outside_the_catalog_are_not_found(
    client: Any, many: list[Dataset], fmt: str, page: str
) -> None:
    assert client.get(f"/catalog.{fmt}?page={page}").status_code == 404


def test_page_number_defaults_to_one(client: Any, many: list[Dataset]) -> None:
    graph = catalog_page(client, "ttl")
    assert (URIRef(f"{BASE}/catalog.ttl?page=1"), RDF.type, HYDRA.PagedCollection) in graph


def test_catalog_page_takes_a_fixed_number_of_queries_and_never_reads_files(
    many: list[Dataset],
) -> None:
    with CaptureQueriesContext(connection) as queries:
        body, content_type = dcat.catalog(3, "jsonld")

    assert content_type == "application/ld+json"
    graph = Graph().parse(data=body, format="json-ld")
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 50
    # Count, page, resources, categories, publisher, latest change: none per dataset.
    assert len(queries) <= 6, [q["sql"] for q in queries]
    resource_queries = [q["sql"] for q in queries if "opendata_resource" in q["sql"]]
    assert len(resource_queries) == 1
    assert '"content"' not in resource_queries[0]


def test_unknown_format_is_not_found(published: list[Dataset]) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        dcat.catalog(1, "rdf")
    with pytest.raises(Http404):
        dcat.dataset("service-catalog", "xml")


# --- one dataset ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_dataset_document(client: Any, published: list[Dataset], fmt: str) -> None:
    dataset = Dataset.objects.select_related("owner").get(name=f"{AGENCY_A}-service-performance")
    graph = get_graph(client, f"/dataset/{dataset.name}.{fmt}", fmt)

    node = dataset_uri(dataset)
    assert_described(graph, dataset)
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {node}
    assert one(graph, node, DCTERMS.identifier) == Literal(str(dataset.pk))
    assert one(graph, node, DCAT.landingPage) == URIRef(f"{BASE}/dataset/{dataset.name}")
    assert {str(k) for k in graph.objects(node, DCAT.keyword)} == set(dataset.tags)
    for predicate in (DCTERMS.issued, DCTERMS.modified):
        assert one(graph, node, predicate).datatype == XSD.dateTime
    assert one(graph, node, DCTERMS.license) == URIRef(LICENSE_URL)
    assert one(graph, node, DCTERMS.accrualPeriodicity) == URIRef("http://purl.org/cld/freq/daily")
    themes = set(graph.objects(node, DCAT.theme))
    assert themes == {URIRef(f"{BASE}/group/{code}") for code in dataset.groups}
    for theme in themes:
        assert (theme, RDF.type, SKOS.Concept) in graph
        assert set(by_language(graph, theme, SKOS.prefLabel)) == {"th", "en"}

    # The months of the figures: March 2026, the month of the case.
    period = one(graph, node, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in graph
    assert one(graph, period, DCAT.startDate) == Literal("2026-03-01", datatype=XSD.date)
    assert one(graph, period, DCAT.endDate) == Literal("2026-03-31", datatype=XSD.date)

    place = one(graph, node, DCTERMS.spatial)
    assert (place, RDF.type, DCTERMS.Location) in graph
    assert Literal("ประเทศไทย", lang="th") in set(graph.objects(place, SKOS.prefLabel))

    contact = one(graph, node, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in graph
    assert by_language(graph, contact, VCARD.fn)["th"] == dataset.owner.name_th
    assert list(graph.objects(contact, VCARD.hasEmail)) == []

    resources = list(Resource.objects.filter(dataset=dataset).defer("content"))
    distributions = set(graph.objects(node, DCAT.distribution))
    assert distributions == {URIRef(f"{node}/resource/{r.pk}") for r in resources}
    for resource in resources:
        distribution = URIRef(f"{node}/resource/{resource.pk}")
        titles = by_language(graph, distribution, DCTERMS.title)
        assert set(titles) == {"th", "en"}
        url = one(graph, distribution, DCAT.downloadURL)
        assert url == one(graph, distribution, DCAT.accessURL)
        assert str(url) == (
            f"{BASE}/dataset/{dataset.name}/resource/{resource.pk}/download/{resource.filename}"
        )
        assert one(graph, distribution, DCTERMS["format"]) == Literal(resource.format)
        assert one(graph, distribution, DCAT.mediaType) == URIRef(
            f"https://www.iana.org/assignments/media-types/{resource.mimetype}"
        )
        assert int(one(graph, distribution, DCAT.byteSize).toPython()) == resource.size
        checksum = one(graph, distribution, SPDX.checksum)
        assert (checksum, RDF.type, SPDX.Checksum) in graph
        assert one(graph, checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(one(graph, checksum, SPDX.checksumValue)).lower() == resource.sha256
        assert one(graph, distribution, DCTERMS.license) == URIRef(LICENSE_URL)
        assert one(graph, distribution, DCTERMS.modified).datatype == XSD.dateTime


def test_contact_email_when_configured(
    client: Any, published: list[Dataset], settings: Any
) -> None:
    settings.OPENDATA_CONTACT_EMAIL = "opendata@example.go.th"
    dataset = published[0]
    graph = get_graph(client, f"/dataset/{dataset.name}.ttl", "ttl")
    contact = one(graph, dataset_uri(dataset), DCAT.contactPoint)
    assert one(graph, contact, VCARD.hasEmail) == URIRef("mailto:opendata@example.go.th")


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_dataset_is_not_found(client: Any, published: list[Dataset], fmt: str) -> None:
    assert client.get(f"/dataset/no-such-dataset.{fmt}").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_download_urls_serve_the_files(client: Any, published: list[Dataset], fmt: str) -> None:
    for dataset in published:
        graph = get_graph(client, f"/dataset/{dataset.name}.{fmt}", fmt)
        distributions = list(graph.objects(dataset_uri(dataset), DCAT.distribution))
        assert len(distributions) == 3
        for distribution in distributions:
            url = str(one(graph, distribution, DCAT.downloadURL))
            response = client.get(url.removeprefix(BASE))
            assert response.status_code == 200, url
            body = b"".join(response) if response.streaming else response.content
            assert len(body) == int(one(graph, distribution, DCAT.byteSize).toPython())
            checksum = one(graph, distribution, SPDX.checksum)
            expected = str(one(graph, checksum, SPDX.checksumValue)).lower()
            assert hashlib.sha256(body).hexdigest() == expected
            media_type = str(one(graph, distribution, DCAT.mediaType)).rsplit("/", 2)
            assert response["Content-Type"].split(";")[0] == "/".join(media_type[-2:])


# --- stable URIs ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_uris_are_stable_across_requests_and_republication(
    client: Any, published: list[Dataset], settings: Any, fmt: str
) -> None:
    before = uris(catalog_page(client, fmt))
    assert uris(catalog_page(client, fmt)) == before
    one_before = uris(get_graph(client, f"/dataset/service-performance.{fmt}", fmt))

    # A different suppression threshold changes the figures' files and descriptions.
    settings.OPENDATA_MIN_COUNT = 3
    report = publish(bangkok(2026, 3, 10, 18, 0), full=True)
    assert "service-performance" in report.written
    assert f"{AGENCY_A}-service-performance" in report.written
    rewritten = Dataset.objects.get(name="service-performance")
    assert rewritten.modified > next(d for d in published if d.pk == rewritten.pk).modified

    after = uris(catalog_page(client, fmt))
    dataset_nodes = {dataset_uri(d) for d in published}
    distribution_nodes = {
        URIRef(f"{BASE}/dataset/{r.dataset_id}/resource/{r.pk}")
        for r in Resource.objects.defer("content")
    }
    assert dataset_nodes | distribution_nodes <= before
    assert after == before
    assert uris(get_graph(client, f"/dataset/service-performance.{fmt}", fmt)) == one_before
