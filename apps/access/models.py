from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.access.roles import ROLE_NODE, Role
from apps.core.scoping import ScopedQuerySet


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Changed with anything the user's grants come from (apps.access.freshness): a token
    # cached in any process is checked against it at each request (apps.access.tokens).
    # db_default: a bulk writer (the demo generator's COPY) may leave the column out.
    access_version = models.BigIntegerField(default=0, db_default=0, editable=False)
    # Set when the password was not chosen by its holder (an account made from the staff
    # roster, an admin's reset): every page leads to the change-password page, and API
    # tokens are refused, until they choose one (apps.accounts).
    must_change_password = models.BooleanField(
        _("must change password"), default=False, db_default=False)

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A role held on one node of the org tree, until the end of `ends_on` when it has one.
    Class teachers come from SchoolClass.teacher, guardians from Guardianship and self from
    Person.user (apps.access.grants). Granted, ended and revoked by the delegation rule
    (apps.access.appointments); a unit's role also names the unit's school, and every row
    the region codes of its node, so the scope layer reads it like any scoped row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    bureau = models.ForeignKey("orgs.Bureau", null=True, blank=True, on_delete=models.CASCADE)
    school = models.ForeignKey("orgs.School", null=True, blank=True, on_delete=models.CASCADE)
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.CASCADE)
    hospital = models.ForeignKey("orgs.Hospital", null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    province_code = models.CharField(max_length=6, editable=False, blank=True, db_index=True)
    city_code = models.CharField(max_length=6, editable=False, blank=True, db_index=True)
    county_code = models.CharField(max_length=6, editable=False, blank=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["province_code", "city_code", "county_code"])
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "", "school": "school_id", "unit": "unit_id",
                    "hospital": "hospital_id"}

    class Meta:
        # One row per (user, role, node): one partial unique constraint per kind of node (a
        # unit's role names its school too, so the school's is for rows with no unit).
        constraints = [
            models.UniqueConstraint(fields=["user", "role", node], condition=condition,
                                    name=name)
            for node, condition, name in (
                ("bureau", models.Q(bureau__isnull=False), "role_once_per_bureau"),
                ("school", models.Q(school__isnull=False, unit__isnull=True),
                 "role_once_per_school_itself"),
                ("unit", models.Q(unit__isnull=False), "role_once_per_unit"),
                ("hospital", models.Q(hospital__isnull=False), "role_once_per_hospital"))
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.node}"

    def save(self, *args, **kwargs):
        # Where the node sits, copied: the school of a unit, the region codes of any node.
        if self.unit_id:
            self.school = self.unit.school
        node = self.bureau or self.hospital or self.school
        if node is not None:
            self.province_code, self.city_code, self.county_code = (
                node.province_code, node.city_code, node.county_code)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "school", "province_code",
                                       "city_code", "county_code"}
        super().save(*args, **kwargs)

    @property
    def node(self):
        return {"bureau": self.bureau, "school": self.school, "unit": self.unit,
                "hospital": self.hospital}.get(ROLE_NODE[self.role])


class ApiToken(models.Model):
    """A bearer token for a gate terminal or an integration. Only its SHA-256 is stored;
    it acts for its user, limited to `permissions` when that list is not empty."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    permissions = models.JSONField(_("permissions"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class AccessLog(models.Model):
    """Every view of an unmasked ID number or of health data: who, when, what and why."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=40)
    school_id = models.BigIntegerField(null=True, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    fields = models.CharField(max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class LoginFailure(models.Model):
    """Failed password logins, by the username tried, for lockout."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
