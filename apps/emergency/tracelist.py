"""The trace-back list of a trigger as the CDC asks for it (流调名单): each person linked to
the area, with class or department, full phone and the guardian to call (the CDC calls
them), why and when they are linked (the trip, residence, co-resident or exposure, with its
places and dates), their status now and their follow-up.

Only those who hand the list to the CDC read it (`emergency.trace_list`: the school's
epidemic office and the bureaus above it); each print or workbook is one access-log row
naming the trigger. One query per kind of row, whatever the list's length (a school's
trace-back list is at most a few thousand people: built in process)."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.emergency.models import SchoolTrigger, TraceHit

TRACE_LIST = "emergency.trace_list"
FIELDS = "name,klass,phone,guardian_phone,links,dates,status"


def trigger_for_list(*, user, pk: int) -> SchoolTrigger:
    """The trigger, if the user may hand its list to the CDC; else 404, as for nothing."""
    trigger = (SchoolTrigger.objects.restrict(user, TRACE_LIST)
               .select_related("school", "alert", "alert__region").filter(pk=pk).first())
    if trigger is None:
        raise Http404
    return trigger


def _region(region) -> str:
    return region.full_name if region else "—"


def _span(first, last) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}–{last.isoformat()}"


def _leg_text(leg) -> str:
    number = f" {leg.number}" if leg.number else ""
    text = _("%(from)s → %(to)s, %(dates)s, %(transport)s%(number)s") % {
        "from": _region(leg.from_region), "to": _region(leg.to_region),
        "dates": _span(leg.depart, leg.arrive), "transport": leg.get_transport_display(),
        "number": number}
    if leg.household_member_id:
        member = leg.household_member
        return _("A co-resident's trip (%(name)s, %(relation)s): %(leg)s") % {
            "name": member.name, "relation": member.relation, "leg": text}
    return _("Trip: %(leg)s") % {"leg": text}


def _link_text(hit, person, found: dict) -> str:
    if hit.link in ("trip", "household"):
        leg = found["legs"].get(hit.ref_id)
        return _leg_text(leg) if leg else _("Trip (withdrawn)")
    if hit.link == "residence":
        return _("Lives in %(region)s") % {"region": _region(person.residence_region)}
    if hit.link == "co_resident":
        member = found["members"].get(hit.ref_id)
        return (_("Co-resident %(name)s (%(relation)s) lives in %(region)s") % {
            "name": member.name, "relation": member.relation,
            "region": _region(member.residence_region)}) if member else _("A co-resident")
    exposure = found["exposures"].get(hit.ref_id)
    if exposure is None:
        return _("Declared exposure (withdrawn)")
    return _("%(kind)s on %(day)s in %(region)s%(detail)s") % {
        "kind": exposure.get_kind_display(), "day": exposure.on.isoformat(),
        "region": _region(exposure.region),
        "detail": f": {exposure.detail}" if exposure.detail else ""}


def _related(trigger, hits) -> dict:
    from apps.followups.models import FollowUp
    from apps.people.models import HouseholdMember
    from apps.status.models import PersonStatus
    from apps.travel.models import Exposure, TripLeg

    school = trigger.school_id
    persons = {h.person_id for h in hits}
    refs = {kind: {h.ref_id for h in hits if h.link in links} for kind, links in (
        ("legs", ("trip", "household")), ("members", ("co_resident",)),
        ("exposures", ("exposure",)))}
    return {
        "legs": TripLeg.objects.filter(school_id=school, pk__in=refs["legs"]).select_related(
            "from_region", "to_region", "household_member").in_bulk(),
        "members": HouseholdMember.objects.filter(school_id=school, pk__in=refs["members"])
        .select_related("residence_region").in_bulk(),
        "exposures": Exposure.objects.filter(school_id=school, pk__in=refs["exposures"])
        .select_related("region").in_bulk(),
        "guardians": {m.person_id: m for m in HouseholdMember.objects.filter(
            school_id=school, person_id__in=persons, guardian=True).order_by("pk")},
        "statuses": {s.person_id: s for s in PersonStatus.objects.filter(
            school_id=school, person_id__in=persons)},
        "followups": {f.person_id: f for f in FollowUp.objects.filter(
            school_id=school, kind="trace_back", source=f"alert:{trigger.alert_id}")
            .select_related("assignee")},
    }


def trace_rows(*, user, trigger) -> list[tuple]:
    """The list's rows in the order of HEADERS, by class then name."""
    hits = list(TraceHit.objects.restrict(user, TRACE_LIST)
                .filter(school_id=trigger.school_id, alert_id=trigger.alert_id,
                        alert_on=trigger.alert.opened_on)  # the partition
                .select_related("person", "person__klass", "person__unit",
                                "person__residence_region")
                .order_by("person__klass__name", "person__name", "person_id", "link", "on"))
    found = _related(trigger, hits)
    people: dict[int, dict] = {}
    for hit in hits:
        entry = people.setdefault(hit.person_id, {"person": hit.person, "links": [],
                                                  "dates": set()})
        entry["links"].append(_link_text(hit, hit.person, found))
        if hit.on:
            entry["dates"].add(hit.on)
    return [_row(n, entry, found) for n, entry in enumerate(people.values(), start=1)]


def _row(n: int, entry: dict, found: dict) -> tuple:
    person = entry["person"]
    guardian = found["guardians"].get(person.pk)
    status = found["statuses"].get(person.pk)
    followup = found["followups"].get(person.pk)
    place = person.klass or person.unit
    return (
        n, person.name, person.get_kind_display(), place.name if place else "—",
        person.phone or "—",
        f"{guardian.name}（{guardian.relation}）{guardian.phone}" if guardian else "—",
        "；".join(entry["links"]),
        "、".join(d.isoformat() for d in sorted(entry["dates"])) or "—",
        _status_text(status),
        followup.get_status_display() if followup else "—",
        str(followup.assignee) if followup and followup.assignee else "—",
    )


def _status_text(status) -> str:
    if status is None:
        return "—"
    if status.until is None:
        return status.get_category_display()
    until = pgettext("trace list", "until")
    return f"{status.get_category_display()}（{until} {status.until.isoformat()}）"


def headers() -> list[str]:
    return ["#", pgettext("trace list", "Name"), _("Student or staff"),
            _("Class or department"), pgettext("trace list", "Phone"),
            pgettext("trace list", "Guardian to call"), _("Link to the area"), _("Dates"),
            _("Status now"), pgettext("trace list", "Follow-up"),
            pgettext("trace list", "Responsible")]
