"""Generating a synthetic province (writes). See planner.py for its shape and people.py for
one school's rows; this module puts them in the database, set-based, in one transaction."""

import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.models import User
from apps.core.db import IdPool, write_rows
from apps.core.errors import FieldError, ValidationFailed
from apps.core.models import region_codes
from apps.demo.catalog import HOSPITAL_CONTACT_ROLES
from apps.demo.names import random_mobile, random_name
from apps.demo.people import (
    CLASS_COLUMNS,
    GUARDIAN_COLUMNS,
    HOUSEHOLD_COLUMNS,
    PERSON_COLUMNS,
    ROOM_COLUMNS,
    UNIT_COLUMNS,
    USER_COLUMNS,
    IdNumbers,
    Pools,
    Rows,
    SchoolGenerator,
)
from apps.demo.planner import County, SchoolPlan, plan_province
from apps.demo.writer import secondary_indexes_deferred
from apps.orgs.models import (
    Bureau,
    BureauLevel,
    DormRoom,
    Hospital,
    HospitalContact,
    School,
    SchoolClass,
    Unit,
)
from apps.people.headcounts import headcounts_refresh
from apps.people.models import Guardianship, HouseholdMember, Person
from apps.regions.models import Region, RegionLevel

# The county the demo accounts work in, per province; elsewhere the capital's first district.
DEMO_COUNTIES = {"410000": "410105"}  # 郑州市金水区
# Persons per write: large enough that COPY dominates, small enough to keep memory flat.
CHUNK_PERSONS = 25_000
# From this many new persons (and at least as many as exist) indexes are rebuilt after the
# load rather than maintained row by row (PostgreSQL only; see writer.py).
DEFER_INDEXES_FROM = 100_000

Progress = Callable[[int, int, int], None]  # (persons done, persons total, rows written)


@dataclass
class GenerationResult:
    persons: int = 0
    schools: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    demo_school_id: int | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class ProvinceRegions:
    province: Region
    counties: list[County]
    prefectures: list[Region]
    demo_county: County


def province_regions(province_code: str) -> ProvinceRegions:
    """The current prefectures and counties of a province, from the loaded GB/T 2260 table."""
    province = Region.objects.filter(code=province_code, level=RegionLevel.PROVINCE).first()
    if province is None:
        raise ValidationFailed(
            [
                FieldError(
                    "province",
                    "unknown_region",
                    _("Unknown province code %(code)s (run manage.py load_regions first).")
                    % {"code": province_code},
                )
            ]
        )
    current = Region.objects.filter(code__startswith=province_code[:2], valid_to__isnull=True)
    prefectures = list(current.filter(level=RegionLevel.PREFECTURE).order_by("code"))
    names = {p.code: p.name for p in prefectures}
    municipality = province.name.endswith("市")
    counties = [
        County(
            code=r.code,
            name=r.name,
            city_code=r.parent_id if r.parent_id in names else "",
            # A municipality's districts are named after it (北京市东城区); a county-level
            # city under a province stands alone (济源市).
            city_name=names.get(r.parent_id, province.name if municipality else ""),
            is_district=r.kind == "市辖区" or r.name.endswith("区"),
        )
        for r in current.filter(level=RegionLevel.COUNTY).order_by("code")
    ]
    if not counties:
        raise ValidationFailed(
            [
                FieldError(
                    "province",
                    "no_counties",
                    _("Province %(code)s has no counties loaded.") % {"code": province_code},
                )
            ]
        )
    return ProvinceRegions(province, counties, prefectures, _demo_county(province_code, counties))


def _demo_county(province_code: str, counties: list[County]) -> County:
    by_code = {c.code: c for c in counties}
    if DEMO_COUNTIES.get(province_code) in by_code:
        return by_code[DEMO_COUNTIES[province_code]]
    districts = [c for c in counties if c.city_code and c.is_district]
    return min(districts or counties, key=lambda c: (c.city_code, c.code))


def province_generate(
    *,
    province_code: str,
    persons: int,
    seed: int,
    progress: Progress | None = None,
    today: date | None = None,
    schools: int | None = None,
) -> GenerationResult:
    """Generate bureaus, hospitals, schools and `persons` students and staff, in one transaction.

    Deterministic for a seed (and school year): names, numbers, birth dates, ID numbers and
    every relation come out the same; database ids and ciphertexts (random nonces) do not.
    """
    if persons < 1:
        raise ValidationFailed(
            [FieldError("persons", "too_small", _("Generate at least one person."))]
        )
    started = time.monotonic()
    today = today or timezone.localdate()
    regions = province_regions(province_code)
    with transaction.atomic():
        bureaus = _bureaus(regions)
        plans = plan_province(
            persons=persons,
            seed=seed,
            counties=regions.counties,
            demo_county=regions.demo_county,
            taken_codes=set(School.objects.values_list("code", flat=True)),
            taken_names=set(School.objects.values_list("name", flat=True)),
            schools=schools,
        )
        hospitals = _hospitals(plans, seed)
        school_ids = _schools(plans, bureaus, hospitals)
        defer = persons >= max(DEFER_INDEXES_FROM, Person.objects.count())
        with secondary_indexes_deferred([model for _n, model, _c in TABLES], enabled=defer):
            result = _people(plans, school_ids, today, persons, progress)
        headcounts_refresh(school_ids=school_ids.values())
    result.schools = len(plans)
    result.rows.update(schools=len(plans), hospitals=len(hospitals))
    demo = next((p for p in plans if p.county == regions.demo_county), plans[0])
    result.demo_school_id = school_ids[demo.index]
    result.seconds = time.monotonic() - started
    return result


