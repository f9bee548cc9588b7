"""A school's staff accounts made from its staff roster, set-based: every active staff
member without an account gets one, with a one-time activation code, and a staff member
whose roster row names a class (Person.teaches_class, the staff roster's class column) gets
that class's teacher role where the class is open and has none. The codes are printed by
the class taught, or else the unit.

Usernames are `<school code>-<staff number>`, lower-cased ("4101050001-t001"): the same for
the same person on every run, unique since a school code is unique and a staff number is
unique in its school. A name another account holds already is left alone, and its staff
member listed. Running again creates nothing: only staff without an account are read.

One transaction; the schools' rows are locked first, so two clicks run one after the other.
Users, codes and history rows are written with ids drawn first (core.db.IdPool) and COPY
on PostgreSQL (core.db.write_rows)."""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.models import User
from apps.access.rules import has_org_perm
from apps.accounts.models import AccountAction, AccountEvent
from apps.accounts.services.codes import IssuedCode, codes_expire_at, codes_write
from apps.core.db import IdPool, chunks, write_rows
from apps.core.errors import FieldError, ValidationFailed
from apps.core.history import CHANGED, history_rows_insert
from apps.orgs.models import School, SchoolClass, Unit
from apps.people.models import Person, PersonKind
from apps.people.validation import check_text

MANAGE = "accounts.manage"
_USER_COLUMNS = ("id", "password", "username", "display_name", "phone", "first_name",
                 "last_name", "email", "is_active", "is_staff", "is_superuser", "date_joined",
                 "language", "access_version", "must_change_password")


@dataclass
class StaffAccounts:
    """What one run made: the codes to print, the classes given a teacher, and the staff
    whose username another account holds (they got none)."""

    issued: list[IssuedCode] = field(default_factory=list)
    teachers: int = 0
    taken: list[tuple[str, str]] = field(default_factory=list)  # (name, username)


def staff_username(school_code: str, number: str) -> str:
    return f"{school_code}-{number}".strip().lower()


