"""Supervision (专项监督检查): a bureau's inspection of a school against a checklist (data,
apps/supervision/checklists), each item passed, failed or not applicable with notes and
photos; each failed item becomes a rectification (整改) on a named person at the school with
a deadline, answered by the school with evidence and verified (or reopened) by the inspector.

Every table carries the school, so a school's rows are read on its shard."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.scoping import ScopedQuerySet

SCHOOL_SCOPE = {"region": "school__", "school": "school_id"}


class InspectionState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("inspection", "Planned")
    DONE = "done", pgettext_lazy("inspection", "Done")


class ItemResult(models.TextChoices):
    PASS = "pass", pgettext_lazy("inspection", "Pass")
    FAIL = "fail", _("Fail")
    NA = "na", _("Not applicable")


class RectificationState(models.TextChoices):
    OPEN = "open", _("To rectify")
    ANSWERED = "answered", _("Answered")
    VERIFIED = "verified", _("Verified")


class Inspection(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    # the key of its file in apps/supervision/checklists
    checklist = models.CharField(pgettext_lazy("inspection", "checklist"), max_length=40)
    checklist_version = models.PositiveSmallIntegerField(default=1)
    planned_on = models.DateField(_("planned for"))
    state = models.CharField(_("state"), max_length=10, choices=InspectionState.choices,
                             default=InspectionState.PLANNED)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("inspector"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    performed_at = models.DateTimeField(_("performed"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        ordering = ["-planned_on", "-id"]
        indexes = [models.Index(fields=["school", "state"])]

    def __str__(self) -> str:
        return f"{self.school_id}@{self.planned_on} ({self.state})"


class InspectionItem(models.Model):
    """One checklist item of an inspection, its titles copied from the checklist's version."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    title_zh = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    days = models.PositiveSmallIntegerField(default=7)  # to rectify, from the checklist
    result = models.CharField(_("result"), max_length=4, choices=ItemResult.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        ordering = ["inspection_id", "position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "code"],
                                               name="inspection_item_once")]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.code}={self.result or '-'}"


class Rectification(models.Model):
    """A failed item to put right: on a named person of the school, by a day."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE,
                                   related_name="rectifications")
    item = models.OneToOneField(InspectionItem, on_delete=models.CASCADE,
                                related_name="rectification")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("responsible"))
    due_on = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=10, choices=RectificationState.choices,
                             default=RectificationState.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reopen_reason = models.CharField(_("reason for reopening"), max_length=200, blank=True)
    reopened = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["school", "state", "due_on"]),
                   models.Index(fields=["assignee", "state"])]

    def __str__(self) -> str:
        return f"{self.item_id} ({self.state})"

    @property
    def overdue(self) -> bool:
        """Still waiting for the school's answer after the deadline."""
        return self.state == RectificationState.OPEN and self.due_on < timezone.localdate()


class StoredPhoto(models.Model):
    """A photo whose file lies under a directory of its app (apps.supervision.photos: checked,
    stored, served only through a scoped page), with who uploaded it and when: inspection
    photos here, a delivery batch's (apps.parcels) too. Abstract: each app keeps its table."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=200)  # relative to the app's directory
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.path


class Photo(StoredPhoto):
    """A photo taken during the inspection (of an item) or sent as evidence (of a
    rectification); the file lies under settings.SUPERVISION_FILES_DIR."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey(InspectionItem, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="photos")
    rectification = models.ForeignKey(Rectification, null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="photos")

    class Meta(StoredPhoto.Meta):
        pass
