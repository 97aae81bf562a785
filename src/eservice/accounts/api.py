"""API sign-in: exchange a username and password for a token."""

from __future__ import annotations

from django.conf import settings
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from eservice.audit.actions import record
from eservice.catalog.serializers import ErrorSerializer
from eservice.core.errors import DomainError


def _login_rate(group: str, request: object) -> str:
    return settings.LOGIN_RATE_LIMIT


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send it as `Authorization: Token <token>` with every request."
    )


class ObtainToken(ObtainAuthToken):
    """Return the user's API token, creating it on first sign-in."""

    # No session here: a browser's session cookie must not make this need a CSRF token.
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["Authentication"],
        operation_id="auth_token_create",
        summary="Get an API token",
        description="Exchange a username and password for the account's token. The same "
        "token is returned until it is revoked.",
        request=AuthTokenSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Wrong username or password, or an inactive account (`code` "
                "`invalid_credentials`), or a missing field (`code` `invalid`).",
            ),
        },
        auth=[],
    )
    @method_decorator(ratelimit(key="ip", rate=_login_rate, group="login", block=True))
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            problems = serializer.errors
            if "non_field_errors" in problems:
                raise DomainError(problems["non_field_errors"][0], code="invalid_credentials")
            raise exceptions.ValidationError(problems)
        user = serializer.validated_data["user"]
        token, created = Token.objects.get_or_create(user=user)
        if created:
            record(user.username, "accounts.token_issued", "user", str(user.pk), {})
        return Response(TokenSerializer({"token": token.key}).data)
