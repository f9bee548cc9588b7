"""The access log: who looked at an unmasked ID number or at health, travel or test data,
when, and why.

Called by every service that shows such data, in the same transaction as the read, so a
view that is not recorded does not happen. The log holds the object's id, never its content.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.db import models
from django.utils import timezone

from apps.access.models import AccessLog

_REASON_MAX = AccessLog._meta.get_field("reason").max_length
_FIELDS_MAX = AccessLog._meta.get_field("fields").max_length


def _school_id(obj: models.Model) -> int | None:
    if obj._meta.label_lower == "orgs.school":
        return obj.pk
    return getattr(obj, "school_id", None)


def access_record(
    *,
    user,
    action: str,
    obj: models.Model,
    fields: str | Iterable[str],
    reason: str = "",
    ip: str | None = None,
) -> AccessLog:
    """Record that `user` saw `fields` of `obj` (e.g. action "reveal_document")."""
    entry = _entry(user=user, action=action, obj=obj, fields=fields, reason=reason, ip=ip)
    entry.save()
    return entry


def _entry(*, user, action: str, obj: models.Model, fields: str | Iterable[str],
           reason: str = "", ip: str | None = None) -> AccessLog:
    """The log row, unsaved: the object's id, never its content."""
    names = fields if isinstance(fields, str) else ",".join(fields)
    return AccessLog(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        school_id=_school_id(obj),
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        fields=names[:_FIELDS_MAX],
        reason=(reason or "").strip()[:_REASON_MAX],
        ip=ip or None,
    )


# A page that refreshes itself (a class roll every 30 s) is one look, not one a poll.
VIEW_REPEAT = timedelta(minutes=10)


def access_view(*, request, action: str, obj: models.Model, fields: str) -> None:
    """Record that the signed-in user looked at health, travel or test data of `obj` (a
    person, a class, a school, a tube): action "view_health", "view_travel" or
    "view_tests". The same look again within VIEW_REPEAT is already recorded."""
    access_views(request=request, action=action, objs=[obj], fields=fields)


def access_views(*, request, action: str, objs: list[models.Model], fields: str) -> None:
    """access_view for every object a list page shows: two queries, whatever their number."""
    if not objs:
        return
    user = request.user
    object_type = objs[0]._meta.label_lower
    seen = set(AccessLog.objects.filter(
        user=user, action=action, object_type=object_type,
        object_id__in=[str(o.pk) for o in objs], at__gte=timezone.now() - VIEW_REPEAT,
    ).values_list("object_id", flat=True))
    ip = request.META.get("REMOTE_ADDR")
    AccessLog.objects.bulk_create([
        _entry(user=user, action=action, obj=obj, fields=fields, ip=ip)
        for obj in objs if str(obj.pk) not in seen])


# A printed or exported list (daily report, check-in missing list, trace-back list): one row
# per print page or workbook opened, naming the fields shown and the row count.
OUTPUT_ACTIONS = {"print": "print_list", "xlsx": "export_list"}


def access_output(*, request, output: str, obj: models.Model, fields: str | Iterable[str],
                  rows: int | None = None, reason: str = "") -> AccessLog:
    """Record that the signed-in user printed (`output` "print") or exported ("xlsx") a list
    of `obj` (a school, a class, a report, a trigger): its fields and how many rows."""
    names = fields if isinstance(fields, str) else ",".join(fields)
    if rows is not None:
        names = f"{names}; rows={rows}"
    return access_record(user=request.user, action=OUTPUT_ACTIONS[output], obj=obj,
                         fields=names, reason=reason, ip=request.META.get("REMOTE_ADDR"))
