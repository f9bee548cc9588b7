"""Regions are reference data loaded by `manage.py load_regions`: read-only in the admin,
so a correction goes into data/overrides.yaml, where it is documented and survives a reload."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.regions.models import Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "full_name", "level", "kind", "valid_from", "valid_to", "successor")
    list_filter = ("level", "kind")
    search_fields = ("code", "name", "full_name")
    list_select_related = ("successor",)
    ordering = ("code",)
