"""Writes: register a sick absence, record its cause and the return to school; report a
cluster, close it, switch its class online.

Registering checks the actor through `Person.objects.restrict(actor, "absence.report")` (a
class teacher their class, a guardian their child, a person themselves, the school's epidemic
office anyone in the school; 404 otherwise), validates every field at once, writes in one
transaction, opens the cause follow-up (`followups.followup_create_many`, kind
absence_cause, on the person responsible, due by the cause deadline) and, once committed,
queues cluster detection for the school (apps.absence.tasks). A retry with the same client id
returns the first absence and writes nothing. Detection itself is in apps.absence.detection.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from math import ceil

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.absence.models import (
    CauseOutcome,
    Cluster,
    ClusterRule,
    ClusterStatus,
    Disease,
    ReportedAs,
    SickAbsence,
    Symptom,
)
from apps.core.errors import FieldError, ValidationFailed
from apps.core.signals import send_late_items_resolved
from apps.people.models import Guardianship, Person
from apps.people.validation import bad_choice, check_text, required

MAX_BACKDATE_DAYS = 30  # an absence registered later than this is history, not surveillance
MAX_ABSENCE_DAYS = 90
# The cause's deadline is the pack's `sick_absence_cause_hours`; a pack that has the follow-up
# flag without it gets a day (GB 28932 asks for the cause on the day the absence is known).
DEFAULT_CAUSE_HOURS = 24
TEMPERATURE_RANGE = (Decimal("34.0"), Decimal("43.0"))


def school_params(school_id: int) -> dict:
    """The school's effective policy parameters (pack, then tightening overrides)."""
    from apps.policy.selectors import effective_policy_for_school

    return dict(effective_policy_for_school(school_id).policy.params)


# ---- validation -----------------------------------------------------------------------------


def _codes(field: str, values, allowed) -> tuple[list[str], list[FieldError]]:
    values = [str(v).strip() for v in (values or []) if str(v).strip()]
    if any(v not in allowed for v in values):
        return [], [bad_choice(field)]
    return sorted(set(values), key=list(allowed).index), []


def _temperature(value) -> tuple[Decimal | None, list[FieldError]]:
    if value in (None, ""):
        return None, []
    try:
        found = Decimal(str(value).strip())
    except InvalidOperation:
        found = None
    if found is None or not TEMPERATURE_RANGE[0] <= found <= TEMPERATURE_RANGE[1]:
        return None, [FieldError("temperature", "out_of_range", _(
            "Write the temperature in °C between 34.0 and 43.0, for example 38.5."))]
    return found.quantize(Decimal("0.1")), []


def _days(first_day, last_day, today: date) -> tuple[date | None, date | None, list]:
    errors = []
    if not isinstance(first_day, date):
        errors.append(required("first_day") if first_day in (None, "") else FieldError(
            "first_day", "bad_date", _("Write the date as 2023-11-06.")))
        first_day = None
    elif first_day > today:
        errors.append(FieldError("first_day", "in_future", _("The date is in the future.")))
    elif first_day < today - timedelta(days=MAX_BACKDATE_DAYS):
        errors.append(FieldError("first_day", "too_old", _(
            "An absence more than %(days)d days ago cannot be registered.")
            % {"days": MAX_BACKDATE_DAYS}))
    if last_day in (None, ""):
        return first_day, None, errors
    if not isinstance(last_day, date):
        return first_day, None, [*errors, FieldError("last_day", "bad_date", _(
            "Write the date as 2023-11-06."))]
    if first_day and last_day < first_day:
        errors.append(FieldError("last_day", "before_first_day",
                                 _("The last day is before the first day.")))
    elif first_day and last_day > first_day + timedelta(days=MAX_ABSENCE_DAYS):
        errors.append(FieldError("last_day", "too_long", _("The absence is too long.")))
    return first_day, last_day, errors


def _already_absent(person: Person, first_day: date) -> list[FieldError]:
    """An absence of the person still running on first_day: not back yet, and its expected
    last day (when given) not passed. One whose last day passed without a recorded return is
    over, so a guardian is never stuck behind a return nobody recorded."""
    clash = (SickAbsence.objects.filter(school_id=person.school_id, person_id=person.pk,
                                        first_day__lte=first_day)
             .exclude(returned_on__isnull=False, returned_on__lte=first_day)
             .exclude(last_day__isnull=False, last_day__lt=first_day))
    if clash.exists():
        return [FieldError("first_day", "already_absent", _(
            "This person is already registered absent on this day; record their return "
            "first."))]
    return []