def schools_to_create(actor, school_ids: list[int]) -> list[School]:
    """The schools named, each one the actor manages accounts of; locked for the run."""
    ids = sorted(set(school_ids))
    if not ids:
        raise ValidationFailed([FieldError("school", "required", _("Choose a school."))])
    found = []
    for chunk in chunks(ids):  # a province's 51,000 schools: under a statement's parameters
        found += School.objects.restrict(actor, MANAGE).filter(pk__in=chunk).order_by("pk")
    if len(found) != len(ids):
        raise ValidationFailed([FieldError("school", "not_found", _("Nothing has this id."))])
    for chunk in chunks(ids):
        list(School.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
    return found


def _staff_without_accounts(school_ids: list[int]) -> list[tuple]:
    rows = []
    for chunk in chunks(school_ids, 1000):
        rows += Person.objects.filter(
            school_id__in=chunk, kind=PersonKind.STAFF, active=True, user__isnull=True,
        ).order_by("school_id", "number").values_list(
            "id", "school_id", "number", "name", "phone", "teaches_class_id", "unit_id")
    return rows


def _taken(usernames: list[str]) -> set[str]:
    if connection.vendor == "postgresql":  # one array parameter, not 190,000 placeholders
        with connection.cursor() as cursor:
            cursor.execute("SELECT username FROM access_user WHERE username = ANY(%s)",
                           [usernames])
            return {row[0] for row in cursor.fetchall()}
    found = set()
    for chunk in chunks(usernames):
        found.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    return found


def _places(school_ids: list[int]) -> tuple[dict, dict]:
    classes, units = {}, {}
    for chunk in chunks(school_ids, 1000):
        classes.update(SchoolClass.objects.filter(school_id__in=chunk)
                       .values_list("id", "name"))
        units.update(Unit.objects.filter(school_id__in=chunk).values_list("id", "name"))
    return classes, units


@transaction.atomic
def staff_accounts_create(*, actor, school_ids: list[int]) -> StaffAccounts:
    """Accounts for every active staff member of these schools without one (see the module)."""
    schools = {s.pk: s for s in schools_to_create(actor, school_ids)}
    now = timezone.now()
    result, new = StaffAccounts(), []
    staff = _staff_without_accounts(list(schools))
    taken = _taken([staff_username(schools[row[1]].code, row[2]) for row in staff])
    for row in staff:
        username = staff_username(schools[row[1]].code, row[2])
        (result.taken.append((row[3], username)) if username in taken else new.append(
            (*row, username)))
    if not new:
        _record(actor, schools, {}, now)
        return result
    user_ids = IdPool(User).take_many(len(new))
    unusable = make_password(None)  # "!" and random letters: no password matches it
    write_rows(User, _USER_COLUMNS, [
        (pk, unusable, username, name[:50], (phone or "")[:20], "", "", "", True, False, False,
         now, "", 0, True)
        for pk, (_id, _school, _number, name, phone, *_places_, username)
        in zip(user_ids, new, strict=True)])
    person_users = [(row[0], pk) for pk, row in zip(user_ids, new, strict=True)]
    _set_column(Person, "user_id", person_users)
    # The people just linked, read by their new accounts (ids drawn now, joined now): one
    # statement for all of them rather than a list of ids.
    linked = Person.objects.filter(user_id__gte=user_ids[0], user_id__lte=user_ids[-1],
                                   user__date_joined=now, kind=PersonKind.STAFF)
    history_rows_insert(linked, user=actor, when=now, reason="staff account created",
                        kind=CHANGED)
    result.teachers = _class_teachers(actor, new, user_ids, now)
    plain = codes_write(actor=actor, rows=[(pk, row[1], "") for pk, row in
                                           zip(user_ids, new, strict=True)], now=now,
                        void=False)
    classes, units = _places(list(schools))
    expires = codes_expire_at(now)
    result.issued = [
        IssuedCode(pk, row[-1], row[3], classes.get(row[5]) or units.get(row[6]) or "",
                   plain[pk], expires) for pk, row in zip(user_ids, new, strict=True)]
    _record(actor, schools, _counts(new), now)
    return result


def _counts(new: list[tuple]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for row in new:
        counts[row[1]] = counts.get(row[1], 0) + 1
    return counts


def _record(actor, schools: dict, counts: dict[int, int], now) -> None:
    AccountEvent.objects.bulk_create([
        AccountEvent(at=now, actor=actor, school_id=pk, action=AccountAction.CREATED,
                     count=counts.get(pk, 0)) for pk in schools])


def _class_teachers(actor, new: list[tuple], user_ids: list[int], now) -> int:
    """Each open class a new account's roster row names as the class taught, with no
    teacher yet, gets the first of them (by staff number) as its teacher."""
    wanted: dict[int, int] = {}
    for pk, row in zip(user_ids, new, strict=True):
        if row[5] is not None:
            wanted.setdefault(row[5], pk)
    pairs = []
    for chunk in chunks(list(wanted)):
        pairs += [(c, wanted[c]) for c in SchoolClass.objects.filter(
            pk__in=chunk, teacher__isnull=True, closed_at__isnull=True).values_list(
            "pk", flat=True)]
    # The accounts are new: no token holds their grants yet, so no access_version to bump.
    _set_column(SchoolClass, "teacher_id", pairs)
    _history(actor, SchoolClass, [c for c, _u in pairs], now, "class teacher from roster")
    return len(pairs)


def _set_column(model, column: str, pairs: list[tuple[int, int]]) -> None:
    """Set `column` of each row (id, value): one statement per chunk."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in chunks(pairs, 50_000):
            if connection.vendor == "postgresql":
                ids, values = zip(*chunk, strict=True)
                cursor.execute(
                    f"UPDATE {table} AS t SET {column} = v.value "  # noqa: S608 (ours)
                    "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, value) "
                    "WHERE t.id = v.id", [list(ids), list(values)])
            else:
                cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608
                                   [(value, pk) for pk, value in chunk])


def _history(actor, model, ids: list[int], now, reason: str) -> None:
    for chunk in chunks(ids):
        history_rows_insert(model.objects.filter(pk__in=chunk), user=actor, when=now,
                            reason=reason, kind=CHANGED)


# One account, for a role to be given next ---------------------------------------------------


def _username_errors(username: str) -> list[FieldError]:
    try:
        User.username_validator(username)
    except ValidationError:
        return [FieldError("username", "invalid", _("Letters, digits and @ . + - _ only."))]
    if User.objects.filter(username__iexact=username).exists():
        return [FieldError("username", "taken", _("An account with this username exists."))]
    return []


def _new_account_errors(username: str, display_name: str) -> list[FieldError]:
    limit = User._meta.get_field("username").max_length
    errors = check_text("username", username, limit, needed=True) or _username_errors(username)
    return errors + check_text("display_name", display_name,
                               User._meta.get_field("display_name").max_length, needed=True)


@transaction.atomic
def account_create(*, actor, username: str, display_name: str) -> IssuedCode:
    """A new account for someone who is on no roster (a bureau's or a new school's admin),
    with a one-time code to print: it belongs to nothing until a role is granted to it on the
    Roles page (apps.access.appointments: an account that belongs to nothing yet may be given
    its first role by anyone in charge). Only an account manager may make one."""
    if not has_org_perm(actor, MANAGE):
        raise ValidationFailed([FieldError("user", "not_found", _(
            "No such account in your scope."))])
    username, display_name = (username or "").strip().lower(), (display_name or "").strip()
    errors = _new_account_errors(username, display_name)
    if errors:
        raise ValidationFailed(errors)
    user = User(username=username, display_name=display_name, must_change_password=True)
    user.set_unusable_password()
    user.save()
    now = timezone.now()
    plain = codes_write(actor=actor, rows=[(user.pk, None, display_name)], now=now,
                        void=False)
    AccountEvent.objects.create(at=now, actor=actor, user=user, action=AccountAction.CREATED)
    return IssuedCode(user.pk, user.username, display_name, "", plain[user.pk],
                      codes_expire_at(now))
