from django.contrib import admin

from apps.isolation.models import IsolationRoom


@admin.register(IsolationRoom)
class IsolationRoomAdmin(admin.ModelAdmin):
    list_display = ("name", "school", "capacity", "active")
    raw_id_fields = ("school",)