def _reported_as(actor, person: Person) -> str:
    if person.user_id == actor.pk:
        return ReportedAs.SELF
    if Guardianship.objects.filter(school_id=person.school_id, person_id=person.pk,
                                   user_id=actor.pk).exists():
        return ReportedAs.GUARDIAN
    if person.klass_id and person.klass.teacher_id == actor.pk:
        return ReportedAs.TEACHER
    return ReportedAs.SCHOOL


def _replayed(school_id: int, client_id: str, person: Person) -> SickAbsence | None:
    if not client_id:
        return None
    found = SickAbsence.objects.filter(school_id=school_id, client_id=client_id).first()
    if found is not None and found.person_id != person.pk:
        raise ValidationFailed([FieldError("client_id", "reused", _(
            "This submission id was used for someone else."))])
    return found


# ---- register -------------------------------------------------------------------------------


def absence_register(
    *,
    actor,
    person_id: int,
    first_day: date | None,
    symptoms: list[str] | None = None,
    diseases: list[str] | None = None,
    notifiable: bool = False,
    temperature=None,
    last_day: date | None = None,
    note: str = "",
    client_id: str = "",
    now=None,
) -> SickAbsence:
    """Register one sick absence; see the module docstring. Returns the absence (the first
    one on a retry with the same client id)."""
    person = (Person.objects.restrict(actor, "absence.report")
              .filter(pk=person_id, active=True).select_related("klass", "school").first())
    if person is None:
        raise Http404
    client_id = str(client_id or "").strip()
    replay = _replayed(person.school_id, client_id, person)
    if replay is not None:
        return replay
    now = now or timezone.now()
    values, errors = _clean(person, first_day, last_day, symptoms, diseases, temperature, note,
                            client_id, timezone.localdate(now))
    if errors:
        raise ValidationFailed(errors)
    values["notifiable"] = bool(notifiable)
    try:
        with transaction.atomic():
            absence = _create(actor, person, values, client_id, now)
    except IntegrityError:
        replay = _replayed(person.school_id, client_id, person)
        if replay is None:
            raise
        return replay
    transaction.on_commit(partial(_queue_detection, person.school_id))
    return absence


def _clean(person, first_day, last_day, symptoms, diseases, temperature, note, client_id,
           today) -> tuple[dict, list]:
    first_day, last_day, errors = _days(first_day, last_day, today)
    symptoms, found = _codes("symptoms", symptoms, Symptom.values)
    errors += found
    diseases, found = _codes("diseases", diseases, Disease.values)
    errors += found
    temperature, found = _temperature(temperature)
    errors += found
    note = str(note or "").strip()
    errors += check_text("note", note, 200, needed=False)
    errors += check_text("client_id", client_id, 64, needed=False)
    if not symptoms and not diseases and not any(e.field in ("symptoms", "diseases")
                                                 for e in errors):
        errors.append(FieldError("symptoms", "required", _(
            "Tick at least one symptom or suspected disease.")))
    if first_day and not errors:
        errors += _already_absent(person, first_day)
    return {"first_day": first_day, "last_day": last_day, "symptoms": symptoms,
            "diseases": diseases, "temperature": temperature, "note": note}, errors


def _create(actor, person: Person, values: dict, client_id: str, now) -> SickAbsence:
    from apps.followups.services import FollowUpItem, followup_create_many

    params = school_params(person.school_id)
    follow_up = bool(params.get("sick_absence_cause_followup"))
    hours = params.get("sick_absence_cause_hours", DEFAULT_CAUSE_HOURS)
    absence = SickAbsence.objects.create(
        school_id=person.school_id, person=person, klass_id=person.klass_id,
        dorm_room_id=person.dorm_room_id, reported_by=actor,
        reported_as=_reported_as(actor, person), reported_at=now, client_id=client_id,
        cause_due_at=now + timedelta(hours=hours) if follow_up else None, **values)
    if follow_up:
        followup_create_many(
            school_id=person.school_id, kind="absence_cause", source=f"absence:{absence.pk}",
            due_at=absence.cause_due_at,
            items=[FollowUpItem(person_id=person.pk, detail={"absence_id": absence.pk},
                                title_zh=f"因病缺勤病因追查：{person.name}",
                                title_en=f"Find the cause of {person.name}'s sick absence")])
    return absence


