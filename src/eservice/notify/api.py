"""API of the notify module: my messages and choices, and SMS delivery receipts."""

from __future__ import annotations

import hmac

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from eservice.catalog.serializers import error_responses
from eservice.core.errors import Forbidden
from eservice.core.web import signed_in
from eservice.notify import inbox, outbox
from eservice.notify.models import Notification

TAG = "Messages"


class MessageSerializer(serializers.ModelSerializer[Notification]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    tracking_number = serializers.CharField(
        source="application.tracking_number", default=None, read_only=True
    )
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "subject", "body", "tracking_number", "created_at", "read"]

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class PreferenceSerializer(serializers.Serializer[dict[str, object]]):
    email = serializers.BooleanField()
    sms = serializers.BooleanField()
    language = serializers.ChoiceField(choices=["th", "en"])
    sms_available = serializers.BooleanField(read_only=True)


class ReceiptSerializer(serializers.Serializer[dict[str, str]]):
    reference = serializers.CharField(max_length=200)
    status = serializers.ChoiceField(choices=sorted(outbox.RECEIPT_STATUSES))


class MyMessages(ListAPIView[Notification]):
    serializer_class = MessageSerializer

    @extend_schema(
        tags=[TAG],
        operation_id="my_messages",
        summary="My inbox: messages about my applications, newest first",
        description="Reading the list does not mark messages read; the web inbox does.",
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return inbox.messages_of(signed_in(self.request))


class MyPreferences(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="my_notification_preferences",
        summary="How I hear of changes: channels and language",
        responses={200: PreferenceSerializer},
    )
    def get(self, request: Request) -> Response:
        preference = outbox.preference_for(signed_in(request))
        return Response(self._body(preference))

    @extend_schema(
        tags=[TAG],
        operation_id="my_notification_preferences_update",
        summary="Choose channels (the inbox always receives) and language",
        request=PreferenceSerializer,
        responses={200: PreferenceSerializer, **error_responses(400)},
    )
    def put(self, request: Request) -> Response:
        data = PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        preference = outbox.set_preferences(
            signed_in(request),
            email=data.validated_data["email"],
            sms=data.validated_data["sms"],
            language=data.validated_data["language"],
        )
        return Response(self._body(preference))

    @staticmethod
    def _body(preference: object) -> dict[str, object]:
        return {
            "email": getattr(preference, "email"),  # noqa: B009
            "sms": getattr(preference, "sms"),  # noqa: B009
            "language": getattr(preference, "language"),  # noqa: B009
            "sms_available": outbox.sms_available(),
        }


class SmsReceipt(APIView):
    """Delivery receipts from the SMS provider, authenticated by a shared token."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=[TAG],
        operation_id="sms_receipt",
        summary="SMS provider: report the final delivery status of a message",
        description="Send `Authorization: Bearer <SMS_RECEIPT_TOKEN>`. `reference` is the "
        "reference the platform sent with the message, or the provider's id.",
        request=ReceiptSerializer,
        responses={204: None, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request) -> Response:
        token = settings.SMS_RECEIPT_TOKEN
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token or not hmac.compare_digest(given.encode(), token.encode()):
            raise Forbidden("invalid receipt token")
        data = ReceiptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outbox.receipt(data.validated_data["reference"], data.validated_data["status"])
        return Response(status=204)
