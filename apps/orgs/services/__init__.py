"""Writes to the org tree, one module per subdomain: tree (bureaus, the register of schools,
closing and reopening, pairing with a hospital), structure (a school's units, classes and
dorm rooms), hospitals (designated hospitals and their contacts); fields holds the checks
they share. The writes are named here too, so callers need not know which module holds one.

Every function checks its input first (ValidationFailed naming each bad field; nothing is
written) and the actor's permission on the node written to or under, through the scope
layer; out of scope is Http404, as if the node did not exist.
"""

from apps.orgs.services.fields import current_school_year
from apps.orgs.services.hospitals import (
    hospital_contact_add,
    hospital_contact_remove,
    hospital_contact_update,
    hospital_create,
    hospital_update,
)
from apps.orgs.services.structure import (
    class_create,
    class_set_teacher,
    class_update,
    dorm_room_create,
    dorm_room_update,
    unit_create,
    unit_update,
)
from apps.orgs.services.tree import (
    bureau_create,
    bureau_update,
    school_close,
    school_create,
    school_reopen,
    school_set_hospital,
    school_update,
)

__all__ = [
    "bureau_create", "bureau_update", "class_create", "class_set_teacher", "class_update",
    "current_school_year", "dorm_room_create", "dorm_room_update", "hospital_contact_add",
    "hospital_contact_remove", "hospital_contact_update", "hospital_create", "hospital_update",
    "school_close", "school_create", "school_reopen", "school_set_hospital", "school_update",
    "unit_create", "unit_update",
]
