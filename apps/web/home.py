"""What the home page shows each role: one section per kind of role the user holds."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.grants import grants_for
from apps.access.roles import Role
from apps.access.rules import has_org_perm
from apps.families.selectors import pending_count
from apps.health import selectors as health_selectors
from apps.orgs.models import School, SchoolClass
from apps.people.codes import personal_code_issue, personal_code_svg
from apps.people.models import Person
from apps.status import selectors as status_selectors
from apps.status.colours import CODE_INK
from apps.web import selectors, urgent

REGION_ROLES = {Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN}
SCHOOL_ROLES = {Role.SCHOOL_ADMIN, Role.OUTBREAK_REPORTER, Role.UNIT_LEAD}
DUTY_ROLES = {Role.GATE_OFFICER, Role.SAMPLER}
CARD_ROLES = {Role.SELF, Role.GUARDIAN}
# Those who get the chart of persons by status category over their scope.
STATUS_CHART_ROLES = {Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN}


@dataclass
class Duty:
    role: str
    place: str
    explanation: str
    link: str
    link_label: str


@dataclass
class Card:
    person: Person
    relation: str
    code_svg: str
    status: status_selectors.StatusView | None = None


def _duty(role: str) -> tuple[str, str, str]:
    """What the role does here, and the page it does it on (explanation, link, its label)."""
    if role == Role.GATE_OFFICER:
        return (_("Scan a person's code or type their number, take the temperature: the page "
                  "says pass or stop, and keeps working when the network drops."),
                reverse("gate:kiosk"), _("Open the gate check"))
    return (_("Scan each person's code and the tube's barcode at your station while a "
              "round is open; the school's office opens the rounds."),
            reverse("testing:station_home"), _("Open the sampling station"))


def _school_panels(user, grants) -> list[selectors.SchoolPanel]:
    panels, done = [], set()
    for g in grants:
        if g.role not in SCHOOL_ROLES:
            continue
        unit_ids = g.unit_ids if g.role == Role.UNIT_LEAD else ()
        for school_id in g.school_ids:
            if (school_id, unit_ids) in done:
                continue
            done.add((school_id, unit_ids))
            school = School.objects.restrict(user, "orgs.view").filter(pk=school_id).first()
            if school is not None:
                panels.append(selectors.school_panel(user=user, school=school, unit_ids=unit_ids))
    return panels


def _class_rosters(user, grants) -> list[tuple[SchoolClass, list[Person]]]:
    ids = sorted({k for g in grants if g.role == Role.CLASS_TEACHER for k in g.klass_ids})
    classes = (
        SchoolClass.objects.restrict(user, "orgs.view").filter(pk__in=ids).select_related("school")
    )
    return [(k, list(selectors.class_roster(user=user, klass=k))) for k in classes]


def _cards(user, grants) -> list[Card]:
    cards, done = [], set()
    for g in grants:
        if g.role not in CARD_ROLES:
            continue
        for person in (
            Person.objects.restrict(user, "people.code")
            .filter(pk__in=g.person_ids)
            .select_related("school", "klass")
        ):
            if person.pk in done:
                continue
            done.add(person.pk)
            relation = _("Me") if g.role == Role.SELF else _("My child")
            panel = status_selectors.status_panel(user=user, person=person, history_limit=0)
            status = panel.status if panel else None
            # The code in its status's colour (green, yellow, red), black if none is shown.
            ink = CODE_INK[status.code_colour] if status else "#000"
            code = personal_code_svg(personal_code_issue(person=person), dark=ink)
            cards.append(Card(person, relation, code, status))
    return cards


def home_context(user) -> dict:
    grants = grants_for(user)
    roles = {g.role for g in grants}
    context: dict = {
        "duties": [
            Duty(Role(g.role).label, g.label, *_duty(g.role))
            for g in grants
            if g.role in DUTY_ROLES
        ],
        "school_panels": _school_panels(user, grants),
        "class_rosters": _class_rosters(user, grants),
        "cards": (cards := _cards(user, grants)),
        # Today's check-ins of each card's person, at the top of the page.
        "today": health_selectors.persons_today(
            user=user, persons=[c.person for c in cards], now=timezone.now()),
        "hospital_schools": (
            list(
                School.objects.restrict(user, "orgs.view")
                .filter(
                    hospital_id__in=[
                        g.hospital_id for g in grants if g.role == Role.HOSPITAL_LIAISON
                    ]
                )
                .select_related("bureau")
            )
            if Role.HOSPITAL_LIAISON in roles
            else []
        ),
        "no_roles": not grants,
        # Guardians waiting for the class teacher (or school admin) to confirm them.
        "pending_bindings": (pending_count(user=user)
                             if has_org_perm(user, "families.confirm") else 0),
    }
    context["now"] = timezone.now()
    context["chart_data"] = {}
    if roles & REGION_ROLES:
        _region_charts(user, context)
    if roles & STATUS_CHART_ROLES:
        _status_chart(user, context)
    if context["school_panels"]:
        context.update(_waiting_on_school(user))
        context["reports_due"] = urgent.reports_due(user=user)
    if roles & REGION_ROLES or context["school_panels"]:
        _trend_chart(user, context, regions=bool(roles & REGION_ROLES))
    if context["school_panels"] or context["class_rosters"]:
        context["overdue"], context["overdue_count"] = urgent.overdue_followups(user=user)
    if roles & REGION_ROLES:
        context["late_schools"] = urgent.late_schools(user=user)
    if context["school_panels"] or roles & REGION_ROLES:
        context["late_concerns"], context["late_concerns_count"] = urgent.late_concerns(user=user)
    context.update(urgent.supplies_urgent(user=user, schools=bool(context["school_panels"]),
                                          region=bool(roles & REGION_ROLES)))
    context.update(urgent.disinfection_urgent(user=user, schools=bool(context["school_panels"]),
                                              region=bool(roles & REGION_ROLES)))
    context.update(urgent.isolation_urgent(user=user, schools=bool(context["school_panels"]),
                                           region=bool(roles & REGION_ROLES)))
    return context


def _region_charts(user, context: dict) -> None:
    """The region's figures (from its headcount rows) and their two charts."""
    dashboard = selectors.region_dashboard(user=user)
    context["region"] = dashboard
    context["chart_data"].update({
        "kind": {
            "labels": [k for k, _n in dashboard.by_kind],
            "values": [n for _k, n in dashboard.by_kind],
            "title": _("Persons by school kind"),
        },
        "region": {
            "labels": [k for k, _n in dashboard.by_area],
            "values": [n for _k, n in dashboard.by_area],
            "title": dashboard.area_title,
        },
    })


