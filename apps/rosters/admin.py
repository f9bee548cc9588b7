"""Roster imports and exports in Django's admin: read-only, for superusers looking into a
problem. Imports and exports are written only by apps.rosters.services and the worker; the
encrypted query of an export is never shown."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.rosters.models import RosterExport, RosterImport


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "school", "kind", "file_name", "status", "new", "updated",
                    "unchanged", "rejected", "user", "applied_by")
    list_filter = ("status", "kind")
    search_fields = ("=sha256", "file_name")
    list_select_related = ("school", "user", "applied_by")
    show_full_result_count = False
    date_hierarchy = "created_at"


@admin.register(RosterExport)
class RosterExportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "list_name", "reveal", "status", "rows")
    list_filter = ("status", "list_name", "reveal")
    list_select_related = ("user",)
    show_full_result_count = False
    exclude = ("query_cipher",)
