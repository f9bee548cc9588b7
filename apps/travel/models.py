"""Travel and exposure declarations (报备). Rows grow with people: each carries its school."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE


class Transport(models.TextChoices):
    TRAIN = "train", _("Train")
    FLIGHT = "flight", _("Flight")
    CAR = "car", _("Car")
    BUS = "bus", _("Coach")
    SHIP = "ship", _("Ship")
    OTHER = "other", _("Other")


class TripLeg(models.Model):
    """One leg of a trip by a person or, for a day student, by one of their co-residents."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="trip_legs")
    household_member = models.ForeignKey(
        "people.HouseholdMember",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="trip_legs",
        verbose_name=_("co-resident"),
    )
    from_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    depart = models.DateField(_("departure"))
    arrive = models.DateField(_("arrival"))
    transport = models.CharField(_("transport"), max_length=10, choices=Transport.choices)
    number = models.CharField(_("train or flight number"), max_length=20, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(default=timezone.now)
    # A retried submission with the same client id is the same declaration: the legs of one
    # trip share it and are told apart by their place in the trip.
    client_id = models.CharField(max_length=64, blank=True)
    leg_no = models.PositiveSmallIntegerField(default=0)
    # A withdrawn leg is deleted; its history row keeps who withdrew it, when and why.
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["school_id", "person_id", "depart"]
        indexes = [
            models.Index(fields=["school", "person", "depart"]),
            models.Index(fields=["to_region", "arrive"]),
            models.Index(fields=["from_region", "depart"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "client_id", "leg_no"],
                condition=~models.Q(client_id=""),
                name="trip_leg_client_id_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_region_id} → {self.to_region_id} {self.depart}–{self.arrive}"


class ExposureKind(models.TextChoices):
    CASE = "case", _("Contact with a case")
    CLOSE_CONTACT = "close_contact", _("Contact with a close contact")
    RISK_AREA_PERSON = "risk_area_person", _("Contact with a person from a risk area")


class Exposure(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="exposures")
    kind = models.CharField(_("kind"), max_length=20, choices=ExposureKind.choices)
    on = models.DateField(_("date of contact"))
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("where"),
    )
    detail = models.CharField(_("details"), max_length=500, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(default=timezone.now)
    client_id = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["school_id", "person_id", "on"]
        indexes = [models.Index(fields=["school", "person", "on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "client_id"],
                condition=~models.Q(client_id=""),
                name="exposure_client_id_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"
