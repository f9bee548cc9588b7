"""What a transfer does to each table that grows with people (the rows keyed by a person).

Every such table carries `school_id`, and a row is seen by whoever sees that school. A
transfer moves a person's *current* facts to the receiving school (re-stamps their
school_id) and leaves their *history* stamped with the sending school, so the sending school
keeps seeing what happened while the child was theirs and sees nothing after, and the
receiving school sees the child from the transfer on. The status engine still reads the
history it needs (recent trips, exposures, check-ins, tests) at the schools the person
left: apps.status.facts asks apps.transfers.selectors.earlier_schools.

`tests/test_transfer_classification` fails when a table keyed by a person appears that this
list does not name: whoever adds one decides here whether it moves.
"""

from dataclasses import dataclass, field

MOVES, ENDS, STAYS = "moves", "ends", "stays"


@dataclass(frozen=True)
class Rule:
    what: str  # MOVES: re-stamped with the receiving school; ENDS: closed where it is;
    # STAYS: left with the sending school as history
    rows: dict = field(default_factory=dict)  # which of the person's rows (filter), if not all
    why: str = ""
    stamp: str = ""  # ENDS: the time field set to now


PERSON_ROWS: dict[str, Rule] = {
    # The child's current facts: they go with the child.
    "people.Guardianship": Rule(MOVES, why="the guardian keeps the child"),
    "people.HouseholdMember": Rule(MOVES, why="the household is the child's, wherever they study"),
    "status.PersonStatus": Rule(MOVES, why="the current status (quarantine, monitoring) goes on"),
    "status.RegimenMark": Rule(MOVES, {"cleared_at__isnull": True},
                               why="an open regimen still has to be completed or cleared"),
    "followups.FollowUp": Rule(MOVES, {"status": "open"},
                               why="an open task goes to whoever is now responsible"),
    "families.BindingRequest": Rule(MOVES, {"state": "pending"},
                                    why="a guardian's pending request waits for the new class "
                                        "teacher"),
    # Printed by the sending school for its roster: void (the receiving school issues its own).
    "families.BindingCode": Rule(ENDS, {"used_at__isnull": True, "voided_at__isnull": True},
                                 why="the sending school's codes end with the child's stay",
                                 stamp="voided_at"),
    # History: what happened while the child was the sending school's.
    "travel.TripLeg": Rule(STAYS, why="declared to the sending school (still read by the "
                                      "engine through earlier_schools)"),
    "travel.Exposure": Rule(STAYS, why="as trips"),
    "status.PersonStatusChange": Rule(STAYS, why="the statuses the child had there"),
    "health.CheckIn": Rule(STAYS, why="the sending school's completion and trends"),
    "health.CheckInRevision": Rule(STAYS, why="goes with its check-in"),
    "gate.GateCheck": Rule(STAYS, why="the sending school's gate records"),
    "emergency.CampusResident": Rule(STAYS, why="living on the sending school's campus in "
                                                "its closed loop"),
    "visitors.Visit": Rule(STAYS, why="visitors the staff member hosted at the sending school"),
    "absence.SickAbsence": Rule(STAYS, why="the sending school's absences and clusters"),
    "absence.Cluster": Rule(STAYS, why="a cluster of the sending school"),
    "emergency.TraceHit": Rule(STAYS, why="the sending school's trace-back"),
    "testing.RoundMember": Rule(STAYS, why="the sending school's test rounds"),
    "testing.Sample": Rule(STAYS, why="a tube of the sending school (results still read by "
                                      "the engine through earlier_schools)"),
    # The moves themselves: seen by both schools (and those above), never re-stamped.
    "transfers.Transfer": Rule(STAYS, why="a transfer names both schools"),
    # Asked of the sending school's approvers; a new school asks anew.
    "approvals.ApprovalRequest": Rule(STAYS, why="decided by the sending school's approvers"),
    "concerns.Concern": Rule(STAYS, why="answered by the sending school's staff, who know it"),
    "concerns.ConcernEvent": Rule(STAYS, why="goes with its concern"),
    "parcels.ParcelBatch": Rule(STAYS, why="the sending school's delivery point log, naming "
                                           "who disinfected a batch there"),
    "disinfection.AreaEntry": Rule(STAYS, why="the sending school's log of its areas, naming "
                                              "who did the work there"),
    # Kept by the sending school's staff (the engine still reads the latest isolation's end
    # through earlier_schools); a new school opens its own.
    "isolation.Isolation": Rule(STAYS, why="the sending school's isolation record"),
    "isolation.CareVisit": Rule(STAYS, why="goes with its isolation"),
    "isolation.Referral": Rule(STAYS, why="goes with its isolation"),
    "isolation.OnlineStudy": Rule(STAYS, why="goes with its isolation"),
}
# The person record itself moves (school, unit, class; the dorm bed ends): one record, one
# history, apps.transfers.services.transfer_accept.
PERSON = "people.Person"


def person_keyed_models():
    """Every model whose rows belong to a person (a foreign key to people.Person), less the
    history tables of django-simple-history (their rows are never rewritten)."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if model._meta.label == PERSON or model.__name__.startswith("Historical"):
            continue
        if any(f.is_relation and f.many_to_one and f.related_model is not None
               and f.related_model._meta.label == PERSON
               for f in model._meta.concrete_fields):
            found.append(model)
    return found
