"""Accounts in Django's admin (superusers only; the admin does not go through scopes).

Tokens cannot be added here (the plaintext is made and shown once by the service), and
logs are read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from apps.access.models import AccessLog, ApiToken, LoginFailure, RoleAssignment, User
from apps.access.services import api_tokens_revoke
from apps.access.tokens import forget_tokens
from apps.core.admin import ReadOnlyAdmin as BaseReadOnlyAdmin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("bureau", "school", "unit", "hospital")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets,
                 (_("Shaodian"), {"fields": ("display_name", "phone", "language")}))
    list_display = ("username", "display_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "display_name")
    inlines = (RoleAssignmentInline,)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "bureau", "school", "unit", "hospital", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name")
    list_select_related = ("user", "bureau", "school", "unit", "hospital")
    autocomplete_fields = ("user", "bureau", "school", "unit", "hospital")


class ReadOnlyAdmin(BaseReadOnlyAdmin):
    allow_delete = True  # a superuser may clear tokens and logs


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "expires_at", "revoked_at", "last_used_at")
    search_fields = ("name", "prefix", "user__username")
    exclude = ("key_hash",)
    actions = ("revoke",)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        api_tokens_revoke(token_ids=list(queryset.values_list("pk", flat=True)))

    # A token deleted here must stop working at once, as a revoked one does.
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_tokens()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        forget_tokens()


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    list_display = ("username", "at", "ip")
    search_fields = ("username",)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "action", "object_type", "object_id", "fields", "reason")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "user__username")

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who looked must outlive the looking
