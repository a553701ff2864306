"""The token exchange: a username and password in, a new API token out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth import authenticate, get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import tokens


class TokenRequestSerializer(serializers.Serializer):
    # No username is longer, and a longer one would not fit django-axes' record of the failure
    # (a 500 on PostgreSQL).
    username = serializers.CharField(
        max_length=get_user_model()._meta.get_field("username").max_length
    )
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100, required=False, default="", help_text="What the token is for."
    )
    expires_in_days = serializers.IntegerField(
        min_value=0,
        max_value=tokens.MAX_DAYS,
        required=False,
        help_text="Days until the token expires; 0: never. Default: API_TOKEN_DEFAULT_DAYS.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Through authenticate(), so that django-axes counts a failure.
        user = authenticate(
            request=self.context["request"], username=attrs["username"], password=attrs["password"]
        )
        if user is None:
            raise serializers.ValidationError(
                "Unable to log in with provided credentials.", code="authorization"
            )
        attrs["user"] = user
        return attrs


class NewTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The secret. It is shown this once only.")
    expires = serializers.DateTimeField(allow_null=True, help_text="Null: never.")


class ObtainTokenView(APIView):
    """A new API token for a username and password, refused while either is locked out.

    Each call makes a new token (the secrets of earlier ones are not kept, so cannot be
    returned). The lockout itself is django-axes' (the failures it counts through
    `authenticate()`), the same as on the login forms; an API client gets it as a 429 with a
    JSON body.
    """

    # A stale or revoked token sent along out of habit must not stand in the way of a new one.
    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    @extend_schema(request=TokenRequestSerializer, responses={200: NewTokenSerializer})
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, Mapping) else {}
        # A NUL byte cannot be stored (PostgreSQL); the serializer refuses such a username.
        username = str(data.get("username", "")).replace("\x00", "")
        if not AxesProxyHandler.is_allowed(request, {"username": username}):
            cool_off = get_cool_off(request)
            raise exceptions.Throttled(
                wait=cool_off.total_seconds() if cool_off else None,
                detail=(
                    "Too many failed logins for this username or from this address. "
                    + lockout_advice(cool_off)
                ),
            )
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # Answered, not raised: a raised error would roll back the request's transaction
            # and with it the failure that axes has just recorded.
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        asked = serializer.validated_data
        days = asked["expires_in_days"] if "expires_in_days" in asked else tokens.default_days()
        token, secret = tokens.issue(asked["user"], name=asked["name"], days=days or None)
        return Response(NewTokenSerializer({"token": secret, "expires": token.expires}).data)


def lockout_advice(cool_off: timedelta | None) -> str:
    if cool_off is None:
        return "Ask an administrator to unlock the account."
    minutes = max(round(cool_off.total_seconds() / 60), 1)
    return f"Try again in {minutes} minutes, or ask an administrator to unlock the account."


obtain_token = ObtainTokenView.as_view()
