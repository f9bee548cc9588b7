"""A small province for tests, with one persona per role (healthchecks' BaseTestCase idea).

Henan province department; Zhengzhou city bureau with the Jinshui (410105) and Zhongyuan
(410102) county bureaus; Luoyang city bureau with Jianxi (410305). Schools in Jinshui and
Jianxi, each with two classes, students, staff, a guardian and a household.
"""

from dataclasses import dataclass, field
from datetime import date

from apps.core.crypto import encrypt_text, keyed_hash
from apps.core.identity import mask_document, resident_id_check_char

PASSWORD = "correct-horse-battery"

REGIONS = [
    ("410000", "河南省", "province", None, "河南省"),
    ("410100", "郑州市", "prefecture", "410000", "河南省郑州市"),
    ("410105", "金水区", "county", "410100", "河南省郑州市金水区"),
    ("410102", "中原区", "county", "410100", "河南省郑州市中原区"),
    ("410300", "洛阳市", "prefecture", "410000", "河南省洛阳市"),
    ("410305", "涧西区", "county", "410300", "河南省洛阳市涧西区"),
    ("310000", "上海市", "province", None, "上海市"),
    ("310115", "浦东新区", "county", "310000", "上海市浦东新区"),
]


def make_id_number(region: str, born: date, seq: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def ensure_regions():
    from apps.regions.models import Region

    for code, name, level, parent, full in REGIONS:
        Region.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level, "parent_id": parent, "full_name": full},
        )


@dataclass
class World:
    users: dict = field(default_factory=dict)
    schools: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    persons: dict = field(default_factory=dict)
    bureaus: dict = field(default_factory=dict)
    hospital: object = None


def _user(world, username, display):
    from apps.access.models import User

    user = User.objects.create_user(username=username, password=PASSWORD, display_name=display)
    world.users[username] = user
    return user


def _person(
    world, key, school, kind, number, name, *, klass=None, unit=None, seq=1, born=date(2010, 5, 4),
    teaches_class=None,
):
    from apps.people.models import Person

    doc = make_id_number("410105", born, seq)
    person = Person.objects.create(
        school=school,
        kind=kind,
        number=number,
        name=name,
        sex="M" if seq % 2 else "F",
        birth_date=born,
        doc_type="resident_id",
        doc_cipher=encrypt_text(doc),
        doc_hash=keyed_hash(doc),
        doc_masked=mask_document(doc),
        phone="13800138000",
        residence_region_id="410105",
        klass=klass,
        teaches_class=teaches_class,
        unit=unit or (klass.unit if klass else None),
        residence="day",
    )
    person.plain_document = doc  # for tests that search by it; never stored
    world.persons[key] = person
    return person


def _school(world, key, name, code, bureau, region, hospital):
    from apps.orgs.models import School, SchoolClass, Unit

    school = School.objects.create(
        name=name,
        code=code,
        kind="junior",
        boarding="mixed",
        region_id=region,
        bureau=bureau,
        hospital=hospital,
    )
    grade = Unit.objects.create(school=school, name="七年级", kind="grade")
    office = Unit.objects.create(school=school, name="教务处", kind="department")
    world.schools[key] = school
    world.units[key + "_grade"] = grade
    world.units[key + "_office"] = office
    for n in (1, 2):
        world.classes[f"{key}_c{n}"] = SchoolClass.objects.create(
            school=school, unit=grade, name=f"七年级{n}班"
        )
    return school


def build_world() -> World:
    """Create the test province; returns handles to every object and persona."""
    from apps.people.headcounts import headcounts_refresh

    ensure_regions()
    w = World()
    _bureaus(w)
    a = _school(w, "a", "金水区第一中学", "4101050001", w.bureaus["jinshui"], "410105", w.hospital)
    b = _school(w, "b", "涧西区实验中学", "4103050001", w.bureaus["jianxi"], "410305", None)
    _roles(w, a, b)
    _teachers(w)
    _people(w, a, b)
    # The saves above recount their schools after the commit, which a test's transaction
    # never reaches: counted here as the commit would have.
    headcounts_refresh()
    return w


def _bureaus(w):
    from apps.orgs.models import Bureau, Hospital

    province = Bureau.objects.create(name="河南省教育厅", level="province", region_id="410000")
    zz = Bureau.objects.create(
        name="郑州市教育局", level="city", region_id="410100", parent=province
    )
    js = Bureau.objects.create(name="金水区教育局", level="county", region_id="410105", parent=zz)
    zy = Bureau.objects.create(name="中原区教育局", level="county", region_id="410102", parent=zz)
    ly = Bureau.objects.create(
        name="洛阳市教育局", level="city", region_id="410300", parent=province
    )
    jx = Bureau.objects.create(name="涧西区教育局", level="county", region_id="410305", parent=ly)
    w.bureaus.update(
        province=province, zhengzhou=zz, jinshui=js, zhongyuan=zy, luoyang=ly, jianxi=jx
    )
    w.hospital = Hospital.objects.create(name="金水区人民医院", region_id="410105")


