"""Setting up a school's gates (its admins, "access.manage_roles" as for terminals): add,
rename, close and reopen. A gate is never deleted: its checks and terminals point at it.
Each change is in the gate's history with who made it."""

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from apps.core.errors import FieldError, ValidationFailed
from apps.gate.models import Gate
from apps.gate.services import _school_for_admin

MANAGE = "access.manage_roles"
NAME_MAX = Gate._meta.get_field("name").max_length


def _name(school_id: int, name: str, gate=None) -> str:
    """The gate's name, refused when empty, too long or another gate of the school's."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationFailed([FieldError("name", "required", _("Give the gate a name."))])
    others = Gate.objects.filter(school_id=school_id, name=name).exclude(pk=getattr(gate, "pk",
                                                                                      None))
    if others.exists():
        raise ValidationFailed([FieldError("name", "duplicate",
                                           _("This school already has a gate with this name."))])
    return name


@transaction.atomic
def gate_add(*, actor, school_id: int, name: str) -> Gate:
    school = _school_for_admin(actor, school_id)
    gate = Gate(school=school, name=_name(school.pk, name))
    gate._history_user = actor
    gate.save()
    return gate


@transaction.atomic
def gate_update(*, actor, gate_id: int, name: str, active: bool) -> Gate:
    """Rename a gate, or close it (no longer offered to terminals and the kiosk) and reopen
    it."""
    gate = Gate.objects.restrict(actor, MANAGE).filter(pk=gate_id).first()
    if gate is None:
        raise Http404("gate")
    gate.name, gate.active = _name(gate.school_id, name, gate), bool(active)
    gate._history_user = actor
    gate.save()
    return gate
