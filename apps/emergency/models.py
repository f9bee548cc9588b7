"""School modes (平急转换): the mode each school is in now, and every switch with who, when and
why. A class or a grade (a unit) may be switched to online teaching (停课不停学) on its own.

Rows grow with schools (and their classes), so each carries its school, first in its unique
constraint.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet


class Mode(models.TextChoices):
    NORMAL = "normal", _("Normal")
    EMERGENCY = "emergency", _("Emergency")
    CLOSED_LOOP = "closed_loop", _("Closed loop")
    ONLINE = "online", _("Online teaching")


class ModeScope(models.TextChoices):
    SCHOOL = "school", _("Whole school")
    UNIT = "unit", _("Grade")
    KLASS = "klass", _("Class")


SCHOOL_ROW_SCOPE = {"region": "school__", "school": "school_id"}


class ModeState(models.Model):
    """The mode in force for a school, a grade of it or a class of it. No row: normal."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE)
    scope = models.CharField(max_length=10, choices=ModeScope.choices, default=ModeScope.SCHOOL)
    # "" for the whole school, else the unit (grade) id or the class id, as text.
    scope_key = models.CharField(max_length=40, blank=True)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    since = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    drill = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_ROW_SCOPE

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "scope", "scope_key"],
                                    name="mode_state_per_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.scope}:{self.scope_key} {self.mode}"


class ModeSwitch(models.Model):
    """Every switch, kept for ever: the history the bureau inspects."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE)
    scope = models.CharField(max_length=10, choices=ModeScope.choices, default=ModeScope.SCHOOL)
    scope_key = models.CharField(max_length=40, blank=True)
    from_mode = models.CharField(max_length=12, choices=Mode.choices)
    to_mode = models.CharField(max_length=12, choices=Mode.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    switched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    switched_at = models.DateTimeField(default=timezone.now)
    drill = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_ROW_SCOPE

    class Meta:
        ordering = ["-switched_at", "-id"]
        indexes = [models.Index(fields=["school", "switched_at"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.from_mode} → {self.to_mode}"
