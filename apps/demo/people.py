"""One school's rows: units, classes with their teachers, dorm rooms, students and staff,
guardians of minors and households of day students.

Everything random comes from the school's own seed, so a school comes out the same whatever
the chunking. ID numbers are the one thing shared across a county: `IdNumbers` hands out
sequence numbers so no two people of a county get the same number.
"""

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from apps.core.crypto import encrypt_text, keyed_hash
from apps.core.db import IdPool
from apps.core.identity import DocumentType, mask_document, resident_id_check_char
from apps.demo.catalog import COLLEGES, KINDS, OCCUPATIONS, ROADS
from apps.demo.names import (
    between,
    chinese_number,
    pick,
    random_given_name,
    random_mobile,
    random_name,
    random_surname,
)
from apps.demo.planner import SchoolPlan
from apps.orgs.models import Boarding, SchoolKind, UnitKind

USER_COLUMNS = (
    "id",
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "display_name",
    "phone",
    "language",
)
UNIT_COLUMNS = ("id", "school_id", "name", "kind")
CLASS_COLUMNS = ("id", "school_id", "unit_id", "name", "teacher_id")
ROOM_COLUMNS = ("id", "school_id", "building", "room", "beds")
PERSON_COLUMNS = (
    "id",
    "school_id",
    "kind",
    "number",
    "name",
    "sex",
    "birth_date",
    "doc_type",
    "doc_cipher",
    "doc_hash",
    "doc_masked",
    "phone",
    "residence_region_id",
    "address",
    "unit_id",
    "klass_id",
    "teaches_class_id",
    "residence",
    "dorm_room_id",
    "user_id",
    "active",
)
GUARDIAN_COLUMNS = ("school_id", "person_id", "user_id", "relation", "consent_at")
HOUSEHOLD_COLUMNS = (
    "school_id",
    "person_id",
    "name",
    "relation",
    "phone",
    "occupation",
    "residence_region_id",
    "guardian",
)

_ID, _NAME, _PHONE = (PERSON_COLUMNS.index(c) for c in ("id", "name", "phone"))
ROOMS_PER_BUILDING = 120
MALE_SHARE = 0.52


@dataclass
class Rows:
    """Rows waiting to be written, per table."""

    users: list = field(default_factory=list)
    units: list = field(default_factory=list)
    classes: list = field(default_factory=list)
    rooms: list = field(default_factory=list)
    persons: list = field(default_factory=list)
    guardians: list = field(default_factory=list)
    households: list = field(default_factory=list)

    def count(self) -> int:
        return sum(len(rows) for rows in vars(self).values())


@dataclass
class Pools:
    users: IdPool
    units: IdPool
    classes: IdPool
    rooms: IdPool
    persons: IdPool


class IdNumbers:
    """Fictitious resident ID numbers, unique within a county.

    Sequence numbers count down from the 9xx block (rarely issued, so the numbers are
    unlikely to be anybody's): 901, 903, … for men, 900, 902, … for women, then 8xx.
    """

    def __init__(self, county_code: str):
        self.county_code = county_code
        self.issued: Counter = Counter()

    def issue(self, born: date, sex: str) -> str:
        k = self.issued[(born, sex)]
        self.issued[(born, sex)] = k + 1
        hundreds = 9 - k // 50
        if hundreds < 0:
            raise RuntimeError("more than 500 people of one sex born on one day in one county")
        first17 = (
            f"{self.county_code}{born:%Y%m%d}{hundreds * 100 + 2 * (k % 50) + (sex == 'M'):03d}"
        )
        return first17 + resident_id_check_char(first17)


def school_year_start(today: date) -> int:
    """The calendar year the current school year began in (it starts on 1 September)."""
    return today.year if today.month >= 9 else today.year - 1


@dataclass
class _Group:
    """Students of one grade (or one college year) and the unit they belong to."""

    unit_id: int
    unit_name: str
    grade: int
    students: int
    classes: list = field(default_factory=list)  # (class_id, class_name, size)


