"""The task force (专班): a school's staff with accounts plus outside contacts (health
department, CDC), each with a duty (apps.emergency.plans.Duty). Managing it needs
`emergency.mode` on the school; reading it, what reading the school's plan needs."""

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from apps.core.identity import DocumentError, normalize_phone
from apps.emergency.models import TaskForceMember
from apps.emergency.plans import MANAGE, Duty, _fail, check_manage, school_for_read


def school_user_ids(school_id: int) -> set[int]:
    """Accounts that belong to the school: its role holders (school or unit), its class
    teachers and its staff with accounts. Guardians and students are not candidates."""
    from apps.access.models import RoleAssignment
    from apps.orgs.models import SchoolClass
    from apps.people.models import Person

    ids = set(RoleAssignment.objects.filter(Q(school_id=school_id) | Q(unit__school_id=school_id))
              .values_list("user_id", flat=True))
    ids |= set(SchoolClass.objects.filter(school_id=school_id, teacher__isnull=False)
               .values_list("teacher_id", flat=True))
    ids |= set(Person.objects.filter(school_id=school_id, kind="staff", user__isnull=False)
               .values_list("user_id", flat=True))
    return ids


def school_user_choices(school_id: int) -> list[tuple[int, str]]:
    from apps.access.models import User

    users = User.objects.filter(pk__in=school_user_ids(school_id), is_active=True)
    return sorted(((u.pk, str(u)) for u in users), key=lambda pair: pair[1])


def task_force_user_ids(*, school_ids) -> dict[int, set[int]]:
    """The accounts on each school's task force (outside members have none), in one query:
    who a trigger or a plan run notifies."""
    out: dict[int, set[int]] = {}
    for school_id, user_id in (TaskForceMember.objects.filter(
            school_id__in=list(school_ids), user__isnull=False, external=False)
            .values_list("school_id", "user_id")):
        out.setdefault(school_id, set()).add(user_id)
    return out


def task_force(*, user, school_id: int):
    school_for_read(user, school_id)
    return (TaskForceMember.objects.filter(school_id=school_id).select_related("user")
            .order_by("-lead", "external", "duty", "name"))


def _clean_contact(*, phone: str, email: str) -> str:
    """The phone normalised; the e-mail checked."""
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise _fail("email", "invalid", _("Not an e-mail address.")) from None
    if not phone:
        return ""
    try:
        return normalize_phone(phone)
    except DocumentError:
        raise _fail("phone", "bad_phone", _("Not a mobile or landline number.")) from None


@transaction.atomic
def task_force_member_add(
    *,
    actor,
    school_id: int,
    duty: str,
    user_id: int | None = None,
    name: str = "",
    organisation: str = "",
    phone: str = "",
    email: str = "",
    external: bool = False,
    lead: bool = False,
) -> TaskForceMember:
    """Add a member: a school account (name taken from it), or an outside contact (health
    department, CDC) with a name, an organisation and a phone or an e-mail."""
    check_manage(actor, school_id)
    if duty not in Duty.values:
        raise _fail("duty", "unknown", _("Choose a duty from the list."))
    name, organisation, email = name.strip(), organisation.strip(), email.strip()
    phone = _clean_contact(phone=phone.strip(), email=email)
    if external:
        if user_id:
            raise _fail("user", "external_account",
                        _("An outside contact has no account here; give a name instead."))
        if not organisation:
            raise _fail("organisation", "required",
                        _("Name the outside member's organisation."))
        if not (phone or email):
            raise _fail("phone", "required", _("Give an outside member a phone or an e-mail."))
    elif user_id:
        if user_id not in school_user_ids(school_id):
            raise _fail("user", "not_in_school", _("That account does not belong to the school."))
        from apps.access.models import User

        name = name or str(User.objects.get(pk=user_id))
    if not name:
        raise _fail("name", "required", _("Give the member's name or pick an account."))
    if TaskForceMember.objects.filter(school_id=school_id, name=name, duty=duty).exists():
        raise _fail("duty", "duplicate", _("This member already holds this duty."))
    if lead:
        TaskForceMember.objects.filter(school_id=school_id, lead=True).update(lead=False)
    return TaskForceMember.objects.create(
        school_id=school_id, user_id=user_id, name=name[:50], duty=duty,
        organisation=organisation[:100], phone=phone, email=email, external=external,
        lead=lead,
    )


def _member_for_manage(actor, member_id: int, school_id: int | None) -> TaskForceMember:
    """The member, if the actor manages its school; a page names the school too, and a member
    of another school is then not found (tests/scope)."""
    members = TaskForceMember.objects.restrict(actor, MANAGE).select_for_update()
    if school_id is not None:
        members = members.filter(school_id=school_id)
    member = members.filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


@transaction.atomic
def task_force_lead_set(*, actor, member_id: int, school_id: int | None = None) -> TaskForceMember:
    """Make this member the task force's leader (one leader per school)."""
    member = _member_for_manage(actor, member_id, school_id)
    TaskForceMember.objects.filter(school_id=member.school_id, lead=True).exclude(
        pk=member.pk).update(lead=False)
    if not member.lead:
        member.lead = True
        member.save(update_fields=["lead"])
    return member


@transaction.atomic
def task_force_member_remove(*, actor, member_id: int, school_id: int | None = None) -> None:
    """Remove a member; their open tasks stay, unassigned, for the leader to take."""
    _member_for_manage(actor, member_id, school_id).delete()