def _bureaus(regions: ProvinceRegions) -> dict[str, Bureau]:
    """The province department, a bureau for every prefecture and every county (kept if there)."""
    province = regions.province
    suffix = "教育委员会" if province.name.endswith("市") else "教育厅"
    top = _bureau(province.code, BureauLevel.PROVINCE, province.name + suffix, None)
    bureaus = {province.code: top}
    for prefecture in regions.prefectures:
        bureaus[prefecture.code] = _bureau(
            prefecture.code, BureauLevel.CITY, prefecture.name + "教育局", top
        )
    for county in regions.counties:
        parent = bureaus.get(county.city_code, top)
        bureaus[county.code] = _bureau(
            county.code, BureauLevel.COUNTY, county.prefix + "教育局", parent
        )
    return bureaus


def _bureau(code: str, level: str, name: str, parent: Bureau | None) -> Bureau:
    bureau, _created = Bureau.objects.get_or_create(
        region_id=code, level=level, defaults={"name": name, "parent": parent}
    )
    return bureau


def _with_codes(region_code: str) -> dict:
    """The province/city/county code columns RegionCodes.save() would fill (bulk skips save)."""
    province, city, county = region_codes(region_code)
    return {"province_code": province, "city_code": city, "county_code": county}


def _hospitals(plans: list[SchoolPlan], seed: int) -> dict[tuple[str, int], int]:
    """The designated hospitals the plan names, each with its contacts; ids by hospital key."""
    rng = random.Random(seed ^ 0x5EED)
    counties = {p.county.code: p.county for p in plans}
    keys = sorted({p.hospital_key for p in plans})
    pool = IdPool(Hospital)
    ids, hospitals, contacts = {}, [], []
    for key in keys:
        county = counties[key[0]]
        ids[key] = pool.take()
        name = county.prefix + ("人民医院", "中医院", "第二人民医院", "妇幼保健院")[key[1] % 4]
        if key[1] >= 4:
            name = f"{county.prefix}第{key[1] - 1}人民医院"
        hospitals.append(
            Hospital(
                id=ids[key],
                name=name,
                region_id=county.code,
                address=f"{county.prefix}健康路{rng.randint(1, 200)}号",
                phone=random_mobile(rng),
                **_with_codes(county.code),
            )
        )
        for role in HOSPITAL_CONTACT_ROLES[:2]:
            sex = rng.choice("MF")
            contacts.append(
                HospitalContact(
                    hospital_id=ids[key],
                    role=role,
                    phone=random_mobile(rng),
                    name=random_name(rng, sex, rng.randint(1965, 1990)),
                )
            )
    Hospital.objects.bulk_create(hospitals)
    HospitalContact.objects.bulk_create(contacts)
    return ids


def _schools(
    plans: list[SchoolPlan], bureaus: dict[str, Bureau], hospitals: dict[tuple[str, int], int]
) -> dict[int, int]:
    pool = IdPool(School)
    ids = {p.index: pool.take() for p in plans}
    School.objects.bulk_create(
        [
            School(
                id=ids[p.index],
                name=p.name,
                code=p.code,
                kind=p.kind,
                boarding=p.boarding,
                region_id=p.county.code,
                bureau=bureaus[p.county.code],
                address=p.address,
                hospital_id=hospitals[p.hospital_key],
                **_with_codes(p.county.code),
            )
            for p in plans
        ],
        batch_size=2000,
    )
    return ids


TABLES = (  # written in this order: rows point only at rows written before them
    ("users", User, USER_COLUMNS),
    ("units", Unit, UNIT_COLUMNS),
    ("classes", SchoolClass, CLASS_COLUMNS),
    ("rooms", DormRoom, ROOM_COLUMNS),
    ("persons", Person, PERSON_COLUMNS),
    ("guardians", Guardianship, GUARDIAN_COLUMNS),
    ("households", HouseholdMember, HOUSEHOLD_COLUMNS),
)


def _people(plans, school_ids, today, total, progress) -> GenerationResult:
    # Millions of short-lived tuples and no reference cycles: the cyclic garbage collector
    # would only rescan them (a third of the generation time), so it pauses meanwhile.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _people_rows(plans, school_ids, today, total, progress)
    finally:
        if gc_was_enabled:
            gc.enable()


def _people_rows(plans, school_ids, today, total, progress) -> GenerationResult:
    result = GenerationResult(rows={name: 0 for name, _m, _c in TABLES})
    pools = Pools(
        users=IdPool(User),
        units=IdPool(Unit),
        classes=IdPool(SchoolClass),
        rooms=IdPool(DormRoom),
        persons=IdPool(Person),
    )
    now = timezone.now()
    rows, ids = Rows(), None
    for plan in plans:
        if ids is None or ids.county_code != plan.county.code:
            ids = IdNumbers(plan.county.code)  # ID numbers are unique per county
        SchoolGenerator(
            plan, school_ids[plan.index], pools=pools, ids=ids, today=today, now=now, rows=rows
        ).generate()
        if len(rows.persons) >= CHUNK_PERSONS:
            _flush(rows, result, total, progress)
            rows = Rows()
    _flush(rows, result, total, progress)
    return result


def _flush(rows: Rows, result: GenerationResult, total: int, progress: Progress | None) -> None:
    for name, model, columns in TABLES:
        result.rows[name] += write_rows(model, columns, getattr(rows, name))
    result.persons = result.rows["persons"]
    if progress:
        progress(result.persons, total, result.total_rows)
