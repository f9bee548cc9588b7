"""People: students and staff of a school, their guardians and their households.

Every table here grows with people, so every row carries the school it belongs to, that
school is part of each unique constraint, and queries name it: the schema can be sharded by
school (Citus) without a rewrite.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.identity import DocumentType
from apps.core.scoping import ScopedQuerySet


class PersonKind(models.TextChoices):
    STUDENT = "student", _("Student")
    STAFF = "staff", _("Staff")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class DocType(models.TextChoices):
    RESIDENT_ID = DocumentType.RESIDENT_ID, _("Resident ID card")
    LEGACY_ID = DocumentType.LEGACY_ID, _("Legacy 15-digit ID")
    PASSPORT = DocumentType.PASSPORT, _("Passport")
    HK_MACAO_PERMIT = DocumentType.HK_MACAO_PERMIT, _("Hong Kong/Macao permit")
    TAIWAN_PERMIT = DocumentType.TAIWAN_PERMIT, _("Taiwan permit")


class Residence(models.TextChoices):
    BOARDER = "boarder", _("Boarder")
    DAY = "day", pgettext_lazy("residence", "Day")


PERSON_SCOPE = {
    "region": "school__", "hospital": "school__hospital_id", "school": "school_id",
    "unit": "unit_id", "klass": "klass_id", "person": "id",
}
# For every table whose rows belong to one person (guardianships, households, trips,
# statuses…): scoped through the row's school and its person's class and unit.
PERSON_ROW_SCOPE = {
    "region": "school__", "school": "school_id", "unit": "person__unit_id",
    "klass": "person__klass_id", "person": "person_id",
}


class Person(models.Model):
    # Every index on this table is written again on each update that cannot stay on its page
    # (HOT): a school alone is served by the indexes that start with it, a region by a plain
    # index (not the LIKE twin Django adds to text keys), a dorm room by a partial one.
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="persons",
                               db_index=False)
    kind = models.CharField(_("kind"), max_length=10, choices=PersonKind.choices)
    number = models.CharField(_("student or staff number"), max_length=32)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocType.choices)
    # The document number: AES-GCM ciphertext, a keyed hash for exact lookup, and the
    # masked form shown in lists. The plaintext is never stored or logged.
    doc_cipher = models.BinaryField(_("document (encrypted)"))
    doc_hash = models.CharField(max_length=64)
    doc_masked = models.CharField(_("document"), max_length=24)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    residence_region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("residence region"), db_index=False,
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="persons", verbose_name=_("unit"))
    klass = models.ForeignKey("orgs.SchoolClass", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="persons", verbose_name=_("class"))
    # The class a staff member teaches (its class teacher, from the staff roster's class
    # column): staff sit in no class (`klass` is where a student sits). Read by school.
    teaches_class = models.ForeignKey(
        "orgs.SchoolClass", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="taught_by", verbose_name=_("class taught"), db_index=False,
    )
    residence = models.CharField(_("boarder or day"), max_length=10, choices=Residence.choices,
                                 default=Residence.DAY)
    dorm_room = models.ForeignKey("orgs.DormRoom", null=True, blank=True, on_delete=models.SET_NULL,
                                  verbose_name=_("dorm room"), db_index=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="person")
    active = models.BooleanField(pgettext_lazy("person", "active"), default=True)
    # History is read per person (by id), never by school, class or region: the copied
    # foreign keys need no index, and history_user no checked constraint. A roster import
    # of a million students writes a million history rows; without these they cost half.
    history = HistoricalRecords(
        no_db_index=["school", "residence_region", "unit", "klass", "teaches_class", "dorm_room",
                     "user"],
        user_db_constraint=False,
    )
    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_SCOPE

    class Meta:
        ordering = ["school_id", "klass_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "number"],
                                    name="person_number_per_school"),
            models.UniqueConstraint(fields=["school", "doc_hash"],
                                    name="person_document_per_school"),
            models.UniqueConstraint(fields=["school", "id"], name="person_school_id"),
        ]
        indexes = [
            models.Index(fields=["school", "klass"]),
            models.Index(fields=["school", "unit"]),
            models.Index(fields=["doc_hash"]),
            models.Index(fields=["school", "name"]),
            # Search: a student number by prefix (LIKE 'A2024%') whatever the collation.
            # Names are searched with `contains`; on PostgreSQL a trigram index serves it
            # (migration 0002).
            models.Index(fields=["number"], opclasses=["varchar_pattern_ops"],
                         name="person_number_prefix"),
            models.Index(fields=["residence_region"], name="person_residence_region"),
            # Most people have no dorm room: only boarders are in this index.
            models.Index(fields=["dorm_room"], name="person_dorm_room",
                         condition=models.Q(dorm_room__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class Guardianship(models.Model):
    """A guardian's user account linked to their child, with the consent the law asks for
    when the child is under 14."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardianships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="guardianships")
    relation = models.CharField(_("relation"), max_length=20)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "person", "user"], name="guardianship_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person} ({self.relation})"


class HouseholdMember(models.Model):
    """A co-resident of a day student (共同居住人员), or the guardian the school's roster names
    as the one to call (`guardian`), boarder or not."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=20)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    occupation = models.CharField(_("occupation"), max_length=50, blank=True)
    guardian = models.BooleanField(_("guardian to call"), default=False, db_default=False)
    residence_region = models.ForeignKey("regions.Region", null=True, blank=True,
                                         on_delete=models.PROTECT,
                                         verbose_name=_("residence region"))
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "person", "name", "relation"],
                                    name="household_member_unique")
        ]
        indexes = [models.Index(fields=["school", "person"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class SchoolHeadcount(models.Model):
    """A school's active students and staff as last counted (`counted_at`): what dashboards
    and rankings over many schools sum, so a bureau's or the province's page reads one row
    per school and never counts people. Kept by `apps.people.headcounts.headcounts_refresh`
    (one set-based statement) after each write that adds, moves or ends people, and by a
    periodic sweep."""

    school = models.OneToOneField("orgs.School", primary_key=True, on_delete=models.CASCADE,
                                  related_name="+")
    classes = models.IntegerField(default=0)  # open classes
    students = models.IntegerField(default=0)
    staff = models.IntegerField(default=0)
    counted_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id"}

    def __str__(self) -> str:
        return f"{self.school_id}: {self.students}+{self.staff}"


class RegionHeadcount(models.Model):
    """The schools' headcounts rolled up per county, city and province and per school kind
    (recounted with them, from the county rows up): a province's dashboard reads a few
    hundred rows, whatever its number of schools or people. A row carries the codes of its
    region at each level, so the scope layer narrows it as it does a school."""

    pk = models.CompositePrimaryKey("level", "code", "school_kind")
    level = models.CharField(max_length=8)  # province | city | county
    code = models.CharField(max_length=6)
    province_code = models.CharField(max_length=6)
    city_code = models.CharField(max_length=6, blank=True)
    county_code = models.CharField(max_length=6, blank=True)
    school_kind = models.CharField(max_length=16)
    schools = models.IntegerField(default=0)
    classes = models.IntegerField(default=0)
    students = models.IntegerField(default=0)
    staff = models.IntegerField(default=0)
    counted_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": ""}

    def __str__(self) -> str:
        return f"{self.level} {self.code} {self.school_kind}: {self.students}+{self.staff}"
