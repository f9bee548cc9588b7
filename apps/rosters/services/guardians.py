"""The guardian each row names (监护人姓名, 关系, 电话), kept as a household member of the
student flagged `guardian`: the one to call. Written after the people, in the import's
transaction, in a fixed number of queries per 10,000 rows: a member already there (same
name and relation) has its phone brought up to date, a new one is created, and whoever was
the guardian to call before and is not named now is no longer flagged. Each change is in
the member's history; a second import of the same file changes nothing."""

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from apps.people.models import HouseholdMember, Person
from apps.rosters.services.plans import Plan, _chunks

REASON = "roster import: guardian"


def guardians_write(actor, plan: Plan) -> int:
    """Create or bring up to date the guardians the plan's rows name; returns how many
    household members were created or changed."""
    named = [p for p in plan.rows if p.guardian]
    if not named:
        return 0
    ids = _person_ids(plan, [p.number for p in named])
    wanted = {ids[p.number]: p.guardian for p in named}
    members = _members(plan, list(wanted))
    new, changed = [], []
    for person_id, (name, relation, phone) in wanted.items():
        for member in members.get(person_id, []):
            _flag(member, member.name == name and member.relation == relation, phone, changed)
        if not any(m.name == name and m.relation == relation for m in members.get(person_id, [])):
            new.append(HouseholdMember(school=plan.school, person_id=person_id, name=name,
                                       relation=relation, phone=phone, guardian=True))
    bulk_create_with_history(new, HouseholdMember, batch_size=1000, default_user=actor,
                             default_change_reason=REASON)
    if changed:
        bulk_update_with_history(changed, HouseholdMember, ["phone", "guardian"],
                                 batch_size=1000, default_user=actor,
                                 default_change_reason=REASON)
    return len(new) + len(changed)


def _flag(member: HouseholdMember, named: bool, phone: str, changed: list) -> None:
    """The member named by the row becomes the guardian with the row's phone (a blank phone
    keeps the one known); any other stops being the guardian to call."""
    before = (member.guardian, member.phone)
    member.guardian = named
    if named and phone:
        member.phone = phone
    if (member.guardian, member.phone) != before:
        changed.append(member)


def _person_ids(plan: Plan, numbers: list[str]) -> dict[str, int]:
    ids = {}
    for chunk in _chunks(numbers):
        ids.update(Person.objects.filter(school=plan.school, kind=plan.kind, number__in=chunk)
                   .values_list("number", "pk"))
    return ids


def _members(plan: Plan, person_ids: list[int]) -> dict[int, list[HouseholdMember]]:
    found: dict[int, list[HouseholdMember]] = {}
    for chunk in _chunks(person_ids):
        for member in HouseholdMember.objects.filter(school=plan.school, person_id__in=chunk):
            found.setdefault(member.person_id, []).append(member)
    return found