def _roles(w, a, b):
    from apps.access.models import RoleAssignment

    province, js, zy, ly = (w.bureaus[k] for k in ("province", "jinshui", "zhongyuan", "luoyang"))
    roles = [
        ("province", "省厅管理员", "province_admin", {"bureau": province}),
        ("jinshui_bureau", "金水区教育局", "bureau_admin", {"bureau": js}),
        ("zhongyuan_bureau", "中原区教育局", "bureau_admin", {"bureau": zy}),
        ("luoyang_bureau", "洛阳市教育局", "bureau_admin", {"bureau": ly}),
        ("school_a_admin", "一中防疫办", "school_admin", {"school": a}),
        ("school_b_admin", "实验中学防疫办", "school_admin", {"school": b}),
        ("unit_lead_a", "七年级组长", "unit_lead", {"unit": w.units["a_grade"]}),
        ("reporter_a", "疫情报告人", "outbreak_reporter", {"school": a}),
        ("gate_a", "门卫", "gate_officer", {"school": a}),
        ("sampler_a", "采样员", "sampler", {"school": a}),
        ("hospital_a", "医院联络员", "hospital_liaison", {"hospital": w.hospital}),
    ]
    for username, display, role, node in roles:
        RoleAssignment.objects.create(user=_user(w, username, display), role=role, **node)


def _teachers(w):
    for key, display in (
        ("teacher_a1", "王老师"),
        ("teacher_a2", "李老师"),
        ("teacher_b1", "赵老师"),
    ):
        _user(w, key, display)
    for key, klass in (("teacher_a1", "a_c1"), ("teacher_a2", "a_c2"), ("teacher_b1", "b_c1")):
        w.classes[klass].teacher = w.users[key]
        w.classes[klass].save()


def _people(w, a, b):
    from apps.people.models import Guardianship, HouseholdMember

    _person(w, "a1_student", a, "student", "A2024001", "张小明", klass=w.classes["a_c1"], seq=11)
    _person(w, "a1_student2", a, "student", "A2024002", "刘小红", klass=w.classes["a_c1"], seq=12)
    _person(w, "a2_student", a, "student", "A2024101", "陈小刚", klass=w.classes["a_c2"], seq=13)
    _person(w, "b1_student", b, "student", "B2024001", "孙小丽", klass=w.classes["b_c1"], seq=14)
    staff = _person(
        w,
        "a_staff",
        a,
        "staff",
        "T001",
        "王建国",
        unit=w.units["a_office"],
        seq=15,
        born=date(1980, 3, 2),
    )
    staff.user = w.users["teacher_a1"]
    staff.save()
    student_user = _user(w, "student_a1", "张小明")
    w.persons["a1_student"].user = student_user
    w.persons["a1_student"].save()

    guardian = _user(w, "guardian_a1", "张爸爸")
    Guardianship.objects.create(
        school=a, person=w.persons["a1_student"], user=guardian, relation="父亲"
    )
    for key, name, relation in (("a1_student", "张奶奶", "祖母"), ("a2_student", "陈爷爷", "祖父")):
        HouseholdMember.objects.create(
            school=a, person=w.persons[key], name=name, relation=relation,
            residence_region_id="410105",
        )


def add_grades(world, school_key: str, names=("九年级", "八年级")) -> None:
    """More grades for a school (after 七年级, created in character order to catch a list
    sorted by name), each with a class `<grade>1班` and a student in it."""
    from apps.orgs.models import SchoolClass, Unit

    school = world.schools[school_key]
    for n, grade in enumerate(names):
        unit = Unit.objects.create(school=school, name=grade, kind="grade")
        klass = SchoolClass.objects.create(school=school, unit=unit, name=f"{grade}1班")
        _person(world, f"{school_key}_grade{n}", school, "student", f"G{school_key}{n}",
                f"学生{grade}", klass=klass, seq=90 + n)


def staff_member(world, school_key: str):
    """A staff member of school `school_key` ("a": the world's 王建国; "b": 赵丽, made on first
    use), for tests that name who did something (a delivery disinfected, an area cleaned)."""
    key = f"{school_key}_staff"
    if key not in world.persons:
        _person(world, key, world.schools[school_key], "staff", f"T{school_key.upper()}9",
                "赵丽", seq=29, born=date(1985, 6, 7))
    return world.persons[key]
