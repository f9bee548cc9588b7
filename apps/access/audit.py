"""The access log: who looked at an unmasked ID number or at health data, when, and why.

Called by every service that shows such data, in the same transaction as the read, so a
view that is not recorded does not happen. The log holds the object's id, never its content.
"""

from collections.abc import Iterable

from django.db import models

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
    names = fields if isinstance(fields, str) else ",".join(fields)
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        school_id=_school_id(obj),
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        fields=names[:_FIELDS_MAX],
        reason=(reason or "").strip()[:_REASON_MAX],
        ip=ip or None,
    )
