"""The contactless delivery point (无接触配送点): each batch of parcels a courier leaves at the
school's delivery point is recorded when it arrives, when it is disinfected and by whom (a staff
member of the school), and when it is placed for pickup; photos are optional.

Every table carries `school_id` and is scoped as the school is."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet
from apps.supervision.models import StoredPhoto

SCHOOL_SCOPE = {"region": "school__", "school": "school_id"}


class ParcelBatch(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    client_id = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    count = models.PositiveIntegerField(_("parcels"))
    courier = models.CharField(_("courier or company"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    disinfected_at = models.DateTimeField(_("disinfected at"), null=True, blank=True)
    # the staff member who disinfected them (a person of the school)
    disinfected_by = models.ForeignKey("people.Person", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+",
                                       verbose_name=_("disinfected by"))
    placed_at = models.DateTimeField(_("placed for pickup"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["school", "received_at"])]
        constraints = [models.UniqueConstraint(
            fields=["school", "client_id"], condition=~models.Q(client_id=""),
            name="parcel_batch_client_id")]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.count} @ {self.received_at:%Y-%m-%d %H:%M}"

    @property
    def state(self) -> str:
        if self.placed_at:
            return "placed"
        return "disinfected" if self.disinfected_at else "received"


class ParcelPhoto(StoredPhoto):
    """A photo of a batch (optional), stored as inspection photos are (apps.supervision.photos)
    under settings.PARCELS_FILES_DIR and served only by the scoped photo page."""

    batch = models.ForeignKey(ParcelBatch, on_delete=models.CASCADE, related_name="photos")

    class Meta(StoredPhoto.Meta):
        indexes = [models.Index(fields=["school", "uploaded_at"])]
