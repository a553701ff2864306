from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token


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
