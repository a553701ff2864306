from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Show the user's API token; POST replaces it, so the old one stops working at once."""
    user = request.user
    assert user.is_authenticated  # login_required
    if request.method == "POST":
        Token.objects.filter(user=user).delete()
        Token.objects.create(user=user)
        return redirect("api-token")
    token, _ = Token.objects.get_or_create(user=user)
    return render(request, "accounts/api_token.html", {"token": token})


class ObtainTokenView(ObtainAuthToken):
    """DRF's token exchange, refused while the username or the address is locked out.

    The lockout itself is django-axes' (the failures it counts through `authenticate()`), the
    same as on the login forms; an API client gets it as a 429 with a JSON body.
    """

    # DRF's view has no throttle at all; this one counts like the rest of the API.
    throttle_classes = APIView.throttle_classes

    def post(self, request, *args, **kwargs):
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
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # Answered, not raised: a raised error would roll back the request's transaction
            # and with it the failure that axes has just recorded.
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


def lockout_advice(cool_off: timedelta | None) -> str:
    if cool_off is None:
        return "Ask an administrator to unlock the account."
    minutes = max(round(cool_off.total_seconds() / 60), 1)
    return f"Try again in {minutes} minutes, or ask an administrator to unlock the account."


obtain_token = ObtainTokenView.as_view()