WAITING_SHOWN = 10


def _waiting_on_school(user) -> dict:
    """What the school must answer now: its triggers not yet acknowledged (with their
    30-minute clock) and its cluster alerts not yet reported, soonest deadline first."""
    from apps.absence.models import Cluster, ClusterStatus
    from apps.emergency.models import SchoolTrigger

    triggers = list(SchoolTrigger.objects.restrict(user, "emergency.view")
                    .filter(acknowledged_at__isnull=True)
                    .select_related("school", "alert__region")
                    .order_by("deadline")[:WAITING_SHOWN])
    clusters = list(Cluster.objects.restrict(user, "absence.view")
                    .filter(status=ClusterStatus.OPEN).select_related("school")
                    .order_by("report_due")[:WAITING_SHOWN])
    return {"pending_triggers": triggers, "clusters_to_report": clusters}


def _trend_chart(user, context: dict, *, regions: bool) -> None:
    """The last 14 days of the daily reports (morning checks done, abnormal, absent through
    illness) of the user's regions (a bureau, the province: their daily sums) or else of
    the user's schools, drawn as lines under the day's figures."""
    from apps.reports.figures import LABELS
    from apps.reports.selectors import TREND_FIGURES, regions_trend, schools_trend

    if regions:
        trend = regions_trend(user=user, regions=selectors.region_nodes(user))
    else:
        trend = schools_trend(user=user,
                              school_ids={p.school.pk for p in context["school_panels"]})
    if trend is None:
        return
    context["chart_data"]["trend"] = {
        "labels": [d.strftime("%m-%d") for d in trend["days"]],
        "title": _("The last 14 days"),
        "datasets": [{"label": str(LABELS[name]), "values": trend[name]}
                     for name in TREND_FIGURES],
    }


def _status_chart(user, context: dict) -> None:
    """Persons in scope by status category; a region dashboard has counted them already."""
    region = context.get("region")
    counts = status_selectors.status_counts(
        user=user, persons_in_scope=region.students + region.staff if region else None
    )
    context["status_counts"] = status_selectors.count_rows(counts)
    context["chart_data"]["status"] = status_selectors.counts_chart(
        counts, _("Persons by status")
    )
