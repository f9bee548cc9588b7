"""Policy rows in Django's admin: read-only, for superusers looking into a problem. Writes
go through apps.policy.services (scope, the never-loosen check, history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin import ReadOnlyAdminMixin
from apps.policy.models import PolicyOverride, ProvincePolicy


class ReadOnlyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    pass


@admin.register(ProvincePolicy)
class ProvincePolicyAdmin(ReadOnlyAdmin):
    list_display = ("province_code", "pack_id", "pack_version", "chosen_by", "chosen_at")


@admin.register(PolicyOverride)
class PolicyOverrideAdmin(ReadOnlyAdmin):
    list_display = ("param", "value", "pack_id", "bureau", "school", "created_by", "created_at")
    list_filter = ("pack_id",)
    list_select_related = ("bureau", "school", "created_by")
    raw_id_fields = ("bureau", "school")
