"""Public catalog API: search services and read a service's current manual."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from eservice.catalog.models import Service
from eservice.catalog.serializers import (
    ServiceDetailSerializer,
    ServiceListSerializer,
    ServiceQuerySerializer,
    error_responses,
)
from eservice.catalog.services import find_services, service_by_code

TAG = "Catalog"


class ServiceList(generics.ListAPIView):
    """Search the services open for applications."""

    permission_classes = [AllowAny]
    serializer_class = ServiceListSerializer

    def get_queryset(self) -> list[Service]:  # type: ignore[override]
        query = ServiceQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return find_services(
            query.validated_data["q"],
            query.validated_data["agency"],
            query.validated_data["category"],
        )

    @extend_schema(
        tags=[TAG],
        operation_id="services_list",
        parameters=[ServiceQuerySerializer],
        summary="Search services",
        description="Active services, filtered by agency and category codes and ranked by "
        "the words of `q` (Thai is segmented into words). Public; no sign-in needed.",
        responses={200: ServiceListSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        return self.list(request)


class ServiceDetail(generics.GenericAPIView):
    """Read a service's current manual."""

    permission_classes = [AllowAny]
    serializer_class = ServiceDetailSerializer

    @extend_schema(
        tags=[TAG],
        operation_id="services_retrieve",
        summary="Read a service's manual",
        description="The service's full current manual: legal basis, conditions, steps and "
        "their time limits, required documents, fees, channels, complaints and the "
        "application form. Public; no sign-in needed.",
        responses={200: ServiceDetailSerializer, **error_responses(404)},
    )
    def get(self, request: Request, code: str) -> Response:
        service = service_by_code(code)
        return Response(ServiceDetailSerializer(service.current_version).data)
