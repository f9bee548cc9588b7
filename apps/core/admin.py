from django.contrib import admin


class ReadOnlyAdminMixin:
    """For rows that only services write (with validation, encryption, scope and history):
    the admin shows them and never adds or changes them; deleting is allowed only where a
    subclass says so."""

    allow_delete = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and super().has_delete_permission(request, obj)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass
