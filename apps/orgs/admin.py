"""The org tree in Django's admin, with change history (simple_history) on every record
that keeps one. Province-code columns are derived from the region and shown read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.orgs.models import (
    Bureau,
    DormRoom,
    Hospital,
    HospitalContact,
    School,
    SchoolClass,
    Unit,
)

REGION_CODES = ("province_code", "city_code", "county_code")


@admin.register(Bureau)
class BureauAdmin(SimpleHistoryAdmin):
    list_display = ("name", "level", "region", "parent")
    list_filter = ("level",)
    search_fields = ("name", "region__full_name", "region__code")
    list_select_related = ("region", "parent")
    autocomplete_fields = ("region", "parent")
    readonly_fields = REGION_CODES


class HospitalContactInline(admin.TabularInline):
    model = HospitalContact
    extra = 0


@admin.register(Hospital)
class HospitalAdmin(SimpleHistoryAdmin):
    list_display = ("name", "region", "phone")
    search_fields = ("name", "region__full_name")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    readonly_fields = REGION_CODES
    inlines = [HospitalContactInline]


@admin.register(HospitalContact)
class HospitalContactAdmin(SimpleHistoryAdmin):
    list_display = ("name", "role", "phone", "hospital")
    search_fields = ("name", "hospital__name")
    list_select_related = ("hospital",)
    autocomplete_fields = ("hospital",)


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "kind", "boarding", "region", "bureau", "hospital")
    list_filter = ("kind", "boarding")
    search_fields = ("name", "code", "region__full_name")
    list_select_related = ("region", "bureau", "hospital")
    autocomplete_fields = ("region", "bureau", "hospital")
    readonly_fields = REGION_CODES


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "school")
    list_filter = ("kind",)
    search_fields = ("name", "school__name")
    list_select_related = ("school",)
    autocomplete_fields = ("school",)


@admin.register(SchoolClass)
class SchoolClassAdmin(SimpleHistoryAdmin):
    list_display = ("name", "unit", "school", "teacher")
    search_fields = ("name", "school__name")
    list_select_related = ("unit", "school", "teacher")
    autocomplete_fields = ("school", "unit")
    raw_id_fields = ("teacher",)


@admin.register(DormRoom)
class DormRoomAdmin(admin.ModelAdmin):
    list_display = ("building", "room", "beds", "school")
    search_fields = ("building", "room", "school__name")
    list_select_related = ("school",)
    autocomplete_fields = ("school",)