def _queue_detection(school_id: int) -> None:
    from apps.absence.tasks import detect_clusters

    detect_clusters.enqueue(school_id)


# ---- cause and return -------------------------------------------------------------------------


def _followable(actor, absence_id: int) -> SickAbsence:
    found = (SickAbsence.objects.restrict(actor, "absence.followup").filter(pk=absence_id)
             .select_for_update().first())
    if found is None:
        raise Http404
    return found


def _complete_followup(actor, absence: SickAbsence, kind: str, outcome: str) -> None:
    from apps.followups.models import FollowUp, FollowUpStatus
    from apps.followups.services import followup_complete

    open_ones = (FollowUp.objects.restrict(actor, "followups.complete")
                 .filter(school_id=absence.school_id, kind=kind, source=f"absence:{absence.pk}",
                         status=FollowUpStatus.OPEN).values_list("pk", flat=True))
    for pk in open_ones:
        followup_complete(actor=actor, followup_id=pk, outcome=outcome)


@transaction.atomic
def absence_record_cause(
    *,
    actor,
    absence_id: int,
    outcome: str,
    diagnosis: str = "",
    hospital: str = "",
    diseases: list[str] | None = None,
    notifiable: bool | None = None,
) -> SickAbsence:
    """Record what the absence turned out to be (病因): infectious or not, the diagnosis and
    where it was made; a diagnosis may change the suspected diseases, which re-runs cluster
    detection. Completes the cause follow-up and opens the return check."""
    from apps.followups.services import FollowUpItem, followup_create_many

    absence = _followable(actor, absence_id)
    errors = []
    outcome = str(outcome or "").strip()
    if not outcome:
        errors.append(required("outcome"))
    elif outcome not in CauseOutcome.values:
        errors.append(bad_choice("outcome"))
    diagnosis, hospital = str(diagnosis or "").strip(), str(hospital or "").strip()
    errors += check_text("diagnosis", diagnosis, 100, needed=outcome == CauseOutcome.INFECTIOUS)
    errors += check_text("hospital", hospital, 100, needed=False)
    if diseases is not None:
        diseases, found = _codes("diseases", diseases, Disease.values)
        errors += found
    if errors:
        raise ValidationFailed(errors)
    absence.cause_outcome, absence.cause_diagnosis = outcome, diagnosis
    absence.cause_hospital = hospital
    absence.cause_recorded_at, absence.cause_recorded_by = timezone.now(), actor
    if diseases is not None:
        absence.diseases = diseases
    if notifiable is not None:
        absence.notifiable = bool(notifiable)
    absence.save()
    summary = CauseOutcome(outcome).label if not diagnosis else f"{diagnosis}"
    _complete_followup(actor, absence, "absence_cause", str(summary))
    followup_create_many(
        school_id=absence.school_id, kind="return_check", source=f"absence:{absence.pk}",
        items=[FollowUpItem(person_id=absence.person_id, detail={"absence_id": absence.pk},
                            title_zh=f"复课查验：{absence.person.name}",
                            title_en=f"Return check of {absence.person.name}")])
    transaction.on_commit(partial(_queue_detection, absence.school_id))
    return absence


def earliest_return(absence: SickAbsence, params: dict) -> date | None:
    """With fever: the first day after the pack's hours without fever, counted from the first
    day absent (the day fever was last known); without fever, no wait."""
    hours = params.get("return_after_hours_without_fever")
    if hours is None or "fever" not in absence.symptoms:
        return None
    return absence.first_day + timedelta(days=ceil(hours / 24))


