"""Open data pages (dataset list, dataset with charts), downloads and DCAT documents.

Pages draw from the published JSON file itself, so a chart never shows a
figure that the download does not (suppressed counts stay empty).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from eservice.core.i18n import current_language, format_month, pick
from eservice.opendata import charts, ckan, dcat, tables
from eservice.opendata.models import Dataset, Resource

PAGE_SIZE = 20


@require_GET
def download(request: HttpRequest, name: str, resource_id: Any, filename: str) -> HttpResponse:
    """Serve a dataset's file, with a validator so that harvesters fetch it only when changed."""
    resource = Resource.objects.filter(pk=resource_id, dataset__name=name).first()
    if resource is None or resource.filename != filename:
        raise Http404
    etag = f'"{resource.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    content_type = resource.mimetype
    if resource.format in {"CSV", "JSON"}:
        content_type += "; charset=utf-8"
    response = HttpResponse(bytes(resource.content), content_type=content_type)
    response["ETag"] = etag
    response["Content-Disposition"] = content_disposition_header(True, resource.filename)
    response["Last-Modified"] = resource.modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        raise Http404 from None


@require_GET
def catalog_rdf(request: HttpRequest, fmt: str) -> HttpResponse:
    """The DCAT catalog, 100 datasets a page, with Hydra paging."""
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        raise Http404 from None
    body, content_type = dcat.catalog(page, fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def dataset_rdf(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """One dataset as DCAT."""
    body, content_type = dcat.dataset(name, fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    """Search and browse the published datasets."""
    query = request.GET.get("q", "").strip()[:200]
    organization = request.GET.get("organization", "").strip()[:64]
    params: dict[str, Any] = {
        "q": query,
        "rows": PAGE_SIZE,
        "start": (_page_number(request) - 1) * PAGE_SIZE,
        "facet.field": ["organization"],
        "facet.limit": -1,
        "sort": "score desc, name asc" if query else "name asc",
    }
    if organization:
        params["fq"] = f'organization:"{organization}"'
    try:
        found = ckan.package_search(params)
    except ckan.ActionError:
        found = {"count": 0, "results": [], "search_facets": {}}
    pages = Paginator(range(found["count"]), PAGE_SIZE)
    page = pages.get_page(_page_number(request))
    names = [d["name"] for d in found["results"]]
    datasets = {d.name: d for d in Dataset.objects.filter(name__in=names).select_related("owner")}
    organizations = ckan.organization_list({"all_fields": True, "sort": "name asc"})
    return render(
        request,
        "opendata/dataset_list.html",
        {
            "query": query,
            "organization": organization,
            "count": found["count"],
            "datasets": [datasets[n] for n in names if n in datasets],
            "organizations": organizations,
            "page": page,
        },
    )


def _records(dataset: Dataset) -> list[dict[str, Any]]:
    resource = Resource.objects.filter(dataset=dataset, format="JSON").first()
    if resource is None:
        return []
    return list(json.loads(bytes(resource.content))["records"])


def _series_options(records: list[dict[str, Any]], key: str) -> list[tuple[str, str, int]]:
    """Return (code, name, applications received) of each series in the file, busiest first."""
    label = "service_name" if key == "service_code" else "agency_name"
    lang = current_language()
    totals: dict[str, tuple[str, int]] = {}
    for r in records:
        name = pick(r.get(f"{label}_th", ""), r.get(f"{label}_en", ""), lang)
        _, total = totals.get(r[key], (name, 0))
        totals[r[key]] = (name, total + (r.get("received") or 0))
    return sorted(
        ((code, name, n) for code, (name, n) in totals.items()), key=lambda t: (-t[2], t[1])
    )


def _performance(records: list[dict[str, Any]], key: str, chosen: str) -> dict[str, Any]:
    rows = [r for r in records if r[key] == chosen]
    rows.sort(key=lambda r: r["month"])
    months = [date(int(r["month"][:4]), int(r["month"][5:7]), 1) for r in rows]
    labels = [format_month(m, short=True) for m in months]
    return {
        "charts": [
            {
                "caption": _("Applications received and decided"),
                "legend": [_("Received"), pgettext("count", "Decided")],
                "chart": charts.bars(
                    labels, [[r["received"] for r in rows], [r["completed"] for r in rows]]
                ),
            },
            {
                "caption": _("Share decided within the time limit"),
                "legend": [_("Decided in time")],
                "chart": charts.line(labels, [r["within_limit_share"] for r in rows]),
            },
            {
                "caption": _("Working days to decide"),
                "legend": [_("Median"), _("90th percentile")],
                "chart": charts.bars(
                    labels,
                    [
                        [r["median_working_days"] for r in rows],
                        [r["p90_working_days"] for r in rows],
                    ],
                ),
            },
            {
                "caption": _("Pending and overdue at month end"),
                "legend": [_("Pending"), _("Overdue")],
                "chart": charts.bars(
                    labels, [[r["pending"] for r in rows], [r["overdue"] for r in rows]]
                ),
            },
        ],
        "table": [(format_month(m), r) for m, r in zip(months, rows, strict=True)][::-1][:12],
    }


@require_GET
def dataset_page(request: HttpRequest, name: str) -> HttpResponse:
    """A dataset: what it holds, charts of its figures, and its files to download."""
    dataset = Dataset.objects.select_related("owner").filter(name=name).first()
    if dataset is None:
        raise Http404
    resources = list(Resource.objects.filter(dataset=dataset).defer("content"))
    records = _records(dataset)
    context: dict[str, Any] = {
        "dataset": dataset,
        "resources": [(r, ckan.download_url(r, dataset.name)) for r in resources],
        "thai": dataset.thai_fields,
        "first_month": format_month(dataset.first_month) if dataset.first_month else "",
        "last_month": format_month(dataset.last_month) if dataset.last_month else "",
        "rows": len(records),
        "min_count_less": tables.min_count() - 1,
    }
    if dataset.kind == Dataset.Kind.CATALOG:
        context["services"] = records[:200]
    else:
        key = "agency_code" if dataset.kind == Dataset.Kind.AGENCIES else "service_code"
        options = _series_options(records, key)
        codes = [o[0] for o in options]
        chosen = request.GET.get("s", "")
        if chosen not in codes:
            chosen = codes[0] if codes else ""
        context |= {"options": options, "chosen": chosen, "series_key": key}
        if chosen:
            context["chosen_name"] = next(o[1] for o in options if o[0] == chosen)
            context |= _performance(records, key, chosen)
    return render(request, "opendata/dataset_detail.html", context)
