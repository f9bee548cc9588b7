"""Writes of transfers: the sending school requests one, the receiving school accepts it into
one of its classes (one transaction: the person record moves, their current facts with it,
their history stays; apps.transfers.moves says which is which) or refuses it with a reason,
and the sender may cancel it while it is open.

Each raises ValidationFailed naming the field and reason; nothing is written then."""

from django.apps import apps
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import FieldError, ValidationFailed
from apps.orgs.models import School, SchoolClass
from apps.people.models import Person, PersonKind
from apps.people.validation import check_text
from apps.transfers.models import Transfer, TransferState
from apps.transfers.moves import ENDS, MOVES, PERSON_ROWS
from apps.transfers.selectors import MANAGE

REASON_LIMIT = 200


def _fail(field: str, reason: str, message) -> None:
    raise ValidationFailed([FieldError(field, reason, str(message))])


def _clean_reason(field: str, value: str, *, needed: bool) -> str:
    value = str(value or "").strip()
    errors = check_text(field, value, REASON_LIMIT, needed=needed)
    if errors:
        raise ValidationFailed(errors)
    return value


@transaction.atomic
def transfer_request(*, actor, person_id: int, to_school_id: int, reason: str = "") -> Transfer:
    """The sending school asks another school of the province to take one of its students."""
    reason = _clean_reason("reason", reason, needed=False)
    person = (Person.objects.restrict(actor, MANAGE).select_for_update(of=("self",))
              .select_related("school").filter(pk=person_id).first())
    if person is None:
        _fail("person_id", "not_found", _("No student of your school has this id."))
    if person.kind != PersonKind.STUDENT or not person.active:
        _fail("person_id", "not_student", _("Only an active student can be transferred."))
    to_school = School.objects.filter(pk=to_school_id).first()
    if to_school is None or to_school.province_code != person.school.province_code:
        _fail("to_school_id", "not_found", _("No school of the province has this id."))
    if to_school.pk == person.school_id:
        _fail("to_school_id", "same_school", _("The student is already at this school."))
    if not to_school.active:
        _fail("to_school_id", "closed", _("This school is closed."))
    if Transfer.objects.filter(person=person, state=TransferState.REQUESTED).exists():
        _fail("person_id", "open_transfer",
              _("This student already has a transfer waiting for a decision."))
    transfer = Transfer(person=person, from_school_id=person.school_id, to_school=to_school,
                        from_class_id=person.klass_id, reason=reason, requested_by=actor)
    transfer._history_user = actor
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:  # a second request raced this one
        _fail("person_id", "open_transfer",
              _("This student already has a transfer waiting for a decision."))
    _tell(transfer, _school_admins(to_school.pk),
          gettext_lazy("{school} asks you to take {name}"), school=person.school.name)
    return transfer


def _school_admins(school_id: int) -> list[int]:
    from apps.access.models import RoleAssignment

    return list(RoleAssignment.objects.filter(role="school_admin", school_id=school_id)
                .values_list("user_id", flat=True))


def _tell(transfer: Transfer, recipients, subject, **names) -> None:
    """The other side's admins, in their inbox (once per transfer and state)."""
    from apps.notifications.services import notification_send

    notification_send(
        recipient_ids=recipients, kind="transfer", link=f"/transfers/{transfer.pk}/",
        subject=format_lazy(subject, name=transfer.person.name, **names),
        body=transfer.decision_reason, dedupe_key=f"transfer-{transfer.pk}-{transfer.state}")


def _open_for(actor, transfer_id: int, *, side: str) -> Transfer:
    """The transfer, locked, if the actor decides for its `side` ("to_school"/"from_school");
    one the actor cannot see is a 404, one they see from the other side a named error."""
    transfer = get_object_or_404(Transfer.objects.restrict(actor, MANAGE)
                                 .select_for_update(of=("self",)), pk=transfer_id)
    if not School.objects.restrict(actor, MANAGE).filter(
            pk=getattr(transfer, f"{side}_id")).exists():
        message = (_("Only the receiving school decides on a transfer.") if side == "to_school"
                   else _("Only the sending school cancels a transfer."))
        _fail("transfer_id", "other_side", message)
    return transfer


def _decided(transfer: Transfer) -> None:
    _fail("transfer_id", "decided",
          _("This transfer was %(state)s already.") % {"state": transfer.get_state_display()})


