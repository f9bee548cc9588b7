"""Visitors (访客): a staff member of the school (the host) pre-registers a visitor with a
time window and a purpose; the visit is a visitor-entry approval request (apps.approvals,
Kind.VISITOR) decided by the school; the visitor declares their health on a phone link (a
signed, unguessable URL, no login); once approved and declared they are shown a one-time
code the gate scans (apps.gate decides with the same verdict function as for people).

The visitor's ID number is stored as people's are: AES-GCM ciphertext, keyed hash, masked
form. The table carries the school (first in its indexes) and the host person, so it is
scoped like the host's own rows and shards by school."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.scoping import ScopedQuerySet

VISIT_ROW_SCOPE = {
    "region": "school__",
    "school": "school_id",
    "unit": "host__unit_id",
    "klass": "host__klass_id",
    "person": "host_id",
}


class Visit(models.Model):
    school = models.ForeignKey(
        "orgs.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    host = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("host")
    )
    host_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval = models.OneToOneField(
        "approvals.ApprovalRequest", on_delete=models.PROTECT, related_name="visit"
    )
    name = models.CharField(_("visitor"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    organisation = models.CharField(_("visitor's organisation"), max_length=100, blank=True)
    doc_cipher = models.BinaryField(_("document (encrypted)"))
    doc_hash = models.CharField(max_length=64)
    doc_masked = models.CharField(_("document"), max_length=24)
    purpose = models.CharField(_("purpose"), max_length=200)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The visitor's health declaration (on their phone): None until made.
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    temperature = models.DecimalField(
        _("temperature"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    symptoms = models.BooleanField(_("fever or other symptoms"), default=False)
    # Risk-area region codes (apps.risk designations in force) the visitor was in lately.
    risk_regions = models.JSONField(default=list, blank=True)
    # The gate: entered once (the code is then spent), left once.
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    # The client id of the gate check that let them in (gate.GateCheck, unique per school).
    entry_client_id = models.CharField(max_length=64, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    # The host told of the arrival (apps.visitors.tasks, a sweep: not in the gate's scan).
    arrival_told_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_fields = VISIT_ROW_SCOPE

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "host", "client_id"],
                condition=~models.Q(client_id=""),
                name="visit_client_id_per_host",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "starts_at"], name="visit_school_starts"),
            models.Index(fields=["school", "doc_hash"], name="visit_school_doc"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.name} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def declared(self) -> bool:
        return self.declared_at is not None
