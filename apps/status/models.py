"""Each person's current status (one indexed read for a gate check) and its history."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet


class Category(models.TextChoices):
    NORMAL = "normal", _("Normal")
    CLEARED = "cleared", _("Cleared")
    KEY_POPULATION = "key_population", _("Key population")
    HOME_MONITORING = "home_monitoring", _("Home monitoring")
    HOME_QUARANTINE = "home_quarantine", _("Home quarantine")
    CENTRAL_QUARANTINE = "central_quarantine", _("Central quarantine")
    ISOLATION = "isolation", _("Isolation")


STATUS_SCOPE = {
    "region": "school__",
    "school": "school_id",
    "unit": "person__unit_id",
    "klass": "person__klass_id",
    "person": "person_id",
}


class PersonStatus(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    # A foreign key, not one-to-one: uniqueness is (school, person), so the table can be
    # sharded by school.
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="statuses")
    category = models.CharField(_("status"), max_length=20, choices=Category.choices)
    until = models.DateField(_("until"), null=True, blank=True)
    compliant = models.BooleanField(_("compliant"), default=True)
    actions = models.JSONField(_("required actions"), default=list)
    reasons = models.JSONField(_("reasons"), default=list)
    pack = models.CharField(max_length=40)
    pack_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField(default=timezone.now)
    objects = ScopedQuerySet.as_manager()
    scope_fields = STATUS_SCOPE

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "person"], name="status_per_person"),
        ]
        indexes = [models.Index(fields=["school", "category"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.category}"


class PersonStatusChange(models.Model):
    """A status a person had: written whenever the category, end date or compliance changes."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="status_changes"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    until = models.DateField(null=True, blank=True)
    compliant = models.BooleanField(default=True)
    reasons = models.JSONField(default=list)
    pack = models.CharField(max_length=40)
    pack_version = models.CharField(max_length=20)
    changed_at = models.DateTimeField(default=timezone.now)
    objects = ScopedQuerySet.as_manager()
    scope_fields = STATUS_SCOPE

    class Meta:
        ordering = ["school_id", "person_id", "-changed_at"]
        indexes = [models.Index(fields=["school", "person", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.category} at {self.changed_at:%Y-%m-%d %H:%M}"
