"""An admin's actions on one account, or a class's: reset (a new code, the password
forgotten), deactivation when someone leaves (sessions and tokens end at once), reactivation,
and reprinting the codes of accounts not yet activated.

Who may act on an account: one who could grant every role it holds (apps.access.delegation:
a school admin for the school's staff, a bureau for the school admins it may appoint), over
a staff record or a role in the actor's scope. Any other account, or one of someone not
above, is answered `not_found`, as one that does not exist."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access import delegation
from apps.access.appointments import place_of
from apps.access.freshness import grants_changed
from apps.access.grants import grants_for
from apps.access.models import ApiToken, RoleAssignment, User
from apps.access.services import api_tokens_revoke
from apps.accounts.models import AccountAction, AccountEvent, ActivationCode
from apps.accounts.services.codes import (
    IssuedCode,
    codes_expire_at,
    codes_write,
    not_activated,
)
from apps.core.errors import FieldError, ValidationFailed
from apps.orgs.models import SchoolClass, Unit
from apps.people.models import Person, PersonKind

MANAGE = "accounts.manage"


def _not_found(field: str = "user"):
    return ValidationFailed([FieldError(field, "not_found", _("No such account in your "
                                                              "scope."))])


def _staff_record(actor, user_id: int):
    return (Person.objects.restrict(actor, MANAGE).filter(user_id=user_id, kind=PersonKind.STAFF)
            .select_related("school", "teaches_class", "unit").first())


def _all_below(actor, user) -> bool | None:
    """Whether the actor could grant every role the account holds (None: it holds none)."""
    grants = grants_for(actor)
    nodes = [(r.role, r.node) for r in RoleAssignment.objects.filter(user=user).select_related(
        "bureau", "school", "unit__school", "hospital")]
    nodes += [("class_teacher", c) for c in SchoolClass.objects.filter(teacher=user)
              .select_related("school")]
    if not nodes:
        return None
    return all(delegation.refusal(grants, role, place_of(node)) is None for role, node in nodes)


def account_managed(*, actor, pk) -> User:
    """The account the actor may reset or deactivate, or ValidationFailed not_found."""
    user = User.objects.filter(pk=getattr(pk, "pk", pk), is_superuser=False).first()
    if user is not None and user.pk == actor.pk:
        raise ValidationFailed([FieldError("user", "self", _(
            "Not your own account: change your password on the password page."))])
    if user is None:
        raise _not_found()
    below = _all_below(actor, user)
    if below is False or (below is None and _staff_record(actor, user.pk) is None):
        raise _not_found()
    return user


def _school_of(user) -> int | None:
    return (Person.objects.filter(user=user, kind=PersonKind.STAFF)
            .values_list("school_id", flat=True).first())


def _sessions_end(user) -> int:
    """Delete every session signed in as the user. Sessions are not indexed by user: the
    live ones are read in batches (a deactivation is rare; sign-ins are not slowed)."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(2000):
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@transaction.atomic
def account_password_reset(*, actor, user) -> IssuedCode:
    """The account's password is forgotten (no password matches it), its sessions end, and a
    new one-time code lets its holder choose one (the old codes go void)."""
    user = account_managed(actor=actor, pk=user)
    if not user.is_active:
        raise ValidationFailed([FieldError("user", "inactive", _(
            "The account is deactivated: reactivate it first."))])
    user.set_unusable_password()
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    grants_changed([user.pk])  # a token cached in any process re-reads it, and is refused
    _sessions_end(user)
    school = _school_of(user)
    now = timezone.now()
    plain = codes_write(actor=actor, rows=[(user.pk, school, "")], now=now)
    AccountEvent.objects.create(at=now, actor=actor, user=user, school_id=school,
                                action=AccountAction.RESET)
    return IssuedCode(user.pk, user.username, str(user), _place(user), plain[user.pk],
                      codes_expire_at(now))


def _place(user) -> str:
    person = Person.objects.filter(user=user).select_related("teaches_class", "unit").first()
    if person is None:
        return ""
    return str(person.teaches_class or person.unit or "")


@transaction.atomic
def account_deactivate(*, actor, user) -> User:
    """Someone left: the account signs in no more, its sessions are deleted, its API tokens
    revoked and its access_version changed, so a token cached in any process dies at its
    next request. Roles and history stay; reactivation brings the account back."""
    user = account_managed(actor=actor, pk=user)
    if not user.is_active:
        raise ValidationFailed([FieldError("user", "inactive", _(
            "The account is deactivated already."))])
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    grants_changed([user.pk])
    api_tokens_revoke(token_ids=list(ApiToken.objects.filter(
        user=user, revoked_at__isnull=True).values_list("pk", flat=True)))
    ActivationCode.objects.filter(user=user, used_at__isnull=True,
                                  voided_at__isnull=True).update(voided_at=timezone.now())
    _sessions_end(user)
    AccountEvent.objects.create(actor=actor, user=user, school_id=_school_of(user),
                                action=AccountAction.DEACTIVATED)
    return user


@transaction.atomic
def account_reactivate(*, actor, user) -> User:
    user = account_managed(actor=actor, pk=user)
    if user.is_active:
        raise ValidationFailed([FieldError("user", "active", _("The account is active."))])
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    grants_changed([user.pk])
    AccountEvent.objects.create(actor=actor, user=user, school_id=_school_of(user),
                                action=AccountAction.REACTIVATED)
    return user


def _staff_to_reissue(actor, school, klass_id, unit_id):
    staff = Person.objects.restrict(actor, MANAGE).filter(
        not_activated(), school=school, kind=PersonKind.STAFF, active=True,
        user__is_active=True)
    if klass_id is not None:
        if not SchoolClass.objects.filter(school=school, pk=klass_id).exists():
            raise ValidationFailed([FieldError("klass_id", "not_found", _("Nothing has this "
                                                                          "id."))])
        staff = staff.filter(teaches_class_id=klass_id)
    elif unit_id is not None:
        if not Unit.objects.filter(school=school, pk=unit_id).exists():
            raise ValidationFailed([FieldError("unit_id", "not_found", _("Nothing has this "
                                                                         "id."))])
        staff = staff.filter(unit_id=unit_id, teaches_class__isnull=True)
    return staff.select_related("user", "teaches_class", "unit").order_by(
        "teaches_class_id", "unit_id", "number")


@transaction.atomic
def activation_codes_reissue(*, actor, school, klass_id: int | None = None,
                             unit_id: int | None = None) -> list[IssuedCode]:
    """New codes for the school's staff (of one class or unit) whose accounts are not
    activated yet, the unused old ones voided; only accounts the actor is above."""
    staff = [p for p in _staff_to_reissue(actor, school, klass_id, unit_id)
             if _all_below(actor, p.user) is not False]
    now = timezone.now()
    plain = codes_write(actor=actor, rows=[(p.user_id, p.school_id, "") for p in staff],
                        now=now)
    if staff:
        AccountEvent.objects.create(at=now, actor=actor, school=school,
                                    action=AccountAction.CODES, count=len(staff))
    expires = codes_expire_at(now)
    return [IssuedCode(p.user_id, p.user.username, p.name,
                       str(p.teaches_class or p.unit or ""),
                       plain[p.user_id], expires) for p in staff]
