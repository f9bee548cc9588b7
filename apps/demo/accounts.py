"""The demo accounts: one for every role, all with one known password, kept in one list so
the generator creates them and the runner prints them.

They sit in the demo county's school (junior or primary first: it has minors, guardians,
boarders and day students), its city and county bureaus and its designated hospital.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef

from apps.access.grants import grants_for
from apps.access.models import RoleAssignment, User
from apps.access.roles import Role
from apps.orgs.models import Bureau, BureauLevel, School, SchoolClass, SchoolKind, UnitKind
from apps.people.models import Guardianship, Person, PersonKind

DEMO_PASSWORD = "shaodian-demo"  # noqa: S105 — printed for the demo on purpose


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str


DEMO_ACCOUNTS = (
    DemoAccount("province", Role.PROVINCE_ADMIN, "省教育厅管理员"),
    DemoAccount("city_bureau", Role.BUREAU_ADMIN, "市教育局管理员"),
    DemoAccount("county_bureau", Role.BUREAU_ADMIN, "区教育局管理员"),
    DemoAccount("school_admin", Role.SCHOOL_ADMIN, "学校防疫办"),
    DemoAccount("unit_lead", Role.UNIT_LEAD, "年级组长"),
    DemoAccount("class_teacher", Role.CLASS_TEACHER, ""),
    DemoAccount("reporter", Role.OUTBREAK_REPORTER, "疫情报告人"),
    DemoAccount("gate", Role.GATE_OFFICER, "门卫"),
    DemoAccount("sampler", Role.SAMPLER, "采样员"),
    DemoAccount("hospital", Role.HOSPITAL_LIAISON, "定点医院联络员"),
    DemoAccount("student", Role.SELF, ""),
    DemoAccount("staff", Role.SELF, ""),
    DemoAccount("guardian", Role.GUARDIAN, ""),
)
SCHOOL_PREFERENCE = (
    SchoolKind.JUNIOR,
    SchoolKind.PRIMARY,
    SchoolKind.SENIOR,
    SchoolKind.SPECIAL,
    SchoolKind.VOCATIONAL,
    SchoolKind.KINDERGARTEN,
    SchoolKind.UNIVERSITY,
)


@dataclass(frozen=True)
class DemoAccountRow:
    username: str
    password: str
    role: str
    scope: str


def demo_school(county_code: str) -> School:
    """The school the school-level demo accounts work in: in the demo county, with guardians."""
    with_guardians = Exists(Guardianship.objects.filter(school=OuterRef("pk")))
    schools = list(School.objects.filter(county_code=county_code).annotate(g=with_guardians))
    schools = schools or list(School.objects.annotate(g=with_guardians))
    return min(schools, key=lambda s: (not s.g, SCHOOL_PREFERENCE.index(s.kind), s.code))


def _demo_class(school: School) -> SchoolClass:
    with_guardians = Exists(
        Guardianship.objects.filter(school=school, person__klass=OuterRef("pk"))
    )
    return (
        SchoolClass.objects.filter(school=school)
        .annotate(g=with_guardians)
        .order_by("-g", "unit__name", "name")
        .select_related("teacher", "unit")
        .first()
    )


@transaction.atomic
def demo_accounts_create(*, county_code: str) -> list[str]:
    """Create the demo accounts that do not exist yet; returns their usernames."""
    existing = set(
        User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).values_list(
            "username", flat=True
        )
    )
    if len(existing) == len(DEMO_ACCOUNTS):
        return []
    county = Bureau.objects.get(region_id=county_code, level=BureauLevel.COUNTY)
    school = demo_school(county_code)
    klass = _demo_class(school)
    has_guardian = Exists(Guardianship.objects.filter(person=OuterRef("pk")))
    student = (
        Person.objects.filter(klass=klass, kind=PersonKind.STUDENT, user__isnull=True)
        .annotate(g=has_guardian)
        .order_by("-g", "number")
        .first()
    )
    nodes = {
        "province": {
            "bureau": Bureau.objects.get(
                level=BureauLevel.PROVINCE, province_code=county.province_code
            )
        },
        "city_bureau": {
            "bureau": county.parent if county.parent.level == BureauLevel.CITY else county
        },
        "county_bureau": {"bureau": county},
        "school_admin": {"school": school},
        "reporter": {"school": school},
        "gate": {"school": school},
        "sampler": {"school": school},
        "unit_lead": {"unit": klass.unit},
        "hospital": {"hospital": school.hospital},
    }
    created = []
    for account in DEMO_ACCOUNTS:
        if account.username in existing:
            continue
        if account.username in nodes:
            user = _new_user(account.username, account.display_name)
            RoleAssignment.objects.create(user=user, role=account.role, **nodes[account.username])
        else:
            _link_person_account(account.username, school, klass, student)
        created.append(account.username)
    return created


def _new_user(username: str, display_name: str) -> User:
    return User.objects.create_user(
        username=username, password=DEMO_PASSWORD, display_name=display_name
    )


def _claim(user: User, username: str) -> None:
    """Give a generated account (unusable password) the demo username and password."""
    user.username = username
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["username", "password"])


def _link_person_account(
    username: str, school: School, klass: SchoolClass, student: Person
) -> None:
    if username == "class_teacher":
        _claim(klass.teacher, username)
    elif username == "guardian":
        guardianship = Guardianship.objects.filter(person=student).order_by("pk").first()
        if guardianship is None:  # an adult student: the demo still shows what a guardian sees
            guardianship = Guardianship.objects.create(
                school=school,
                person=student,
                relation="父亲",
                user=User.objects.create_user(username=f"g-{student.pk}", password=None),
            )
        _claim(guardianship.user, username)
    elif username == "student":
        student.user = _new_user(username, student.name)
        student.save(update_fields=["user"])
    elif username == "staff":
        staff = (
            Person.objects.filter(
                school=school,
                kind=PersonKind.STAFF,
                user__isnull=True,
                unit__kind=UnitKind.DEPARTMENT,
            )
            .order_by("number")
            .first()
        )
        staff.user = _new_user(username, staff.name)
        staff.save(update_fields=["user"])


def demo_account_rows() -> list[DemoAccountRow]:
    """Every demo account that exists, with its role and the scope its grants cover."""
    users = {
        u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    }
    rows = []
    for account in DEMO_ACCOUNTS:
        user = users.get(account.username)
        if user is None:
            continue
        labels = [g.label for g in grants_for(user) if g.role == account.role]
        rows.append(
            DemoAccountRow(
                account.username, DEMO_PASSWORD, str(Role(account.role).label), "; ".join(labels)
            )
        )
    return rows
