"""The province's first account: the root bureau (the province department) and its admin,
made once by an operator at the command line (`manage.py bootstrap_province`), so that no
superuser and no Django admin is needed to start. Everything after it is delegated from that
account through the pages (apps.orgs set-up, apps.access roles)."""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.access.models import RoleAssignment, User
from apps.access.roles import Role
from apps.orgs.models import Bureau, BureauLevel
from apps.orgs.services import fields as f
from apps.orgs.services.fields import Errors
from apps.regions.models import RegionLevel


@dataclass(frozen=True)
class Bootstrapped:
    bureau: Bureau
    admin: User
    created: bool  # False: the province was already set up this way (a re-run changes nothing)


def _root_errors(errors: Errors, region_code: str, name: str, username: str) -> None:
    region = f.region(errors, region_code)
    if region is not None and region.level != RegionLevel.PROVINCE:
        errors.add("region_code", "not_a_province", _("The region must be a province."))
    f.required(errors, "name", name, 100)
    f.required(errors, "username", username, 150)


def _password_errors(errors: Errors, password: str, username: str) -> None:
    try:
        validate_password(password, User(username=username))
    except ValidationError as refused:
        errors.add("password", "weak_password", " ".join(refused.messages))


def _rerun(root: Bureau, region_code: str, username: str) -> Bootstrapped:
    """A second run with the same province and admin is a no-op; anything else is refused,
    because the province has one root and its admin is changed through the pages."""
    admin = User.objects.filter(username=username, roles__role=Role.PROVINCE_ADMIN,
                                roles__bureau=root).first()
    errors = Errors()
    if root.region_id != region_code:
        errors.add("region_code", "already_set_up",
                   _("This installation already serves another province."))
    elif admin is None:
        errors.add("username", "already_set_up",
                   _("The province is already set up with another admin; appoint more on the "
                     "Roles page."))
    errors.raise_if_any()
    return Bootstrapped(bureau=root, admin=admin, created=False)


@transaction.atomic
def province_bootstrap(*, region_code: str, name: str, username: str,
                       password: str) -> Bootstrapped:
    root = Bureau.objects.select_for_update().filter(parent__isnull=True).first()
    if root is not None:
        return _rerun(root, region_code, username)
    errors = Errors()
    _root_errors(errors, region_code, name, username)
    _password_errors(errors, password, username)
    if username and User.objects.filter(username=username).exists():
        errors.add("username", "taken", _("An account with this username exists."))
    errors.raise_if_any()
    admin = User.objects.create_user(username=username, password=password)
    bureau = Bureau(name=name.strip(), level=BureauLevel.PROVINCE, region_id=region_code,
                    parent=None)
    f.save(bureau, admin, reason="bootstrap")
    role = RoleAssignment(user=admin, role=Role.PROVINCE_ADMIN, bureau=bureau)
    role._history_user = admin
    role.save()
    return Bootstrapped(bureau=bureau, admin=admin, created=True)