@transaction.atomic
def absence_record_return(
    *,
    actor,
    absence_id: int,
    returned_on: date | None,
    certificate_seen: bool = False,
    note: str = "",
) -> SickAbsence:
    """The return-to-school check (复课查验): who checked, on which day, whether a doctor's
    certificate was seen. Back before the pack's hours without fever needs the certificate."""
    absence = _followable(actor, absence_id)
    today = timezone.localdate()
    errors = []
    if absence.returned_on is not None:
        errors.append(FieldError("returned_on", "already_returned", _(
            "The return is already recorded.")))
    elif not isinstance(returned_on, date):
        errors.append(required("returned_on"))
    elif returned_on > today:
        errors.append(FieldError("returned_on", "in_future", _("The date is in the future.")))
    elif returned_on <= absence.first_day:
        errors.append(FieldError("returned_on", "before_first_day", _(
            "The return must be after the first day absent.")))
    else:
        earliest = earliest_return(absence, school_params(absence.school_id))
        if earliest and returned_on < earliest and not certificate_seen:
            errors.append(FieldError("returned_on", "too_early", _(
                "Back before %(day)s (the hours without fever the policy asks): a doctor's "
                "certificate must be seen.") % {"day": earliest.isoformat()}))
    note = str(note or "").strip()
    errors += check_text("note", note, 200, needed=False)
    if errors:
        raise ValidationFailed(errors)
    absence.returned_on, absence.return_checked_by = returned_on, actor
    absence.return_certificate, absence.return_note = bool(certificate_seen), note
    if absence.last_day is None or absence.last_day >= returned_on:
        absence.last_day = returned_on - timedelta(days=1)
    absence.save()
    _complete_followup(actor, absence, "return_check", _("Back at school on %(day)s.")
                       % {"day": returned_on.isoformat()})
    return absence


# ---- clusters ---------------------------------------------------------------------------------


def _handled(actor, cluster_id: int) -> Cluster:
    found = (Cluster.objects.restrict(actor, "clusters.handle").filter(pk=cluster_id)
             .select_for_update().first())
    if found is None:
        raise Http404
    return found


@transaction.atomic
def cluster_mark_reported(*, actor, cluster_id: int, report_text: str,
                          reported_at=None) -> Cluster:
    """The outbreak reporter reviewed the draft and sent it to the county CDC and the bureau:
    record what was sent, when and by whom."""
    cluster = _handled(actor, cluster_id)
    report_text = str(report_text or "").strip()
    errors = check_text("report_text", report_text, 20_000, needed=True)
    now = timezone.now()
    reported_at = reported_at or now
    if reported_at > now:
        errors.append(FieldError("reported_at", "in_future", _("The time is in the future.")))
    elif reported_at < cluster.detected_at - timedelta(days=1):
        errors.append(FieldError("reported_at", "before_detection", _(
            "The report cannot be before the cluster was found.")))
    if cluster.status == ClusterStatus.CLOSED:
        errors.append(FieldError("status", "closed", _("This cluster is closed.")))
    if errors:
        raise ValidationFailed(errors)
    cluster.status, cluster.report_text = ClusterStatus.REPORTED, report_text
    cluster.reported_at, cluster.reported_by = reported_at, actor
    cluster.save(update_fields=["status", "report_text", "reported_at", "reported_by"])
    send_late_items_resolved(sender=Cluster, school_id=cluster.school_id)
    return cluster


@transaction.atomic
def cluster_close(*, actor, cluster_id: int, reason: str) -> Cluster:
    """Close a cluster (a false alarm, or the outbreak is over), saying why."""
    cluster = _handled(actor, cluster_id)
    reason = str(reason or "").strip()
    errors = check_text("reason", reason, 500, needed=True)
    if errors:
        raise ValidationFailed(errors)
    cluster.status = ClusterStatus.CLOSED
    cluster.report_text = (cluster.report_text + "\n\n" if cluster.report_text else "") + reason
    cluster.save(update_fields=["status", "report_text"])
    send_late_items_resolved(sender=Cluster, school_id=cluster.school_id)
    return cluster


@transaction.atomic
def cluster_suspend_class(*, actor, cluster_id: int):
    """Follow an influenza-like illness suspension suggestion: switch the cluster's class to
    online teaching (apps.emergency.services.mode_switch checks the actor's emergency.mode)."""
    from apps.emergency.services import mode_switch

    cluster = _handled(actor, cluster_id)
    if cluster.rule != ClusterRule.ILI_CLASS_SUSPENSION or not cluster.klass_id:
        raise ValidationFailed([FieldError("cluster", "not_suspension", _(
            "Only an influenza-like illness class suspension switches a class online."))])
    switch = mode_switch(actor=actor, school_id=cluster.school_id, mode="online", scope="klass",
                         scope_key=str(cluster.klass_id), reason=cluster.reason_zh[:200])
    cluster.suspended_at = timezone.now()
    cluster.save(update_fields=["suspended_at"])
    return switch
