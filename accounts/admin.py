from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import ApiToken, User

admin.site.register(User, UserAdmin)


class TokenStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("usable", "Usable"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() == "usable":
            return queryset.usable()
        if self.value() == "expired":
            return queryset.filter(revoked=None, expires__lte=timezone.now())
        if self.value() == "revoked":
            return queryset.filter(~Q(revoked=None))
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Whose tokens exist and when they were used; staff may revoke them, never read them.

    Only a digest of each secret is stored, and it is not shown either; tokens are made by
    their owners on the API token page, the one place a secret is shown.
    """

    list_display = ["__str__", "user", "created", "expires", "last_used", "revoked"]
    list_filter = [TokenStateFilter]
    search_fields = ["user__username", "prefix", "name"]
    list_select_related = ["user"]
    fields = readonly_fields = (
        "user",
        "name",
        "prefix",
        "created",
        "expires",
        "last_used",
        "revoked",
    )
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = queryset.filter(revoked=None).update(revoked=timezone.now())
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)
