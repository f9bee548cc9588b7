"""People in Django's admin: read-only, for superusers looking into a problem.

Writes go through apps.people.services (validation, encryption, scope, history), so the
admin adds and changes nothing. The document shows masked only; ciphertext and hash never.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin import ReadOnlyAdminMixin
from apps.people.models import Guardianship, HouseholdMember, Person


class ReadOnlyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    pass


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "number", "kind", "school", "klass", "unit", "doc_masked", "active")
    list_filter = ("kind", "residence", "active")
    # Exact number only: a `contains` over every person in the province is a full scan.
    search_fields = ("=number",)
    list_select_related = ("school", "klass", "unit")
    show_full_result_count = False
    exclude = ("doc_cipher", "doc_hash")
    history_list_display = ("number", "klass", "unit")


@admin.register(Guardianship)
class GuardianshipAdmin(ReadOnlyAdmin):
    list_display = ("person", "user", "relation", "consent_at")
    list_select_related = ("person", "user")
    raw_id_fields = ("person", "user")


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(ReadOnlyAdmin):
    list_display = ("name", "relation", "person", "residence_region")
    list_select_related = ("person", "residence_region")
    raw_id_fields = ("person",)
