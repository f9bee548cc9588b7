"""The care reminder (人文关怀): an open isolation with no care visit today is the school's
epidemic office's to see to. A periodic sweep (apps.isolation.tasks.remind_missing_care)
reminds them once per isolation and day, from the pack's `isolation_care_reminder_time`
(minutes after midnight, tightened per school) on. A conditional UPDATE claims each
(isolation, day), so a second worker or a rerun sends nothing."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from apps.isolation.models import CareVisit, Isolation

PARAMETER = "isolation_care_reminder_time"
CLAIMED = 2000  # isolations read by one sweep


def _waiting(today):
    """Open isolations already begun, with no care visit today, not reminded today."""
    visited = CareVisit.objects.filter(school_id=OuterRef("school_id"),
                                       isolation_id=OuterRef("pk"), day=today)
    return (Isolation.objects.filter(ended_on__isnull=True, start__lte=today)
            .filter(Q(care_reminded_on__isnull=True) | Q(care_reminded_on__lt=today))
            .filter(~Exists(visited)))


def _schools_due(school_ids: list[int], minutes: int) -> list[int]:
    """The schools whose reminder time (their effective policy's) has come."""
    from apps.policy.selectors import effective_policies_for_schools

    policies = effective_policies_for_schools(school_ids)
    return [pk for pk, policy in policies.items()
            if policy.params.get(PARAMETER) is not None
            and minutes >= int(policy.params[PARAMETER])]


def care_remind(*, now: datetime | None = None) -> int:
    """Remind each school's epidemic office of its isolations with no care visit today, once
    per isolation and day, from the school's reminder time on; returns how many."""
    now = timezone.localtime(now or timezone.now())
    today, minutes = now.date(), now.hour * 60 + now.minute
    school_ids = sorted(set(_waiting(today).values_list("school_id", flat=True)))
    due = _schools_due(school_ids, minutes) if school_ids else []
    sent = 0
    for isolation in (_waiting(today).filter(school_id__in=due).select_related("person")
                      .order_by("id")[:CLAIMED]):
        won = Isolation.objects.filter(pk=isolation.pk).filter(
            Q(care_reminded_on__isnull=True) | Q(care_reminded_on__lt=today)).update(
            care_reminded_on=today)
        if won:
            _tell(isolation, today)
            sent += 1
    return sent


def _office(school_id: int) -> list[int]:
    from apps.access.models import RoleAssignment
    from apps.access.roles import EPIDEMIC_OFFICE

    return sorted(set(RoleAssignment.objects.filter(role__in=EPIDEMIC_OFFICE,
                                                    school_id=school_id)
                      .values_list("user_id", flat=True)))


def _tell(isolation: Isolation, today) -> None:
    from apps.notifications.services import notification_send

    notification_send(
        recipient_ids=_office(isolation.school_id), kind="isolation.care_missing",
        severity="warning", school_id=isolation.school_id,
        link=f"/isolation/{isolation.pk}/",
        subject=format_lazy(gettext_lazy("No care visit yet today: {name} (isolated since "
                                         "{start})"), name=isolation.person.name,
                            start=isolation.start.isoformat()),
        dedupe_key=f"isolation-care-{isolation.pk}-{today.isoformat()}")
