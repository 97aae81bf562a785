"""The published datasets as DCAT (DCAT-AP style), in JSON-LD or Turtle.

The shapes follow ckanext-dcat's serializer and endpoints: the catalog at
``/catalog.{fmt}``, 100 datasets a page with Hydra paging, and each dataset at
``/dataset/{name}.{fmt}``. Every URI is built from ``PUBLIC_BASE_URL`` and the
records' UUIDs, so it stays the same across requests and re-publications:

- catalog: ``{base}/catalog``
- dataset: ``{base}/dataset/{dataset id}``
- distribution: ``{base}/dataset/{dataset id}/resource/{resource id}``
- publisher: ``{base}/organization/{agency code}``
- theme: ``{base}/group/{category code}``
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from eservice.catalog.models import Agency, Category
from eservice.opendata.ckan import download_url, iso, resource_dict, stable_id
from eservice.opendata.models import Dataset, Resource
from eservice.opendata.publish import LICENSE_URL

PER_PAGE = 100  # ckanext-dcat's default ``ckanext.dcat.datasets_per_page``

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

FORMATS = {
    "jsonld": ("json-ld", "application/ld+json"),
    "ttl": ("turtle", "text/turtle"),
}
LANGUAGES = (
    URIRef("http://publications.europa.eu/resource/authority/language/THA"),
    URIRef("http://publications.europa.eu/resource/authority/language/ENG"),
)
DAILY = URIRef("http://purl.org/cld/freq/daily")
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

CATALOG_TITLE = ("ข้อมูลเปิดของระบบ eservice", "eservice open data")
CATALOG_DESCRIPTION = (
    "ชุดข้อมูลเปิดของงานบริการภาครัฐ: ทะเบียนงานบริการตามคู่มือสำหรับประชาชน"
    " และผลการให้บริการรายเดือนของแต่ละงานบริการและหน่วยงาน",
    "Open data of government services: the catalog of services from their manuals for the"
    " public, and the monthly performance of each service and agency.",
)
THAILAND = ("ประเทศไทย", "Thailand")


def _base() -> str:
    return str(settings.PUBLIC_BASE_URL).rstrip("/")


def _graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    prefixes = {
        "rdf": RDF,
        "xsd": XSD,
        "dcat": DCAT,
        "dct": DCTERMS,
        "foaf": FOAF,
        "vcard": VCARD,
        "hydra": HYDRA,
        "spdx": SPDX,
        "skos": SKOS,
    }
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace)
    return graph


def _serializer(fmt: str) -> tuple[str, str]:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise Http404(f"Unknown format {fmt!r}") from None


def _serialize(graph: Graph, fmt: str) -> tuple[bytes, str]:
    rdflib_format, content_type = _serializer(fmt)
    if rdflib_format == "json-ld":
        # A context of the bound prefixes, so the document reads like ckanext-dcat's.
        body = graph.serialize(format=rdflib_format, auto_compact=True, encoding="utf-8")
    else:
        body = graph.serialize(format=rdflib_format, encoding="utf-8")
    return body, content_type


def _datasets() -> QuerySet[Dataset]:
    resources = Resource.objects.defer("content").order_by("position")
    return (
        Dataset.objects.select_related("owner")
        .prefetch_related(Prefetch("resources", queryset=resources))
        .order_by("name")
    )


def _both(graph: Graph, subject: URIRef | BNode, predicate: URIRef, th: str, en: str) -> None:
    """Add a Thai and an English literal (the English one only when it is there)."""
    graph.add((subject, predicate, Literal(th, lang="th")))
    if en:
        graph.add((subject, predicate, Literal(en, lang="en")))


def _datetime(moment: datetime) -> Literal:
    """A timestamp as CKAN gives it (``metadata_modified``): UTC, typed xsd:dateTime."""
    return Literal(iso(moment), datatype=XSD.dateTime)


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _organization(graph: Graph, agency: Agency) -> URIRef:
    node = URIRef(f"{_base()}/organization/{agency.code}")
    graph.add((node, RDF.type, FOAF.Organization))
    graph.add((node, DCTERMS.identifier, Literal(stable_id("organization", agency.code))))
    _both(graph, node, FOAF.name, agency.name_th, agency.name_en)
    return node


def _contact_point(graph: Graph, agency: Agency) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, VCARD.Organization))
    _both(graph, node, VCARD.fn, agency.name_th, agency.name_en)
    email = str(getattr(settings, "OPENDATA_CONTACT_EMAIL", "") or "")
    if email:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return node


def _theme(graph: Graph, code: str, category: Category | None) -> URIRef:
    node = URIRef(f"{_base()}/group/{code}")
    if category is not None:
        graph.add((node, RDF.type, SKOS.Concept))
        _both(graph, node, SKOS.prefLabel, category.name_th, category.name_en)
    return node


def _distribution(graph: Graph, dataset: Dataset, dataset_node: URIRef, resource: Resource) -> None:
    node = URIRef(f"{dataset_node}/resource/{resource.pk}")
    graph.add((dataset_node, DCAT.distribution, node))
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.identifier, Literal(str(resource.pk))))
    names = resource_dict(resource, dataset)["name_translated"]
    _both(graph, node, DCTERMS.title, names["th"], names["en"])
    url = URIRef(download_url(resource, dataset.name))
    graph.add((node, DCAT.accessURL, url))
    graph.add((node, DCAT.downloadURL, url))
    graph.add((node, DCTERMS["format"], Literal(resource.format)))
    if resource.mimetype:
        graph.add((node, DCAT.mediaType, URIRef(MEDIA_TYPES + resource.mimetype)))
    graph.add((node, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger)))
    if resource.sha256:
        checksum = BNode()
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(resource.sha256, datatype=XSD.hexBinary)))
    graph.add((node, DCTERMS.issued, _datetime(resource.created)))
    graph.add((node, DCTERMS.modified, _datetime(resource.modified)))
    graph.add((node, DCTERMS.license, URIRef(LICENSE_URL)))


def _dataset(graph: Graph, dataset: Dataset, categories: dict[str, Category]) -> URIRef:
    """Add one dataset (its resources prefetched, owner selected) and return its node."""
    base = _base()
    node = URIRef(f"{base}/dataset/{dataset.pk}")
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(dataset.pk))))
    _both(graph, node, DCTERMS.title, dataset.title_th, dataset.title_en)
    _both(graph, node, DCTERMS.description, dataset.notes_th, dataset.notes_en)
    for tag in dataset.tags:
        graph.add((node, DCAT.keyword, Literal(tag)))
    graph.add((node, DCAT.landingPage, URIRef(f"{base}/dataset/{dataset.name}")))
    graph.add((node, DCTERMS.issued, _datetime(dataset.created)))
    graph.add((node, DCTERMS.modified, _datetime(dataset.modified)))
    for language in LANGUAGES:
        graph.add((node, DCTERMS.language, language))
    graph.add((node, DCTERMS.publisher, _organization(graph, dataset.owner)))
    graph.add((node, DCAT.contactPoint, _contact_point(graph, dataset.owner)))
    for code in dataset.groups:
        graph.add((node, DCAT.theme, _theme(graph, code, categories.get(code))))
    if dataset.first_month and dataset.last_month:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        graph.add((period, DCAT.startDate, Literal(dataset.first_month, datatype=XSD.date)))
        end = _month_end(dataset.last_month)
        graph.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))
    place = BNode()
    graph.add((node, DCTERMS.spatial, place))
    graph.add((place, RDF.type, DCTERMS.Location))
    _both(graph, place, SKOS.prefLabel, *THAILAND)
    graph.add((node, DCTERMS.license, URIRef(LICENSE_URL)))
    graph.add((node, DCTERMS.accrualPeriodicity, DAILY))
    for resource in dataset.resources.all():
        _distribution(graph, dataset, node, resource)
    return node


def _categories(datasets: Iterable[Dataset]) -> dict[str, Category]:
    codes = {code for d in datasets for code in d.groups}
    if not codes:
        return {}
    return {c.code: c for c in Category.objects.filter(code__in=codes)}


def _paging(graph: Graph, fmt: str, page: int, last: int, total: int) -> None:
    """Hydra paging as ckanext-dcat writes it: current and deprecated terms, both."""

    def url(number: int) -> str:
        return f"{_base()}/catalog.{fmt}?page={number}"

    node = URIRef(url(page))
    graph.add((node, RDF.type, HYDRA.PagedCollection))
    graph.add((node, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    graph.add((node, HYDRA.itemsPerPage, Literal(PER_PAGE, datatype=XSD.integer)))
    links = [(HYDRA.first, HYDRA.firstPage, 1), (HYDRA.last, HYDRA.lastPage, last)]
    if page < last:
        links.append((HYDRA.next, HYDRA.nextPage, page + 1))
    if page > 1:
        links.append((HYDRA.previous, HYDRA.previousPage, page - 1))
    for current, deprecated, number in links:
        graph.add((node, current, Literal(url(number))))
        graph.add((node, deprecated, Literal(url(number))))


def catalog(page: int, fmt: str) -> tuple[bytes, str]:
    """Return one page of the DCAT catalog (100 datasets by name) and its content type."""
    _serializer(fmt)
    if page < 1:
        raise Http404("Page numbers start at 1")
    total = Dataset.objects.count()
    last = max(1, -(-total // PER_PAGE))
    if page > last:
        raise Http404(f"The catalog has {last} page(s)")
    start = (page - 1) * PER_PAGE
    datasets = list(_datasets()[start : start + PER_PAGE])
    categories = _categories(datasets)

    base = _base()
    graph = _graph()
    node = URIRef(f"{base}/catalog")
    graph.add((node, RDF.type, DCAT.Catalog))
    _both(graph, node, DCTERMS.title, *CATALOG_TITLE)
    _both(graph, node, DCTERMS.description, *CATALOG_DESCRIPTION)
    graph.add((node, FOAF.homepage, URIRef(f"{base}/dataset/")))
    for language in LANGUAGES:
        graph.add((node, DCTERMS.language, language))
    graph.add((node, DCTERMS.license, URIRef(LICENSE_URL)))
    publisher = Agency.objects.filter(code=settings.OPENDATA_PUBLISHER).first()
    if publisher is not None:
        graph.add((node, DCTERMS.publisher, _organization(graph, publisher)))
    modified = Dataset.objects.aggregate(latest=Max("modified"))["latest"]
    if modified is not None:
        graph.add((node, DCTERMS.modified, _datetime(modified)))
    for dataset in datasets:
        graph.add((node, DCAT.dataset, _dataset(graph, dataset, categories)))
    _paging(graph, fmt, page, last, total)
    return _serialize(graph, fmt)


def dataset(name: str, fmt: str) -> tuple[bytes, str]:
    """Return one dataset as DCAT and its content type."""
    _serializer(fmt)
    found = _datasets().filter(name=name).first()
    if found is None:
        raise Http404(f"No dataset {name!r}")
    graph = _graph()
    _dataset(graph, found, _categories([found]))
    return _serialize(graph, fmt)
