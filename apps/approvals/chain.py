"""Who decides a request: one level of the org tree for each type and kind of person (pure,
no Django). A student's leaving campus is the class teacher's; meetings, gatherings, visitors
and a student's trip the school admin's; a staff member's cross-province trip goes up to the
county bureau while the pack's `cross_province_travel_needs_approval` is on (henan-2022:
"suspended except in very special cases"), to the school admin otherwise.

None: that kind of person does not ask for that type (a student holds no meeting and
receives no visitor)."""

TRIP, MEETING, GATHERING, LEAVE, VISITOR = "trip", "meeting", "gathering", "leave", "visitor"
CLASS_TEACHER, SCHOOL, BUREAU = "class_teacher", "school", "bureau"
STUDENT, STAFF = "student", "staff"

CHAIN: dict[tuple[str, str], str] = {
    (TRIP, STUDENT): SCHOOL,
    (TRIP, STAFF): SCHOOL,  # BUREAU when the pack's flag is on
    (MEETING, STAFF): SCHOOL,
    (GATHERING, STUDENT): SCHOOL,
    (GATHERING, STAFF): SCHOOL,
    (LEAVE, STUDENT): CLASS_TEACHER,
    (LEAVE, STAFF): SCHOOL,
    (VISITOR, STAFF): SCHOOL,
}


def approver_for(kind: str, person_kind: str, *, trips_need_bureau: bool) -> str | None:
    """The level that decides a request of `kind` by a person of `person_kind`."""
    level = CHAIN.get((kind, person_kind))
    if level is not None and (kind, person_kind) == (TRIP, STAFF) and trips_need_bureau:
        return BUREAU
    return level
