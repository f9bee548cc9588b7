"""Reads of stored statuses, always through the scope layer.

A person without a stored row is "normal" (apps.status.services writes rows only for those
who have had a status), so every read here answers for anyone in scope.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.people.models import Person
from apps.status.colours import CATEGORY_COLOURS, CHART_COLOURS, CODE_LABELS, code_colour
from apps.status.models import Category, PersonStatus, PersonStatusChange, RegimenMark

ACTION_LABELS = {
    "test": _("Test"),
    "monitor": _("Daily health monitoring"),
    "no_gathering": _("No dinners or gatherings"),
    "quarantine": _("Quarantine"),
    "isolate": _("Isolation"),
    "approval": _("Travel needs approval"),
    "report": _("Report"),
}


@dataclass(frozen=True)
class ActionView:
    kind: str
    label: str
    due: datetime | None
    until: date | None
    done: bool
    overdue: bool
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReasonView:
    rule: str
    zh: str
    en: str
    text: str  # in the current language


@dataclass(frozen=True)
class StatusView:
    """A person's status as a person, guardian, teacher or admin sees it."""

    person_id: int
    category: str
    until: date | None
    compliant: bool
    reasons: list[ReasonView]
    actions: list[ActionView]
    pack: str
    computed_at: datetime | None  # None: never computed, so normal

    @property
    def label(self) -> str:
        return Category(self.category).label

    @property
    def colour(self) -> str:
        return CATEGORY_COLOURS[self.category]

    @property
    def code_colour(self) -> str:
        """The personal code's green, yellow or red (apps.status.colours)."""
        return code_colour(self.category, self.compliant)

    @property
    def code_label(self) -> str:
        return str(CODE_LABELS[self.code_colour])


@dataclass(frozen=True)
class GateStatus:
    """What a gate verdict needs and nothing more: no reasons, no details."""

    person_id: int
    school_id: int
    category: str
    until: date | None
    # The stored status can be used as it stands: its end date has not passed and no action
    # fell due since it was computed (otherwise the verdict should refer, not trust it, until
    # the sweep has recomputed it).
    verdict_ready: bool


def _in_scope(user, perm: str, pk: int) -> Person:
    return get_object_or_404(
        Person.objects.restrict(user, perm).only("pk", "school_id"), pk=pk
    )


def _stored(person: Person) -> PersonStatus | None:
    return PersonStatus.objects.filter(school_id=person.school_id, person_id=person.pk).first()


def person_status(*, user, person: Person | int) -> StatusView:
    """The person's status with reasons and actions, if they are in the user's scope for
    status.view (themselves, their child, their class, their school or region); 404 if not."""
    pk = person if isinstance(person, int) else person.pk
    found = _in_scope(user, "status.view", pk)
    return status_view(_stored(found), person_id=pk)


def status_view(row: PersonStatus | None, *, person_id: int) -> StatusView:
    if row is None:
        return StatusView(person_id, Category.NORMAL, None, True, [], [], "", None)
    now = timezone.now()
    return StatusView(
        person_id=person_id,
        category=row.category,
        until=row.until,
        compliant=row.compliant,
        reasons=[_reason_view(r) for r in row.reasons],
        actions=[_action_view(a, now) for a in row.actions],
        pack=row.pack,
        computed_at=row.computed_at,
    )


def _reason_view(reason: dict) -> ReasonView:
    return ReasonView(reason.get("rule", ""), reason.get("zh", ""), reason.get("en", ""),
                      reason_text(reason))


def reason_text(reason: dict) -> str:
    """A reason in the current language (Chinese unless English was chosen)."""
    english = (get_language() or "zh-hans").startswith("en")
    return reason.get("en" if english else "zh") or reason.get("zh") or reason.get("en", "")


def _action_view(action: dict, now: datetime) -> ActionView:
    due = parse_datetime(action["due"]) if action.get("due") else None
    until = parse_date(action["until"]) if action.get("until") else None
    done = bool(action.get("done"))
    kind = action.get("kind", "")
    return ActionView(
        kind=kind, label=str(ACTION_LABELS.get(kind, kind)), due=due, until=until, done=done,
        overdue=bool(due and not done and due < now), detail=action.get("detail") or {},
    )


def person_status_for_gate(*, user, person: Person | int) -> GateStatus:
    """The gate's read: category, end date and whether the stored status is current, for a
    person of a school where the user holds status.gate; 404 otherwise."""
    pk = person if isinstance(person, int) else person.pk
    found = _in_scope(user, "status.gate", pk)
    row = PersonStatus.objects.filter(school_id=found.school_id, person_id=pk).values_list(
        "category", "until", "next_due").first()
    if row is None:
        return GateStatus(pk, found.school_id, Category.NORMAL, None, True)
    category, until, next_due = row
    today, now = timezone.localdate(), timezone.now()
    ready = (until is None or until >= today) and (next_due is None or next_due > now)
    return GateStatus(pk, found.school_id, category, until, ready)


