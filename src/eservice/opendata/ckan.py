"""The CKAN Action API's read actions over the published datasets.

Each action takes the request's parameters (a dict, as CKAN's ``data_dict``)
and returns the ``result``, or raises one of CKAN's errors, which the view
turns into CKAN's envelope and status code. Dicts have CKAN's field names and
shapes (``ckan/lib/dictization/model_dictize.py``) plus the Thai government
catalog's fields, as data.go.th returns them.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.dateparse import parse_datetime

from eservice import __version__
from eservice.catalog.models import Agency, Category
from eservice.catalog.search import terms
from eservice.opendata.models import Dataset, DatasetFacet, DatasetTerm, Resource
from eservice.opendata.publish import LICENSE_ID, LICENSE_TITLE, LICENSE_URL

CKAN_VERSION = "2.10.4"  # the Action API version these actions follow
ROWS_DEFAULT, ROWS_MAX = 10, 1000
OFFSET_MAX = 1_000_000  # as the platform's API (core.pagination)
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")
FILTER_FIELDS = frozenset(
    {
        "organization",
        "groups",
        "tags",
        "res_format",
        "license_id",
        "data_type",
        "data_category",
        "update_frequency_unit",
        "geo_coverage",
        "data_language",
    }
)
_NAMESPACE = uuid.UUID("6f1c7a52-2f0e-4d0b-9c55-1f3b4f3b2a10")


class ActionError(Exception):
    status = 400
    type = ""

    def body(self) -> dict[str, Any]:
        return {"__type": self.type, "message": str(self.args[0]) if self.args else ""}


class NotFound(ActionError):
    status, type = 404, "Not Found Error"

    def body(self) -> dict[str, Any]:
        detail = str(self.args[0]) if self.args else ""
        return {"__type": self.type, "message": "Not found" + (f": {detail}" if detail else "")}


class ValidationError(ActionError):
    status, type = 409, "Validation Error"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors

    def body(self) -> dict[str, Any]:
        return {**self.errors, "__type": self.type}


class SearchQueryError(ActionError):
    status, type = 400, "Search Query Error"

    def body(self) -> dict[str, Any]:
        return {"__type": self.type, "message": f"Search Query is invalid: {self.args!r}"}


# --- helpers ---------------------------------------------------------------------------


def stable_id(kind: str, key: str) -> str:
    """Return the UUID CKAN clients see for an organization, group or tag: stable forever."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def iso(moment: datetime | None) -> str | None:
    """CKAN's timestamps: UTC, ISO 8601 with microseconds and no zone designator."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def _base() -> str:
    return str(settings.PUBLIC_BASE_URL)


def _int(params: dict[str, Any], key: str, default: int, maximum: int | None = None) -> int:
    """A natural number: clamped to ``maximum`` (as CKAN does rows), and never beyond
    OFFSET_MAX, the bound of every paged list (a Validation Error beyond)."""
    value = params.get(key)
    if value in (None, ""):
        return default
    text = str(value).strip()
    if len(text) > 12:
        raise ValidationError({key: [f"Must be at most {OFFSET_MAX}"]})
    try:
        number = int(text)
    except ValueError:
        raise ValidationError({key: ["Invalid integer"]}) from None
    if number < 0:
        raise ValidationError({key: ["Must be a natural number"]})
    if maximum is not None:
        return min(number, maximum)
    if number > OFFSET_MAX:
        raise ValidationError({key: [f"Must be at most {OFFSET_MAX}"]})
    return number


def _bool(value: Any) -> bool:
    return str(value).lower() in {"true", "1", "yes", "on"}


def _require(params: dict[str, Any], key: str) -> str:
    value = params.get(key)
    if value in (None, ""):
        raise ValidationError({key: ["Missing value"]})
    return str(value)


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)


# --- dicts -----------------------------------------------------------------------------


def organization_dict(agency: Agency, package_count: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": stable_id("organization", agency.code),
        "name": agency.code,
        "title": agency.name_th,
        "title_translated": {"th": agency.name_th, "en": agency.name_en},
        "display_name": agency.name_th,
        "type": "organization",
        "description": agency.get_kind_display(),
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def group_dict(category: Category, package_count: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": stable_id("group", category.code),
        "name": category.code,
        "title": category.name_th,
        "title_translated": {"th": category.name_th, "en": category.name_en},
        "display_name": category.name_th,
        "description": f"{category.name_th} ({category.name_en})",
        "image_url": "",
        "image_display_url": "",
        "type": "group",
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def download_url(resource: Resource, dataset_name: str) -> str:
    return f"{_base()}/dataset/{dataset_name}/resource/{resource.pk}/download/{resource.filename}"


def resource_dict(resource: Resource, dataset: Dataset) -> dict[str, Any]:
    names = {
        "CSV": ("ตาราง CSV (เปิดใน Excel ได้)", "CSV table (opens in Excel)"),
        "JSON": ("JSON (รูปแบบ CKAN DataStore)", "JSON (CKAN DataStore shape)"),
        "Parquet": ("Apache Parquet", "Apache Parquet"),
    }
    th, en = names.get(resource.format, (resource.format, resource.format))
    return {
        "id": str(resource.pk),
        "package_id": str(dataset.pk),
        "url": download_url(resource, dataset.name),
        "name": f"{dataset.title_th}: {th}",
        "name_translated": {"th": f"{dataset.title_th}: {th}", "en": f"{dataset.title_en}: {en}"},
        "description": "",
        "format": resource.format,
        "mimetype": resource.mimetype,
        "mimetype_inner": None,
        "size": resource.size,
        "hash": resource.sha256,
        "created": iso(resource.created),
        "last_modified": iso(resource.modified),
        "metadata_modified": iso(resource.modified),
        "position": resource.position,
        "resource_type": None,
        "url_type": "upload",
        "cache_url": None,
        "cache_last_updated": None,
        "datastore_active": False,
        "state": "active",
    }


def tag_dict(name: str) -> dict[str, Any]:
    return {
        "id": stable_id("tag", name),
        "name": name,
        "display_name": name,
        "state": "active",
        "vocabulary_id": None,
    }


def package_dict(dataset: Dataset, categories: dict[str, Category]) -> dict[str, Any]:
    """Return the dataset as ``package_show`` does (resources must be prefetched)."""
    resources = [resource_dict(r, dataset) for r in dataset.resources.all()]
    org = organization_dict(dataset.owner)
    extras = [
        {"key": "title_en", "value": dataset.title_en},
        {"key": "language", "value": "th,en"},
    ]
    if dataset.first_month and dataset.last_month:
        extras += [
            {"key": "temporal_start", "value": dataset.first_month.isoformat()},
            {"key": "temporal_end", "value": dataset.last_month.isoformat()},
        ]
    out: dict[str, Any] = {
        "id": str(dataset.pk),
        "name": dataset.name,
        "title": dataset.title_th,
        "title_translated": {"th": dataset.title_th, "en": dataset.title_en},
        "notes": dataset.notes_th,
        "notes_translated": {"th": dataset.notes_th, "en": dataset.notes_en},
        "url": f"{_base()}/dataset/{dataset.name}",
        "version": None,
        "state": "active",
        "private": False,
        "type": "dataset",
        "license_id": LICENSE_ID,
        "license_title": LICENSE_TITLE,
        "license_url": LICENSE_URL,
        "isopen": True,
        "author": None,
        "author_email": None,
        "maintainer": dataset.owner.name_th,
        "maintainer_email": settings.OPENDATA_CONTACT_EMAIL or None,
        "creator_user_id": None,
        "metadata_created": iso(dataset.created),
        "metadata_modified": iso(dataset.modified),
        "owner_org": org["id"],
        "organization": org,
        "tags": [tag_dict(t) for t in dataset.tags],
        "num_tags": len(dataset.tags),
        "groups": [
            {
                k: v
                for k, v in group_dict(categories[code]).items()
                if k in {"id", "name", "title", "display_name", "description", "image_display_url"}
            }
            for code in dataset.groups
            if code in categories
        ],
        "extras": extras,
        "resources": resources,
        "num_resources": len(resources),
        "relationships_as_subject": [],
        "relationships_as_object": [],
        "created_date": dataset.created.date().isoformat(),
        "last_updated_date": dataset.modified.date().isoformat(),
    }
    out.update(dataset.thai_fields)
    return out


def _datasets() -> QuerySet[Dataset]:
    files = Resource.objects.defer("content").order_by("position")
    return Dataset.objects.select_related("owner").prefetch_related(
        Prefetch("resources", queryset=files)
    )


def _dicts(datasets: Iterable[Dataset]) -> list[dict[str, Any]]:
    datasets = list(datasets)
    codes = {code for d in datasets for code in d.groups}
    categories = {c.code: c for c in Category.objects.filter(code__in=codes)}
    return [package_dict(d, categories) for d in datasets]


def _find(identifier: str) -> Dataset:
    qs = _datasets()
    try:
        uid = uuid.UUID(identifier)
    except ValueError:
        found = qs.filter(name=identifier).first()
    else:
        found = qs.filter(pk=uid).first()
    if found is None:
        raise NotFound()
    return found


# --- search ----------------------------------------------------------------------------

# field:value, field:"quoted value", field:(a OR b), field:[from TO to], with an optional
# leading + (must) or - (must not).
_CLAUSE = re.compile(
    r"(?P<sign>[+-]?)(?P<field>[A-Za-z_][\w.]*):"
    r'(?P<value>"[^"]*"|\([^)]*\)|\[[^\]]*\]|\{[^}]*\}|[^\s"()\[\]]+)'
)
_DATE_FIELDS = {"metadata_modified": "modified", "metadata_created": "created"}
_DIRECT = {"name": "name", "id": "id", "owner_org": "owner_org", "title": "title"}


def _values(raw: str) -> list[str]:
    raw = raw.strip()
    if raw.startswith("(") and raw.endswith(")"):
        parts = re.split(r"\s+OR\s+", raw[1:-1].strip())
        return [p.strip().strip('"') for p in parts if p.strip()]
    return [raw.strip('"')]


def _date(value: str) -> datetime | None:
    if value == "*":
        return None
    text = value.strip().upper().replace("NOW", "")
    moment = parse_datetime(value.strip().replace("Z", "+00:00"))
    if moment is None:
        raise SearchQueryError(f"Invalid date in range: {text}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _clause(field: str, raw: str) -> Q:
    """Return the filter one fq/q clause stands for."""
    if field in {"type", "dataset_type"}:
        return Q() if _values(raw) == ["dataset"] else Q(pk__in=[])
    if field in {"state", "capacity", "site_id", "entity_type"}:
        return (
            Q() if _values(raw)[0] in {"active", "public", "package", "dataset"} else Q(pk__in=[])
        )
    if field in {"private"}:
        return Q() if _values(raw) == ["false"] else Q(pk__in=[])
    if field in _DATE_FIELDS:
        if not raw.startswith(("[", "{")):
            raise SearchQueryError(f"{field} needs a range such as [2024-01-01T00:00:00Z TO *]")
        inclusive = raw.startswith("[")
        parts = raw[1:-1].split(" TO ")
        if len(parts) != 2:
            raise SearchQueryError(f"Invalid range: {raw}")
        low, high = (_date(p.strip()) for p in parts)
        column = _DATE_FIELDS[field]
        q = Q()
        if low is not None:
            q &= Q(**{f"{column}__{'gte' if inclusive else 'gt'}": low})
        if high is not None:
            q &= Q(**{f"{column}__{'lte' if inclusive else 'lt'}": high})
        return q
    values = _values(raw)
    if field == "name":
        return Q(name__in=values)
    if field == "id":
        ids = []
        for value in values:
            try:
                ids.append(uuid.UUID(value))
            except ValueError:
                continue
        return Q(pk__in=ids)
    if field == "owner_org":
        codes = _org_codes_for_ids(values)
        return Q(owner__code__in=codes)
    if field in {"title", "text"}:
        return Q(pk__in=_text_match(" ".join(values)).keys())
    if field not in FILTER_FIELDS:
        raise SearchQueryError(f"undefined field {field}")
    return Q(pk__in=DatasetFacet.objects.filter(field=field, value__in=values).values("dataset_id"))


def _org_codes_for_ids(ids: list[str]) -> list[str]:
    codes = Dataset.objects.values_list("owner__code", flat=True).distinct()
    return [code for code in codes if stable_id("organization", code) in ids]


def _filters(text: str) -> tuple[Q, str]:
    """Split a Solr-style query into its field clauses (a filter) and the free text left."""
    condition = Q()
    rest = text
    for match in _CLAUSE.finditer(text):
        q = _clause(match["field"], match["value"])
        condition &= ~q if match["sign"] == "-" else q
        rest = rest.replace(match.group(0), " ")
    rest = re.sub(r"\b(AND|OR)\b", " ", rest).strip()
    return condition, rest


def _prefix(term: str) -> Q:
    """Terms starting with ``term`` (itself included), in a form the term index serves.

    SQLite's LIKE ignores case and so cannot use the index; its default binary
    collation makes a range exact instead. PostgreSQL keeps LIKE, which is
    right under any collation.
    """
    if connection.vendor == "sqlite":
        return Q(term__gte=term, term__lt=term + "\U0010ffff")
    return Q(term__startswith=term)


def _text_match(text: str) -> dict[Any, float]:
    """Return dataset id -> score for free text; every word must match (as CKAN's q does)."""
    wanted = list(dict.fromkeys(terms(text)))
    if not wanted:
        return {}
    condition = Q()
    for term in wanted:
        condition |= _prefix(term)
    matched: dict[Any, set[str]] = defaultdict(set)
    score: dict[Any, float] = defaultdict(float)
    rows = DatasetTerm.objects.filter(condition).values_list("dataset_id", "term", "weight")
    for dataset_id, term, weight in rows:
        for q in wanted:
            if term == q:
                matched[dataset_id].add(q)
                score[dataset_id] += weight
            elif term.startswith(q):
                matched[dataset_id].add(q)
                score[dataset_id] += weight / 2
    return {d: score[d] for d, found in matched.items() if len(found) == len(wanted)}


_SORTS = {
    "score": None,
    "metadata_modified": "modified",
    "metadata_created": "created",
    "name": "name",
    "title_string": "title_th",
    "title": "title_th",
    "id": "id",
}


def _ordering(sort: str, scored: bool) -> tuple[list[str], bool]:
    """Return the ORDER BY of a CKAN sort and whether it starts with the score."""
    order: list[str] = []
    score_first = False
    for index, part in enumerate(p.strip() for p in sort.split(",") if p.strip()):
        bits = part.split()
        if len(bits) != 2 or bits[0] not in _SORTS or bits[1].lower() not in {"asc", "desc"}:
            raise SearchQueryError(f"Can't determine a sort order from {part!r}")
        column = _SORTS[bits[0]]
        if column is None:
            score_first = score_first or (index == 0 and scored)
            continue
        order.append(("-" if bits[1].lower() == "desc" else "") + column)
    # Ties are broken by id, so that paging never repeats or skips a dataset.
    if "id" not in order and "-id" not in order:
        order.append("id")
    return order, score_first


def _facet_fields(params: dict[str, Any]) -> list[str]:
    raw = params.get("facet.field")
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ValidationError({"facet.field": ["Invalid JSON list"]}) from None
    if not isinstance(raw, list) or not all(isinstance(f, str) for f in raw):
        raise ValidationError({"facet.field": ["Must be a list of strings"]})
    unknown = [f for f in raw if f not in FILTER_FIELDS]
    if unknown:
        raise SearchQueryError(f"undefined field {unknown[0]}")
    return raw


def _facets(
    ids: QuerySet[Dataset], fields: list[str], limit: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for name in fields:
        counts = (
            DatasetFacet.objects.filter(field=name, dataset__in=ids)
            .values("value")
            .annotate(n=Count("dataset", distinct=True))
            .order_by("-n", "value")
        )
        if limit >= 0:
            counts = counts[:limit]
        facets[name] = {row["value"]: row["n"] for row in counts}
        titles = _display_names(name, list(facets[name]))
        search_facets[name] = {
            "title": name,
            "items": [
                {"name": value, "display_name": titles.get(value, value), "count": n}
                for value, n in facets[name].items()
            ],
        }
    return facets, search_facets


def _display_names(field: str, values: list[str]) -> dict[str, str]:
    if field == "organization":
        return dict(Agency.objects.filter(code__in=values).values_list("code", "name_th"))
    if field == "groups":
        return dict(Category.objects.filter(code__in=values).values_list("code", "name_th"))
    return {}


def package_search(params: dict[str, Any]) -> dict[str, Any]:
    """Search datasets: q (text and field:value), fq, sort, rows, start, facet.field."""
    rows = _int(params, "rows", ROWS_DEFAULT, ROWS_MAX)
    start = _int(params, "start", 0)
    facet_limit = _text(params.get("facet.limit") or "50")
    try:
        limit = int(facet_limit)  # -1: every value
    except ValueError:
        raise ValidationError({"facet.limit": ["Invalid integer"]}) from None
    fields = _facet_fields(params)
    q_filter, text = _filters(_text(params.get("q", "")).strip())
    fq_filter, fq_rest = _filters(_text(params.get("fq", "")).strip())
    if fq_rest and fq_rest not in {"*:*", "*"}:
        raise SearchQueryError(f"fq clause without a field: {fq_rest}")
    text = "" if text in {"*:*", "*", ""} else text
    scores = _text_match(text) if text else None
    qs = Dataset.objects.filter(q_filter & fq_filter)
    if scores is not None:
        qs = qs.filter(pk__in=list(scores))
    default_sort = "score desc, metadata_modified desc" if scores else "metadata_modified desc"
    sort = _text(params.get("sort") or default_sort)
    order, score_first = _ordering(sort, scores is not None)
    count = qs.count()
    if score_first and scores is not None:
        ordered = list(qs.order_by(*order).values_list("pk", flat=True))
        ordered.sort(key=lambda pk: -scores[pk])  # stable: ties keep the other keys' order
        page_ids = ordered[start : start + rows]
        found = {d.pk: d for d in _datasets().filter(pk__in=page_ids)}
        page = [found[pk] for pk in page_ids]
    else:
        # Pick the page's ids first: sorting whole rows to skip most of them is slow.
        page_ids = list(qs.order_by(*order).values_list("pk", flat=True)[start : start + rows])
        found = {d.pk: d for d in _datasets().filter(pk__in=page_ids)}
        page = [found[pk] for pk in page_ids]
    facets, search_facets = _facets(qs, fields, limit)
    return {
        "count": count,
        "sort": sort,
        "facets": facets,
        "search_facets": search_facets,
        "results": _dicts(page),
    }


# --- the other actions -----------------------------------------------------------------


def package_list(params: dict[str, Any]) -> list[str]:
    """Names of all datasets, in name order: limit, offset."""
    limit = _int(params, "limit", 0)
    offset = _int(params, "offset", 0)
    names = Dataset.objects.order_by("name").values_list("name", flat=True)
    return list(names[offset : offset + limit] if limit else names[offset:])


def package_show(params: dict[str, Any]) -> dict[str, Any]:
    """One dataset with its resources, by id or name."""
    identifier = _text(params.get("id") or params.get("name_or_id") or "")
    if not identifier:
        raise ValidationError({"id": ["Missing value"]})
    return _dicts([_find(identifier)])[0]


def current_package_list_with_resources(params: dict[str, Any]) -> list[dict[str, Any]]:
    """Datasets with their resources, most recently modified first: limit, offset."""
    limit = _int(params, "limit", 0)
    offset = _int(params, "offset", 0)
    qs = _datasets().order_by("-modified", "id")
    return _dicts(qs[offset : offset + limit] if limit else qs[offset:])


def resource_show(params: dict[str, Any]) -> dict[str, Any]:
    """One resource (a downloadable file of a dataset), by id."""
    identifier = _require(params, "id")
    try:
        uid = uuid.UUID(identifier)
    except ValueError:
        raise NotFound("Resource was not found.") from None
    resource = Resource.objects.defer("content").select_related("dataset").filter(pk=uid).first()
    if resource is None:
        raise NotFound("Resource was not found.")
    return resource_dict(resource, resource.dataset)


def _agencies_with_datasets() -> dict[str, int]:
    return dict(Dataset.objects.values_list("owner__code").annotate(n=Count("id")).order_by())


def _sorted(items: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    key, _, direction = sort.strip().partition(" ")
    if key not in {"name", "title", "package_count"}:
        raise ValidationError({"sort": [f"Cannot sort by field `{key}`"]})
    return sorted(items, key=lambda d: d[key], reverse=direction.strip().lower() == "desc")


def _listing(
    items: list[dict[str, Any]], params: dict[str, Any]
) -> list[dict[str, Any]] | list[str]:
    items = _sorted(items, _text(params.get("sort") or "title asc"))
    offset = _int(params, "offset", 0)
    limit = _int(params, "limit", 0)
    items = items[offset : offset + limit] if limit else items[offset:]
    if _bool(params.get("all_fields", False)):
        return items
    return [item["name"] for item in items]


def organization_list(params: dict[str, Any]) -> list[dict[str, Any]] | list[str]:
    """Publishing agencies: sort, limit, offset, all_fields."""
    counts = _agencies_with_datasets()
    agencies = Agency.objects.filter(code__in=list(counts))
    return _listing([organization_dict(a, counts[a.code]) for a in agencies], params)


def _datasets_of(q: Q) -> list[dict[str, Any]]:
    return _dicts(_datasets().filter(q).order_by("name")[:1000])


def _by_name_or_id(candidates: Iterable[Any], kind: str, identifier: str) -> Any:
    """Return the organization or group whose code or stable id is ``identifier``, or None."""
    return next((c for c in candidates if identifier in {c.code, stable_id(kind, c.code)}), None)


def organization_show(params: dict[str, Any]) -> dict[str, Any]:
    """One publishing agency by id or name; include_datasets lists its datasets."""
    identifier = _require(params, "id")
    counts = _agencies_with_datasets()
    agency = _by_name_or_id(
        Agency.objects.filter(code__in=list(counts)), "organization", identifier
    )
    if agency is None:
        raise NotFound("Organization was not found.")
    out = organization_dict(agency, counts[agency.code])
    out |= {"users": [], "tags": [], "groups": [], "extras": []}
    if _bool(params.get("include_datasets", False)):
        out["packages"] = _datasets_of(Q(owner=agency))
    return out


def _group_counts() -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in (
        DatasetFacet.objects.filter(field="groups")
        .values("value")
        .annotate(n=Count("dataset", distinct=True))
    ):
        counts[row["value"]] = row["n"]
    return counts


def group_list(params: dict[str, Any]) -> list[dict[str, Any]] | list[str]:
    """Groups (the catalog's service categories): sort, limit, offset, all_fields."""
    counts = _group_counts()
    categories = Category.objects.filter(code__in=list(counts))
    return _listing([group_dict(c, counts[c.code]) for c in categories], params)


def group_show(params: dict[str, Any]) -> dict[str, Any]:
    """One group by id or name; include_datasets lists its datasets."""
    identifier = _require(params, "id")
    counts = _group_counts()
    category = _by_name_or_id(Category.objects.filter(code__in=list(counts)), "group", identifier)
    if category is None:
        raise NotFound("Group was not found.")
    out = group_dict(category, counts[category.code])
    out |= {"users": [], "tags": [], "groups": [], "extras": []}
    if _bool(params.get("include_datasets", False)):
        ids = DatasetFacet.objects.filter(field="groups", value=category.code).values("dataset_id")
        out["packages"] = _datasets_of(Q(pk__in=ids))
    return out


def status_show(params: dict[str, Any]) -> dict[str, Any]:
    """The site's title, address, default language and the CKAN API version it follows."""
    return {
        "site_title": "eservice",
        "site_description": "Open data of government services: catalog and performance",
        "site_url": _base(),
        "ckan_version": CKAN_VERSION,
        "eservice_version": __version__,
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": ["scheming_datasets", "thai_gdc", "dcat", "fluent"],
    }


def help_show(params: dict[str, Any]) -> str:
    """The documentation of an action, by name."""
    name = _require(params, "name")
    action = ACTIONS.get(name)
    if action is None:
        raise NotFound(f"Action function not found: {name}")
    return (action.__doc__ or name).strip()


ACTIONS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "package_list": package_list,
    "package_show": package_show,
    "package_search": package_search,
    "current_package_list_with_resources": current_package_list_with_resources,
    "resource_show": resource_show,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "group_show": group_show,
    "status_show": status_show,
    "help_show": help_show,
}
