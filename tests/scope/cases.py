"""Which row is just outside a persona's scope, which is inside, and a request to send: the
pieces `test_scope.py` puts together for every route."""

import io
import re
from functools import reduce
from operator import or_

from django.db.models import Max, Q
from django.utils import timezone

from apps.access.grants import grants_for
from apps.access.models import ApiToken, RoleAssignment, User
from apps.access.rules import may_in_region
from apps.emergency import reports
from apps.emergency.models import Alert, CaseReport, SchoolTrigger
from apps.notifications.models import Notification
from apps.orgs.models import School, SchoolClass
from apps.people.models import Guardianship, Person
from apps.reports.models import ExportJob
from apps.rosters.models import RosterExport

from .routes import body_schema, resolve

# Rows that belong to one account rather than to the org tree: the owner's field.
OWNED = {Notification: "recipient", ApiToken: "user", RosterExport: "user",
         ExportJob: "user"}


def permissions(user) -> set:
    return {perm for grant in grants_for(user) for perm in grant.permissions}


def visible_ids(model, user) -> set:
    """Every row of the model the user may reach under any of its permissions."""
    if model in OWNED:
        return set(model.objects.filter(**{OWNED[model]: user}).values_list("pk", flat=True))
    if model is User:
        return school_accounts(visible_ids(School, user))
    # Two kinds of row hang on a region, not on the org tree, and are decided as their pages
    # decide: an alert through the user's triggers of it, a case report by the region grant.
    if model is Alert:
        return set(SchoolTrigger.objects.filter(pk__in=visible_ids(SchoolTrigger, user))
                   .values_list("alert_id", flat=True))
    if model is CaseReport:
        return {pk for pk, region in CaseReport.objects.values_list("pk", "region_id")
                if may_in_region(user, reports.REPORT, region, **reports.IN_AREA)}
    # One query: the union of the restricted querysets is one WHERE of OR'd scopes.
    scoped = [model.objects.restrict(user, perm) for perm in sorted(permissions(user))]
    return set(reduce(or_, scoped, model.objects.none()).values_list("pk", flat=True))


def school_accounts(school_ids=None) -> set:
    """The accounts that belong to schools (all of them, or these): a role on the school or one
    of its units, a class, a staff or student record, a guardianship. An account is in a
    persona's scope when it belongs to a school the persona sees."""
    def of(model, field, school="school_id"):
        rows = model.objects.filter(**{f"{field}__isnull": False})
        if school_ids is not None:
            rows = rows.filter(**{f"{school}__in": school_ids})
        return set(rows.values_list(field, flat=True))

    roles = RoleAssignment.objects.filter(Q(school__isnull=False) | Q(unit__isnull=False))
    if school_ids is not None:
        roles = roles.filter(Q(school_id__in=school_ids) | Q(unit__school_id__in=school_ids))
    return (set(roles.values_list("user_id", flat=True)) | of(SchoolClass, "teacher_id")
            | of(Person, "user_id") | of(Guardianship, "user_id"))


class Rows:
    """For one user, per model: a row just outside its scope, one inside, an id no row has.
    Asked once per model (each case's writes are rolled back, so they stay true)."""

    def __init__(self, user):
        self.user = user
        self._picked = {}

    def outside(self, model):
        return self._pick(model)[0]

    def inside(self, model):
        return self._pick(model)[1]

    def missing(self, model) -> int:
        return self._pick(model)[2]

    def _pick(self, model):
        if model not in self._picked:
            seen = visible_ids(model, self.user)
            self._picked[model] = (
                self._outside(model, seen),
                model.objects.filter(pk__in=seen).order_by("pk").first(),
                (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 10_000)
        return self._picked[model]

    def _outside(self, model, seen):
        """The nearest first: a row in a school the user sees (another class, another person)
        before one in another school."""
        rows = model.objects.exclude(pk__in=seen).order_by("pk")
        if model is User:  # another school's account before one on no school (a bureau's)
            return rows.filter(pk__in=school_accounts()).first() or rows.first()
        if "school" in getattr(model, "scope_fields", {}) and model is not School:
            school = model.scope_fields["school"]
            near = rows.filter(**{f"{school}__in": visible_ids(School, self.user)}).first()
            if near is not None:
                return near
        return rows.first()


# Values for body and query fields where a schema's type alone would be refused.
FIELD_VALUES = {
    "reason": "范围测试", "temperature": "36.5", "phone": "13800138000", "region": "410105",
    "code_or_number": "A2024001", "barcode": "T0001", "number": "X001", "name": "测试",
    "sex": "M", "doc_number": "410105201005040112", "kind": "student", "outcome": "done",
    "mode": "normal", "slot": "morning", "direction": "in", "duty": "leader",
    "birth_date": "2010-05-04", "pool_size": 10,
}


def example(schema: dict, node: dict, name: str = ""):
    """A plausible value for a JSON schema node, so a write reaches its scope check instead of
    stopping at the schema."""
    node = resolve(schema, node)
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if resolve(schema, o).get("type") != "null"]
            return example(schema, options[0], name) if options else None
    if "enum" in node:
        return node["enum"][0]
    if name in FIELD_VALUES and node.get("type") in ("string", "integer", "number", None):
        return FIELD_VALUES[name]
    return _typed(schema, node, name)


def _typed(schema, node, name):
    kind = node.get("type")
    if kind == "object":
        props = node.get("properties", {})
        return {k: example(schema, v, k) for k, v in props.items()
                if k in node.get("required", ()) or k.endswith("_id")}
    if kind == "array":
        return [example(schema, node.get("items", {}), name)] if node.get("minItems") else []
    if kind == "integer":
        return max(node.get("minimum", 1), 1)
    if kind == "number":
        return node.get("minimum", 1)
    if kind == "boolean":
        return False
    if node.get("format") == "date":
        return timezone.localdate().isoformat()
    if node.get("format") == "date-time":
        return timezone.now().isoformat()
    return "测试测试"[: node.get("maxLength", 4)].ljust(node.get("minLength", 0), "x")


def api_body(schema: dict, operation: dict, ids: dict):
    """(content type, body) for an operation, its id fields set from `ids`."""
    content_type, body = body_schema(operation)
    if not body:
        return "", None
    value = example(schema, body)
    if not isinstance(value, dict):
        return content_type, value
    value.update({k: v for k, v in ids.items() if k in resolve(schema, body).get("properties", {})})
    if content_type.startswith("multipart"):
        return content_type, {**value, "file": _csv()}
    return content_type, value


def _csv():
    upload = io.BytesIO("学号,姓名\nA1,张三\n".encode())
    upload.name = "名单.csv"
    return upload


def api_query(operation: dict, ids: dict, schema: dict) -> dict:
    query = {}
    for param in operation.get("parameters", []):
        if param["in"] != "query":
            continue
        if param["name"] in ids:
            query[param["name"]] = ids[param["name"]]
        elif param.get("required"):
            query[param["name"]] = example(schema, param.get("schema", {}), param["name"])
    return query


def normalized(text: str, pk: int) -> str:
    """The answer with the id asked for taken out: a message may name it."""
    return re.sub(rf"\b{pk}\b", "<id>", text)
