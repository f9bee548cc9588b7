"""The organisation tree: province department -> city/county bureaus -> schools -> units
-> classes, plus dorm rooms and designated hospitals (一校一院)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.models import RegionCodes
from apps.core.scoping import ScopedQuerySet


class BureauLevel(models.TextChoices):
    PROVINCE = "province", _("Province education department")
    CITY = "city", _("City education bureau")
    COUNTY = "county", _("County education bureau")


class Bureau(RegionCodes):
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=BureauLevel.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    history = HistoricalRecords(excluded_fields=["province_code", "city_code", "county_code"])
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": ""}

    class Meta:
        ordering = ["region_id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "level"], name="bureau_one_per_region")
        ]

    def __str__(self) -> str:
        return self.name


class Hospital(RegionCodes):
    """A designated medical institution (定点医疗机构); one may serve many schools."""

    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("duty phone"), max_length=20, blank=True)
    history = HistoricalRecords(excluded_fields=["province_code", "city_code", "county_code"])
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"hospital": "id", "region": ""}

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HospitalContact(models.Model):
    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"hospital": "hospital_id", "region": "hospital__"}

    class Meta:
        ordering = ["hospital_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class SchoolKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    VOCATIONAL = "vocational", _("Vocational school")
    SENIOR = "senior", _("Senior middle school")
    JUNIOR = "junior", _("Junior middle school")
    PRIMARY = "primary", _("Primary school")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    SPECIAL = "special", _("Special education school")


class Boarding(models.TextChoices):
    BOARDING = "boarding", _("Boarding")
    DAY = "day", pgettext_lazy("boarding", "Day")
    MIXED = "mixed", _("Boarding and day")


class School(RegionCodes):
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("school code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SchoolKind.choices)
    boarding = models.CharField(_("boarding"), max_length=16, choices=Boarding.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, related_name="schools", verbose_name=_("bureau")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    hospital = models.ForeignKey(
        Hospital, null=True, blank=True, on_delete=models.PROTECT, related_name="schools",
        verbose_name=_("designated hospital"),
    )
    # A school is closed, never deleted: its people, checks and history still point at it.
    active = models.BooleanField(_("school open"), default=True)
    history = HistoricalRecords(excluded_fields=["province_code", "city_code", "county_code"])
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "", "school": "id", "hospital": "hospital_id"}

    class Meta:
        ordering = ["county_code", "name"]

    def __str__(self) -> str:
        return self.name


class OpenQuerySet(ScopedQuerySet):
    """Units and classes: a graduated one is closed, kept for history, left out of lists."""

    def open(self):
        return self.filter(closed_at__isnull=True)


class UnitKind(models.TextChoices):
    COLLEGE = "college", _("College")
    GRADE = "grade", _("Grade")
    DEPARTMENT = "department", _("Department")


class Unit(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    # A graduated grade is closed, never deleted: its classes and people still point at it.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()
    objects = OpenQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id", "unit": "id"}

    class Meta:
        ordering = ["school_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="unit_name_per_school")
        ]

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="classes")
    name = models.CharField(_("name"), max_length=100)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="taught_classes", verbose_name=_("class teacher"),
    )
    # The year the class's school year starts in (2025 for 2025-2026); empty for classes
    # made before it was kept.
    school_year = models.PositiveSmallIntegerField(_("school year"), null=True, blank=True)
    # A graduated class is closed (services/rollover.py), never deleted.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()
    objects = OpenQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id", "unit": "unit_id", "klass": "id"}

    class Meta:
        ordering = ["school_id", "unit_id", "name"]
        verbose_name = _("class")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="class_name_per_school"),
            models.CheckConstraint(
                condition=models.Q(school_year__isnull=True)
                | models.Q(school_year__gte=2000, school_year__lte=2100),
                name="class_school_year_range"),
        ]

    def __str__(self) -> str:
        return self.name


class DormRoom(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="dorm_rooms")
    building = models.CharField(_("building"), max_length=50)
    room = models.CharField(_("room"), max_length=20)
    beds = models.PositiveSmallIntegerField(_("beds"), default=6)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id"}

    class Meta:
        ordering = ["school_id", "building", "room"]
        constraints = [
            models.UniqueConstraint(fields=["school", "building", "room"],
                                    name="dorm_room_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.building} {self.room}"

