"""A user's access version: a counter on the user row, changed in the same transaction as
anything their grants come from (a role, a class they teach, a guardianship, their own
person record, a task-force seat), so a process that cached their grants with an API token
(apps.access.tokens) sees at its next request that they are stale, and reads them again.

The writes go through models' signals, so the services, the Django admin and scripts that
save rows all count; a bulk write (QuerySet.update, bulk_create, COPY) sends no signal and
calls `grants_changed(user_ids)` itself.
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save

from apps.access.models import User

# model label -> the field that names the account whose grants it gives
GRANT_SOURCES = {
    "access.RoleAssignment": "user_id",
    "orgs.SchoolClass": "teacher_id",
    "people.Guardianship": "user_id",
    "people.Person": "user_id",
    "emergency.TaskForceMember": "user_id",
}


# Saved often for other reasons: counted only when the account they name changes. (A person
# moved to another class changes the class a guardian's grant carries: that reaches cached
# tokens within apps.access.tokens.TOKEN_TTL, as before.)
QUIET_UNLESS_MOVED = frozenset({"orgs.SchoolClass", "people.Person"})


def grants_changed(user_ids) -> None:
    """The grants of these accounts changed: every cached copy is stale from the commit on."""
    ids = sorted({pk for pk in user_ids if pk})
    if ids:
        User.objects.filter(pk__in=ids).update(access_version=F("access_version") + 1)


def _remember(sender, instance, raw=False, **kwargs):
    # The account the row named before this save: a class's old teacher loses the class.
    field = GRANT_SOURCES[sender._meta.label]
    before = None
    if instance.pk is not None and not raw:
        before = (sender._default_manager.filter(pk=instance.pk)
                  .values_list(field, flat=True).first())
    instance._access_before = before


def _saved(sender, instance, created=False, **kwargs):
    field = GRANT_SOURCES[sender._meta.label]
    before, now = getattr(instance, "_access_before", None), getattr(instance, field)
    if sender._meta.label in QUIET_UNLESS_MOVED and not created and before == now:
        return  # a class or a person saved with the same account: its grants are the same
    grants_changed([before, now])


def _deleted(sender, instance, **kwargs):
    grants_changed([getattr(instance, GRANT_SOURCES[sender._meta.label])])


def connect() -> None:
    """Called once from AccessConfig.ready(); models named by label, so access imports no
    other app."""
    for label in GRANT_SOURCES:
        pre_save.connect(_remember, sender=label, dispatch_uid=f"access-version-pre-{label}")
        post_save.connect(_saved, sender=label, dispatch_uid=f"access-version-{label}")
        post_delete.connect(_deleted, sender=label, dispatch_uid=f"access-version-del-{label}")