@transaction.atomic
def transfer_accept(*, actor, transfer_id: int, to_class_id: int, number: str = "") -> Transfer:
    """The receiving school takes the student into one of its classes. Accepting again into
    the same class changes nothing."""
    transfer = _open_for(actor, transfer_id, side="to_school")
    if transfer.state == TransferState.ACCEPTED and transfer.to_class_id == to_class_id:
        return transfer
    if transfer.state != TransferState.REQUESTED:
        _decided(transfer)
    klass = (SchoolClass.objects.filter(pk=to_class_id, school_id=transfer.to_school_id,
                                        closed_at__isnull=True).first())
    if klass is None:
        _fail("to_class_id", "not_found", _("The receiving school has no open class with this id."))
    person = Person.objects.select_for_update().get(pk=transfer.person_id)
    if person.school_id != transfer.from_school_id:
        _fail("transfer_id", "moved", _("The student is no longer at the sending school."))
    number = _free_number(person, transfer.to_school_id, str(number or "").strip())
    _move(person, transfer, klass, number, actor)
    transfer.state, transfer.to_class = TransferState.ACCEPTED, klass
    transfer.decided_by, transfer.decided_at = actor, timezone.now()
    transfer._history_user = actor
    transfer.save()
    _tell(transfer, _school_admins(transfer.from_school_id),
          gettext_lazy("{name} was taken into {klass}"), klass=klass.name)
    return transfer


def _free_number(person: Person, school_id: int, number: str) -> str:
    """The student number at the receiving school (theirs unless one is given), which must be
    free there; the same ID document there is the same person recorded twice."""
    number = number or person.number
    errors = check_text("number", number, 32, needed=True)
    if errors:
        raise ValidationFailed(errors)
    there = Person.objects.filter(school_id=school_id)
    if there.filter(kind=person.kind, number=number).exists():
        _fail("number", "taken", _("The receiving school has a student with this number: "
                                   "give the student another one."))
    if there.filter(doc_hash=person.doc_hash).exists():
        _fail("transfer_id", "already_there",
              _("The receiving school already has a record with this student's ID document."))
    return number


def _move(person: Person, transfer: Transfer, klass: SchoolClass, number: str, actor) -> None:
    """One person record moves: school, unit, class and number change, the dorm bed ends;
    the current facts move with it, history stays; the grants that came from the person
    (their own, their guardians') are read again everywhere; the status is recomputed at the
    receiving school (with the history it needs, apps.status.facts)."""
    from apps.access.freshness import grants_changed
    from apps.followups.selectors import responsible_for
    from apps.people.headcounts import headcounts_refresh_on_commit
    from apps.status.services import CAUSE_MANUAL, status_recompute_persons

    old, new = transfer.from_school_id, transfer.to_school_id
    person.school_id, person.klass, person.unit_id = new, klass, klass.unit_id
    person.number, person.dorm_room = number, None
    person._history_user = actor
    person._change_reason = f"transfer {transfer.pk}"
    person.save()  # recounts the receiving school's headcount; the sending one's here
    headcounts_refresh_on_commit([old])
    for label, rule in PERSON_ROWS.items():
        if rule.what not in (MOVES, ENDS):
            continue
        rows = apps.get_model(label).objects.filter(school_id=old, person_id=person.pk,
                                                    **rule.rows)
        if rule.what == MOVES:
            rows.update(school_id=new)
        elif rule.what == ENDS:
            rows.update(**{rule.stamp: timezone.now()})
    FollowUp = apps.get_model("followups.FollowUp")
    assignee = responsible_for(school_id=new, person_ids=[person.pk]).get(person.pk)
    FollowUp.objects.filter(school_id=new, person_id=person.pk, status="open").update(
        assignee_id=assignee, assigned_at=timezone.now(), assigned_by=actor)
    guardians = apps.get_model("people.Guardianship").objects.filter(
        school_id=new, person_id=person.pk).values_list("user_id", flat=True)
    grants_changed([person.user_id, *guardians])
    status_recompute_persons(school_id=new, person_ids=[person.pk], reason=CAUSE_MANUAL)


@transaction.atomic
def transfer_refuse(*, actor, transfer_id: int, reason: str) -> Transfer:
    """The receiving school says no, with a reason the sending school reads."""
    reason = _clean_reason("reason", reason, needed=True)
    transfer = _open_for(actor, transfer_id, side="to_school")
    if transfer.state != TransferState.REQUESTED:
        _decided(transfer)
    _close(transfer, TransferState.REFUSED, actor, reason)
    _tell(transfer, _school_admins(transfer.from_school_id),
          gettext_lazy("The transfer of {name} was refused"))
    return transfer


@transaction.atomic
def transfer_cancel(*, actor, transfer_id: int, reason: str = "") -> Transfer:
    """The sending school withdraws its request while it waits."""
    reason = _clean_reason("reason", reason, needed=False)
    transfer = _open_for(actor, transfer_id, side="from_school")
    if transfer.state != TransferState.REQUESTED:
        _decided(transfer)
    _close(transfer, TransferState.CANCELLED, actor, reason)
    _tell(transfer, _school_admins(transfer.to_school_id),
          gettext_lazy("The transfer of {name} was cancelled"))
    return transfer


def _close(transfer: Transfer, state: str, actor, reason: str) -> Transfer:
    transfer.state, transfer.decision_reason = state, reason
    transfer.decided_by, transfer.decided_at = actor, timezone.now()
    transfer._history_user = actor
    transfer.save()
    return transfer

