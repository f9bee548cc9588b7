"""Disinfection and ventilation of a school's areas (classrooms, canteen, dorms, toilets,
library …): the areas are data the school keeps (a classroom per class is made in one click),
each with the person on duty who is reminded; every disinfection or ventilation is an entry by
a named staff member at a time. How often each is due comes from the school's effective policy
for its mode (apps.disinfection.schedule): each area keeps its last entry of each kind and
when the next is due, so "overdue" is a plain indexed comparison for one school or a province.

Every table carries `school_id` and is scoped as the school is."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.scoping import ScopedQuerySet

SCHOOL_SCOPE = {"region": "school__", "school": "school_id"}


class AreaKind(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    CANTEEN = "canteen", _("Canteen")
    DORM = "dorm", _("Dormitory")
    TOILET = "toilet", _("Toilets")
    LIBRARY = "library", _("Library")
    GYM = "gym", _("Gym")
    OFFICE = "office", _("Office")
    OTHER = "other", pgettext_lazy("area", "Other")


class EntryKind(models.TextChoices):
    DISINFECTION = "disinfection", _("Disinfection")
    VENTILATION = "ventilation", _("Ventilation")


class Area(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    kind = models.CharField(_("kind"), max_length=12, choices=AreaKind.choices)
    name = models.CharField(_("name"), max_length=100)
    klass = models.ForeignKey("orgs.SchoolClass", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("class"))
    # who is reminded when it is overdue (else the school's epidemic office)
    on_duty = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("on duty"))
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_disinfection_at = models.DateTimeField(null=True, blank=True)
    last_ventilation_at = models.DateTimeField(null=True, blank=True)
    # when the next is due, by the school's mode and policy (None: the policy asks none)
    disinfection_due_at = models.DateTimeField(null=True, blank=True)
    ventilation_due_at = models.DateTimeField(null=True, blank=True)
    # the due time a reminder was last sent for (claimed by a conditional UPDATE)
    disinfection_reminded_for = models.DateTimeField(null=True, blank=True)
    ventilation_reminded_for = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        ordering = ["school_id", "kind", "name"]
        indexes = [models.Index(fields=["school", "active", "disinfection_due_at"],
                                name="area_disinfection_due"),
                   models.Index(fields=["school", "active", "ventilation_due_at"],
                                name="area_ventilation_due")]
        constraints = [models.UniqueConstraint(fields=["school", "name"],
                                               name="area_name_per_school")]

    def __str__(self) -> str:
        return self.name

    def due_of(self, kind: str):
        return getattr(self, f"{kind}_due_at")

    def last_of(self, kind: str):
        return getattr(self, f"last_{kind}_at")


class AreaEntry(models.Model):
    """One disinfection or ventilation of an area, by a named staff member at a time."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="entries",
                             verbose_name=_("area"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    done_at = models.DateTimeField(_("done at"))
    done_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("done by"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    client_id = models.CharField(max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        ordering = ["-done_at", "-id"]
        indexes = [models.Index(fields=["school", "done_at"]),
                   models.Index(fields=["area", "kind", "done_at"])]
        constraints = [models.UniqueConstraint(
            fields=["school", "client_id"], condition=~models.Q(client_id=""),
            name="area_entry_client_id")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.kind} @ {self.done_at:%Y-%m-%d %H:%M}"