# Status changes are partitioned by month on PostgreSQL (apps.core.partitions): a read of a
# person's history names its days, the last HISTORY_DAYS, so that only their months are
# read. Longer than any pack keeps the changes (retention_status_history_days, 180 days in
# routine, only ever tightened below it; apps/status/tests/test_partitions.py checks every
# pack), so nothing kept is hidden.
HISTORY_DAYS = 400


def history_since(now: datetime | None = None) -> datetime:
    """The oldest a person's status change shown (or linked) may be."""
    return (now or timezone.now()) - timedelta(days=HISTORY_DAYS)


def status_history(*, user, person: Person | int) -> QuerySet[PersonStatusChange]:
    """The person's past statuses, newest first; 404 if they are out of scope."""
    pk = person if isinstance(person, int) else person.pk
    found = _in_scope(user, "status.view", pk)
    return (
        PersonStatusChange.objects.restrict(user, "status.view")
        .filter(school_id=found.school_id, person_id=pk, changed_at__gte=history_since())
        .order_by("-changed_at", "-pk")
    )


def status_counts(*, user, persons_in_scope: int | None = None) -> dict[str, int]:
    """Persons in the user's status.view scope by category, every category listed. Stored
    rows are counted by category (one GROUP BY on the school-led index); "normal" is everyone
    else: pass `persons_in_scope` when the caller has counted the active persons already."""
    stored = dict(
        PersonStatus.objects.restrict(user, "status.view")
        .filter(person__active=True)
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    if persons_in_scope is None:
        persons_in_scope = Person.objects.restrict(user, "status.view").filter(active=True).count()
    not_normal = sum(n for category, n in stored.items() if category != Category.NORMAL)
    counts = {category: stored.get(category, 0) for category in Category.values}
    counts[Category.NORMAL] = max(persons_in_scope - not_normal, 0)
    return counts


def count_rows(counts: dict[str, int]) -> list[tuple[str, str, str, int]]:
    """(category, label, badge colour, count) for a table of the counts."""
    return [(c, str(Category(c).label), CATEGORY_COLOURS[c], n) for c, n in counts.items()]


def counts_chart(counts: dict[str, int], title: str) -> dict:
    """The counts as the home page's charts.js series, coloured like the badges."""
    return {
        "labels": [str(Category(c).label) for c in counts],
        "values": list(counts.values()),
        "colors": [CHART_COLOURS[CATEGORY_COLOURS[c]] for c in counts],
        "title": title,
    }


@dataclass(frozen=True)
class StatusPanel:
    """What a page shows of a person's status: the status and its latest changes."""

    status: StatusView
    history: list[PersonStatusChange]
    marks: list[RegimenMark] = field(default_factory=list)  # regimens not completed, open


def status_panel(*, user, person: Person, history_limit: int = 20) -> StatusPanel | None:
    """The status block of a person page, or None when the user may see the person but not
    their status (then the page shows no block rather than a 404)."""
    if not Person.objects.restrict(user, "status.view").filter(pk=person.pk).exists():
        return None
    history = (
        PersonStatusChange.objects.filter(school_id=person.school_id, person_id=person.pk,
                                          changed_at__gte=history_since())
        .order_by("-changed_at", "-pk")[:history_limit]
    )
    return StatusPanel(status_view(_stored(person), person_id=person.pk), list(history),
                       open_marks(person=person))


# ---- regimen marks -----------------------------------------------------------------------


def mark_get(*, user, pk: int, perm: str = "status.view") -> RegimenMark:
    """One regimen mark of a person in the user's scope for `perm`; 404 otherwise."""
    return get_object_or_404(
        RegimenMark.objects.restrict(user, perm).select_related("person", "decided_by"), pk=pk)


def may_clear_mark(*, user, mark: RegimenMark) -> bool:
    return mark.cleared_at is None and RegimenMark.objects.restrict(
        user, "status.clear_mark").filter(pk=mark.pk).exists()


def open_marks(*, person: Person) -> list[RegimenMark]:
    """The person's regimen marks nothing has cleared yet, oldest window first."""
    return list(RegimenMark.objects.filter(school_id=person.school_id, person_id=person.pk,
                                           cleared_at__isnull=True).order_by("window_start"))