class SchoolGenerator:
    def __init__(
        self,
        plan: SchoolPlan,
        school_id: int,
        *,
        pools: Pools,
        ids: IdNumbers,
        today: date,
        now: datetime,
        rows: Rows,
    ):
        self.plan, self.school_id, self.pools, self.ids = plan, school_id, pools, ids
        self.today, self.now, self.rows = today, now, rows
        self.spec = KINDS[plan.kind]
        self.rng = random.Random(plan.seed)
        self.year = school_year_start(today)
        self.county = plan.county.code
        self.student_seq = 0
        self.open_rooms: dict[str, list] = {}  # sex -> [room_id, beds left]
        self.rooms_opened: Counter = Counter()

    # -- the whole school ---------------------------------------------------------------

    def generate(self) -> None:
        staff, groups = self._split()
        departments = [self._unit(name, UnitKind.DEPARTMENT) for name in self.spec.departments]
        teachers = self._classes(groups)
        self._staff(teachers, departments, staff - len(teachers))
        for group in groups:
            for class_id, _name, size in group.classes:
                for _ in range(size):
                    self._student(group, class_id)

    def _split(self) -> tuple[int, list[_Group]]:
        """Staff count and student groups such that every class has a teacher on the staff."""
        size = self.plan.size
        staff = min(size, max(1, round(size * self.spec.staff_share)))
        while True:
            shares = self._group_shares(size - staff)
            classes = sum(math.ceil(n / self.spec.class_size) for _, _, n in shares)
            if staff >= min(size, classes + 1) or staff == size:
                break
            staff = min(size, classes + 1)
        groups = []
        units: dict[str, int] = {}
        for unit_name, grade, students in shares:
            if unit_name not in units:
                kind = (
                    UnitKind.COLLEGE if self.plan.kind == SchoolKind.UNIVERSITY else UnitKind.GRADE
                )
                units[unit_name] = self._unit(unit_name, kind)
            groups.append(_Group(units[unit_name], unit_name, grade, students))
        return staff, groups

    def _group_shares(self, students: int) -> list[tuple[str, int, int]]:
        """(unit name, grade index, students) for every grade, or every year of every college."""
        if self.plan.kind == SchoolKind.UNIVERSITY:
            colleges = COLLEGES[: max(2, min(len(COLLEGES), round(students / 1100)))]
            slots = [(college, year) for college in colleges for year in range(4)]
        else:
            slots = [(name, grade) for grade, name in enumerate(self.spec.grades)]
        weights = [self.rng.uniform(0.85, 1.15) for _ in slots]
        counts = [int(students * w / sum(weights)) for w in weights]
        for i in range(students - sum(counts)):
            counts[i % len(counts)] += 1
        return [(unit, grade, n) for (unit, grade), n in zip(slots, counts, strict=True)]

    # -- org rows -----------------------------------------------------------------------

    def _unit(self, name: str, kind: str) -> int:
        unit_id = self.pools.units.take()
        self.rows.units.append((unit_id, self.school_id, name, kind))
        return unit_id

    def _classes(self, groups: list[_Group]) -> list[tuple[int, int, int]]:
        """Create every class with a teacher account; returns (teacher user id, unit id,
        class id): the teacher's staff record names the class it teaches."""
        teachers = []
        for group in groups:
            count = math.ceil(group.students / self.spec.class_size)
            for n in range(1, count + 1):
                size = group.students // count + (1 if n <= group.students % count else 0)
                class_id = self.pools.classes.take()
                teacher_id = self.pools.users.take()
                name = self._class_name(group, n)
                group.classes.append((class_id, name, size))
                self.rows.classes.append(
                    (class_id, self.school_id, group.unit_id, name, teacher_id)
                )
                teachers.append((teacher_id, group.unit_id, class_id))
        return teachers

    def _class_name(self, group: _Group, n: int) -> str:
        kind = self.plan.kind
        if kind == SchoolKind.UNIVERSITY:
            short = group.unit_name.removesuffix("学院")
            short = (
                short if len(short) > 1 else group.unit_name.removesuffix("院")
            )  # 文学院 -> 文学
            return f"{short}{self.year - group.grade}级{n}班"
        if kind == SchoolKind.KINDERGARTEN:
            return f"{group.unit_name[0]}{chinese_number(n)}班"
        if kind == SchoolKind.SENIOR:
            return f"{group.unit_name[:2]}({n})班"
        return f"{group.unit_name}{n}班"

    def _room(self, sex: str) -> int:
        current = self.open_rooms.get(sex)
        if current is None or current[1] == 0:
            k = self.rooms_opened[sex]
            self.rooms_opened[sex] += 1
            building_no, index = divmod(k, ROOMS_PER_BUILDING)
            # Men's and women's buildings alternate: 1, 3, 5… and 2, 4, 6….
            building = f"{2 * building_no + (1 if sex == 'M' else 2)}号宿舍楼"
            floor, number = divmod(index, 20)
            room_id = self.pools.rooms.take()
            self.rows.rooms.append(
                (room_id, self.school_id, building, f"{floor + 1}{number + 1:02d}", self.spec.beds)
            )
            current = self.open_rooms[sex] = [room_id, self.spec.beds]
        current[1] -= 1
        return current[0]

    # -- people -------------------------------------------------------------------------

    def _staff(
        self, teachers: list[tuple[int, int, int]], departments: list[int], others: int
    ) -> None:
        for n, (teacher_id, unit_id, class_id) in enumerate(teachers, start=1):
            person = self._staff_person(n, unit_id, teacher_id, class_id)
            self.rows.users.append(
                self._user_row(
                    teacher_id, f"t{self.plan.code}{n:04d}", person[_NAME], person[_PHONE]
                )
            )
        for n in range(len(teachers) + 1, len(teachers) + others + 1):
            self._staff_person(n, self.rng.choice(departments), None)

    def _staff_person(
        self, n: int, unit_id: int, user_id: int | None, class_id: int | None = None
    ) -> tuple:
        sex = "F" if self.rng.random() < self.spec.female_staff else "M"
        born = self._birth_in_year(self.year - between(self.rng, 23, 59))
        return self._person(
            "staff",
            f"T{n:05d}",
            sex,
            born,
            unit_id=unit_id,
            klass_id=None,
            teaches_class_id=class_id,
            phone=self._mobile(),
            boarder=False,
            user_id=user_id,
        )

    def _student(self, group: _Group, class_id: int) -> None:
        sex = "M" if self.rng.random() < MALE_SHARE else "F"
        born = self._student_birth(group.grade)
        self.student_seq += 1
        number = f"{self.year - group.grade}{self.student_seq:05d}"
        age = _age(born, self.today)
        phone = self._mobile() if age >= 12 and self.rng.random() < 0.8 else ""
        boarder = self._is_boarder()
        person = self._person(
            "student",
            number,
            sex,
            born,
            unit_id=group.unit_id,
            klass_id=class_id,
            phone=phone,
            boarder=boarder,
            user_id=None,
        )
        guardian = self._guardian(person, born) if age < 18 else None
        if not boarder:
            self._household(person, born, guardian)

    def _person(
        self, kind, number, sex, born, *, unit_id, klass_id, phone, boarder, user_id,
        teaches_class_id=None,
    ) -> tuple:
        doc = self.ids.issue(born, sex)
        person_id = self.pools.persons.take()
        name = random_name(self.rng, sex, born.year)
        row = (
            person_id,
            self.school_id,
            kind,
            number,
            name,
            sex,
            born,
            DocumentType.RESIDENT_ID,
            encrypt_text(doc),
            keyed_hash(doc),
            mask_document(doc),
            phone,
            self.county,
            self._address(),
            unit_id,
            klass_id,
            teaches_class_id,
            "boarder" if boarder else "day",
            self._room(sex) if boarder else None,
            user_id,
            True,
        )
        self.rows.persons.append(row)
        return row

    def _guardian(self, person: tuple, born: date) -> tuple[str, str, str]:
        draw = self.rng.random()
        relation = (
            "父亲" if draw < 0.45 else "母亲" if draw < 0.9 else "祖父" if draw < 0.95 else "祖母"
        )
        name = self._relative_name(relation, person[_NAME][0], born.year)
        phone = self._mobile()
        user_id = self.pools.users.take()
        username = f"g{self.plan.code}{self.student_seq:06d}"
        self.rows.users.append(self._user_row(user_id, username, name, phone))
        # Guardians of children under 14 consent for them; a few have not yet.
        consent = self.now if self.rng.random() < 0.95 else None
        self.rows.guardians.append((self.school_id, person[_ID], user_id, relation, consent))
        return relation, name, phone

    def _household(self, person: tuple, born: date, guardian: tuple | None) -> None:
        relations = ["父亲", "母亲"]
        if self.rng.random() < 0.35:
            relations.append(pick(self.rng, ("祖父", "祖母", "外祖父", "外祖母")))
        if guardian and guardian[0] not in relations:
            relations.append(guardian[0])
        for relation in relations:
            if guardian and guardian[0] == relation:
                name, phone = guardian[1], guardian[2]
            else:
                name = self._relative_name(relation, person[_NAME][0], born.year)
                phone = self._mobile() if self.rng.random() < 0.8 else ""
            occupation = (
                "退休" if relation.endswith(("祖父", "祖母")) else pick(self.rng, OCCUPATIONS)
            )
            is_guardian = bool(guardian) and guardian[0] == relation  # the one to call
            self.rows.households.append(
                (self.school_id, person[_ID], name, relation, phone, occupation, self.county,
                 is_guardian)
            )

    def _relative_name(self, relation: str, child_surname: str, child_year: int) -> str:
        older = relation.endswith(("祖父", "祖母"))
        year = child_year - (between(self.rng, 50, 62) if older else between(self.rng, 23, 38))
        sex = "M" if relation in ("父亲", "祖父", "外祖父") else "F"
        # Children mostly carry the father's surname, and so does his father.
        surname = child_surname if relation in ("父亲", "祖父") else random_surname(self.rng)
        return surname + random_given_name(self.rng, sex, year)

    # -- small draws --------------------------------------------------------------------

    def _user_row(self, user_id: int, username: str, name: str, phone: str) -> tuple:
        # An unusable password ("!" prefix): bulk accounts sign in only after a reset.
        password = f"!{self.rng.getrandbits(160):040x}"
        return (
            user_id,
            password,
            False,
            username,
            "",
            "",
            "",
            False,
            True,
            self.now,
            name,
            phone,
            "",
        )

    def _is_boarder(self) -> bool:
        if self.plan.boarding == Boarding.BOARDING:
            return True
        if self.plan.boarding == Boarding.MIXED:
            return self.rng.random() < self.spec.mixed_boarders
        return False

    def _student_birth(self, grade: int) -> date:
        """Born in the cohort for the grade (1 September to 31 August); a few a year older."""
        delay = (
            self.rng.randint(0, 2)
            if self.plan.kind == SchoolKind.SPECIAL
            else (1 if self.rng.random() < 0.05 else 0)
        )
        cohort_end = date(self.year - self.spec.entry_age - grade - delay, 8, 31)
        return cohort_end - timedelta(days=int(self.rng.random() * 365))

    def _birth_in_year(self, year: int) -> date:
        return date(year, 1, 1) + timedelta(days=int(self.rng.random() * 365))

    def _mobile(self) -> str:
        return random_mobile(self.rng)

    def _address(self) -> str:
        rng = self.rng
        return (
            f"{self.plan.county.prefix}{pick(rng, ROADS)}{between(rng, 1, 400)}号"
            f"{between(rng, 1, 30)}号楼{between(rng, 1, 6)}单元{between(rng, 1, 28)}"
            f"{between(rng, 1, 4):02d}室"
        )


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
