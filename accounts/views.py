from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import tokens
from accounts.forms import NewTokenForm
from accounts.models import ApiToken, User


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """The user's API tokens; POST makes a new one, whose secret only this answer shows.

    The secret is rendered here and kept nowhere (no session, no redirect to it), and the
    answer is marked never to be cached.
    """
    user = request.user
    assert isinstance(user, User)  # login_required
    form = NewTokenForm(request.POST or None)
    new_token, secret = None, None
    if form.is_valid():
        new_token, secret = tokens.issue(
            user, name=form.cleaned_data["name"], days=form.cleaned_data["expires_in"] or None
        )
        form = NewTokenForm()
    context = {
        "form": form,
        "new_token": new_token,
        "secret": secret,
        "tokens": ApiToken.objects.filter(user=user).usable(),
    }
    return render(request, "accounts/api_token.html", context)


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens: it stops working at once."""
    token = get_object_or_404(ApiToken, pk=pk, user_id=request.user.pk)
    token.revoke()
    messages.success(request, f"Token {token} revoked: it no longer works.")
    return redirect("api-token")


class LogoutView(auth_views.LogoutView):
    """Logs out on POST, from the button in every page's header. A GET, which any link or
    prefetch can make, logs no one out: it shows that button."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return render(request, "accounts/logout.html")
