"""Public API of the law catalog: one search over laws, sections and services,
and each law and section with its links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from eservice.catalog.serializers import error_responses
from eservice.core.errors import ValidationFailed
from eservice.core.i18n import current_language
from eservice.core.parsers import JSONParser
from eservice.laws import services
from eservice.laws.backends import Filters
from eservice.laws.models import Law
from eservice.laws.search import MAX_QUERY, search
from eservice.laws.serializers import (
    LawDetailSerializer,
    LawSerializer,
    SearchQuerySerializer,
    SearchResultSerializer,
    SectionSerializer,
)

TAG = "Laws"


def search_rate(group: str, request: Any) -> str:
    """Searches allowed per client address, the page's and the API's together."""
    return settings.SEARCH_RATE_LIMIT


def filters_from(data: dict[str, Any]) -> Filters:
    law_ids: list[int] = []
    if data.get("law"):
        law_ids = list(Law.objects.filter(code=data["law"]).values_list("pk", flat=True)) or [0]
    return Filters(
        kinds=sorted(data.get("kind") or []),
        law_types=sorted(data.get("type") or []),
        statuses=sorted(data.get("status") or []),
        agencies=[data["agency"]] if data.get("agency") else [],
        law_ids=law_ids,
    )


_SEARCH_TEXT = (
    "One ranked search over the law catalog and the service catalog. Thai is "
    "segmented into words; Thai and Arabic digits are alike; English words search the "
    'English titles and texts. A section reference in the query ("มาตรา 65 ทวิ '
    'ประมวลรัษฎากร", "มาตรา 40 (2) และมาตรา 50 ทวิ แห่งประมวลรัษฎากร", "section 44 '
    'Building Control Act") puts that section of the law it names first (`exact`); a '
    "law not in the catalog finds nothing, and a section named without any law lists "
    "that section of the laws that fit the question best. A long question (the facts of "
    "a case) is searched by its most telling words. Filters `type` and `status` leave out "
    "services. Public; no sign-in needed; limited per client address (`SEARCH_RATE_LIMIT`, "
    "default 60 a minute, shared with the search page)."
)


class Search(APIView):
    permission_classes = [AllowAny]
    # Public and read-only: no session, so a signed-in browser's POST needs no CSRF token.
    authentication_classes: list[type] = []
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="search",
        summary="Search laws, sections and services",
        parameters=[SearchQuerySerializer],
        description=_SEARCH_TEXT,
        responses={200: SearchResultSerializer, **error_responses(400, 429)},
    )
    @method_decorator(ratelimit(key="ip", rate=search_rate, group="search", block=True))
    def get(self, request: Request) -> Response:
        return self._search(request.query_params)

    @extend_schema(
        tags=[TAG],
        operation_id="search_long",
        summary="Search laws, sections and services with a long question",
        request=SearchQuerySerializer,
        description=_SEARCH_TEXT
        + f" The same search as `GET /api/v1/search/`, for a question too long for a URL "
        f"(up to {MAX_QUERY:,} characters): the parameters go in a JSON body, filters as "
        'lists (`{"q": "…", "kind": ["section"]}`).',
        responses={200: SearchResultSerializer, **error_responses(400, 429)},
    )
    @method_decorator(ratelimit(key="ip", rate=search_rate, group="search", block=True))
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise ValidationFailed(_("Send the search as a JSON object."))
        return self._search(request.data)

    def _search(self, given: Any) -> Response:
        params = SearchQuerySerializer(data=given)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = filters_from(data)
        if filters.law_types or filters.statuses:
            filters.kinds = [k for k in filters.kinds or ["law", "section"] if k != "service"]
        results = search(
            data["q"],
            filters=filters,
            limit=data["limit"],
            offset=data["offset"],
            lang=current_language(),
        )
        body = {"query": results.query, "count": results.total, "results": results.hits}
        return Response(SearchResultSerializer(body).data)


class LawList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        operation_id="laws_list",
        summary="List the laws in the catalog",
        responses={200: LawSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        qs = services.laws(
            law_type=request.query_params.get("type", ""),
            status=request.query_params.get("status", ""),
            agency=request.query_params.get("agency", ""),
        )
        return Response(LawSerializer(qs, many=True).data)


class LawDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        operation_id="laws_retrieve",
        summary="Read a law: its amendments, sections and the services it creates",
        responses={200: LawDetailSerializer, **error_responses(404)},
    )
    def get(self, request: Request, code: str) -> Response:
        law = services.law_by_code(code)
        links = [vars(s) for s in services.services_for_law(law)]
        return Response(LawDetailSerializer(law, context={"services": links}).data)


class SectionDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        operation_id="laws_section_retrieve",
        summary="Read a section: its text, what it cites, what cites it, services resting on it",
        responses={200: SectionSerializer, **error_responses(404)},
    )
    def get(self, request: Request, code: str, number: str) -> Response:
        section = services.section_by_slug(code, number)
        return Response(SectionSerializer(section).data)
