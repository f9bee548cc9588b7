"""Every route that takes an object id, found from the OpenAPI document and the URL conf, with
the model each id names. A route added later is found here with no test of its own; one whose
id names no model in the tables below fails `test_it_maps_every_id_to_a_model`."""

import ast
import importlib
import inspect
import re
from dataclasses import dataclass, field
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver

from apps.absence.models import Cluster, SickAbsence
from apps.access.models import ApiToken, RoleAssignment, User
from apps.approvals.models import ApprovalRequest
from apps.concerns.models import Concern
from apps.disinfection.models import Area
from apps.emergency.models import (
    Alert,
    CampusResident,
    CaseReport,
    Drill,
    PlanRun,
    PlanTask,
    SchoolTrigger,
    TaskForceMember,
)
from apps.families.models import BindingRequest
from apps.followups.models import FollowUp
from apps.gate.models import Gate, GateCheck
from apps.isolation.models import Isolation, IsolationRoom, Referral
from apps.notifications.models import Channel, Notification
from apps.orgs.models import Bureau, DormRoom, Hospital, HospitalContact, School, SchoolClass, Unit
from apps.parcels.models import ParcelBatch, ParcelPhoto
from apps.people.models import HouseholdMember, Person
from apps.policy.models import PolicyOverride
from apps.reports.models import ExportJob
from apps.rosters.models import RosterExport, RosterImport
from apps.status.models import RegimenMark
from apps.supervision.models import Inspection, Photo, Rectification
from apps.testing.models import Sample, TestRound, Tube
from apps.transfers.models import Transfer
from apps.travel.models import Exposure, TripLeg
from apps.visitors.models import Visit
from shaodian.api import api

# An id parameter's name (path, query or body field) -> the model it names.
ID_MODELS = {
    "school_id": School, "school": School, "bureau_id": Bureau, "bureau": Bureau,
    "unit_id": Unit, "unit": Unit, "class_id": SchoolClass, "klass_id": SchoolClass,
    "klass": SchoolClass, "teaches_class_id": SchoolClass, "dorm_room_id": DormRoom,
    "person_id": Person,
    "household_member_id": HouseholdMember, "check_id": GateCheck, "gate_id": Gate,
    "round_id": TestRound, "tube_id": Tube, "sample_id": Sample, "token_id": ApiToken,
    "override_id": PolicyOverride, "leg_id": TripLeg, "leg_pk": TripLeg,
    "exposure_id": Exposure, "exposure_pk": Exposure, "import_id": RosterImport,
    "export_id": RosterExport, "notification_id": Notification, "followup_id": FollowUp,
    "report_id": CaseReport, "trigger_id": SchoolTrigger, "alert_id": Alert, "alert": Alert,
    "member_id": TaskForceMember, "run_id": PlanRun, "task_id": PlanTask, "drill_id": Drill,
    "absence_id": SickAbsence, "person": Person, "round": TestRound,
    "notification": Notification, "hospital_id": Hospital, "contact_id": HospitalContact,
    "parent_id": Bureau, "binding_id": BindingRequest, "mark_id": RegimenMark,
    "assignment_id": RoleAssignment, "transfer_id": Transfer, "to_class_id": SchoolClass,
    "inspection_id": Inspection, "rectification_id": Rectification, "photo_id": Photo,
    "concern_id": Concern,
    "approval_id": ApprovalRequest,
    "isolation_id": Isolation, "room_id": IsolationRoom,
    "referral_id": Referral, "visit_id": Visit,
    # An account: in scope when it holds a role, a class, a staff or student record or a
    # guardianship in a school the persona sees (cases.school_accounts); the services choose
    # assignees and task-force members among the school's accounts.
    "assignee_id": User, "user_id": User, "on_duty_id": User, "on_duty": User,
    "batch_id": ParcelBatch, "area_id": Area, "area": Area,
}

# A page's `pk` names the model of its URL's namespace (or of the URL's name, first match).
PK_MODELS = {
    "travel:": Person, "policy:override_remove": PolicyOverride, "rosters_export:": RosterExport,
    "rosters:": RosterImport, "notifications:channel_remove": Channel,
    "notifications:": Notification, "followups:": FollowUp, "emergency:report_": CaseReport,
    "emergency:trigger_": SchoolTrigger, "emergency:alert_": Alert, "health:roll": SchoolClass,
    "absence:cluster": Cluster, "absence:": SickAbsence, "web:person_": Person,
    "web:token_": ApiToken, "orgs:bureau_": Bureau, "orgs:school_": School, "orgs:unit_": Unit,
    "orgs:class_": SchoolClass, "orgs:room_": DormRoom, "orgs:hospital_": Hospital,
    "orgs:contact_": HospitalContact, "gate:school_gates": School, "gate:gate_edit": Gate,
    "families:binding_": BindingRequest, "families:household": Person,
    "families:member_": HouseholdMember, "families:school_settings": School,
    "status:mark": RegimenMark,
    "access:role_": RoleAssignment, "access:bureau_roles": Bureau, "access:school_roles": School,
    "access:teacher_revoke": SchoolClass, "transfers:": Transfer,
    "accounts:user_": User, "accounts:school": School,
    "supervision:rectification_": Rectification, "supervision:photo": Photo,
    "supervision:": Inspection, "reports:export_": ExportJob, "concerns:": Concern,
    "approvals:": ApprovalRequest, "visitors:": Visit,
    "emergency:campus_resident_end": CampusResident,
    "parcels:disinfect": ParcelBatch, "parcels:place": ParcelBatch, "parcels:photo": ParcelPhoto,
    "parcels:": School, "disinfection:area_": Area, "disinfection:": School,
    "isolation:room_": IsolationRoom, "isolation:referral_": Referral, "isolation:": Isolation,
}

# Routes whose id is of a model the scope rule does not cover, and why.
EXEMPT = {
    # risk areas are the province's published list, the same for everyone who may read it
    "risk:detail", "risk:update", "risk:lift", "risk:progress", "/api/v1/risk-areas/{area_id}",
    "/api/v1/risk-areas/{area_id}/lift",
    # policy packs are reference data, public to every signed-in user
    "/api/v1/policy/choose", "/api/v1/policy/packs/{pack_id}", "/api/v1/policy/switches:pack_id",
    # a transfer goes to any school of the province: the receiving one is outside the
    # sender's scope by design (apps.transfers.services.transfer_request)
    "/api/v1/transfers:to_school_id",
    # a province's pack switch: the services let only that province's admin cancel one (404
    # to anyone else, tested in apps/policy/tests/test_switches.py)
    "policy:switch_cancel", "/api/v1/policy/switches/{switch_id}/cancel",
    # its bar: the same rule, 404 to anyone outside the province (test_switch_progress.py)
    "policy:switch_progress",
}

# Fields named like ids that name no row a scope covers, and why.
NOT_IDS = {
    "client_id",  # the client's own idempotency key, replayed only for its own sender
    "node_id",  # policy override's node: School or Bureau by `node`, see KIND_MODELS
}

# `<str:kind>/<int:pk>`: the kind says the model.
KIND_MODELS = {"school": School, "bureau": Bureau}

ID_WORDS = {"school", "bureau", "unit", "klass", "class", "person", "alert", "gate", "round",
            "notification"}


def is_id_name(name: str) -> bool:
    return (name.endswith(("_id", "_pk")) or name in ID_WORDS or name == "pk") and (
        name not in NOT_IDS)


@dataclass
class Route:
    kind: str  # "api" or "page"
    name: str  # the API path template, or the page's URL name
    path: str  # with {param} placeholders
    methods: tuple
    ids: list = field(default_factory=list)  # (location, name) of each id parameter
    fixed: dict = field(default_factory=dict)  # non-id path parameters' values
    operation: dict = field(default_factory=dict)  # per method, the OpenAPI operation

    def label(self, method="") -> str:
        return f"{method} {self.path}".strip()


def api_routes() -> list[Route]:
    schema = api.get_openapi_schema()
    routes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ids = [(p["in"], p["name"]) for p in operation.get("parameters", [])
                   if p["in"] in ("path", "query") and is_id_name(p["name"])]
            ids += [("body", name) for name in _body_fields(schema, operation)
                    if is_id_name(name)]
            unnamed = [p["name"] for p in operation.get("parameters", [])
                       if p["in"] == "path" and not is_id_name(p["name"])]
            route = Route("api", path, path, (method.upper(),), ids,
                          operation={method.upper(): operation})
            route.fixed = {name: None for name in unnamed}
            routes.append(route)
    return routes


def body_schema(operation: dict) -> tuple[str, dict]:
    content = operation.get("requestBody", {}).get("content", {})
    for content_type, media in content.items():
        return content_type, media["schema"]
    return "", {}


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].split("/")[-1]]
    return node


def _body_fields(schema, operation) -> list[str]:
    _type, body = body_schema(operation)
    return list(resolve(schema, body).get("properties", {})) if body else []


CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def page_routes() -> list[Route]:
    routes = []
    for route, name, callback in _walk(get_resolver().url_patterns):
        params = CONVERTER.findall(route)
        ids = [("path", p) for conv, p in params if conv == "int"]
        ids += [("query", p) for p in sorted(query_names(callback)) if is_id_name(p)]
        fixed = {p: None for conv, p in params if conv != "int"}
        path = CONVERTER.sub(lambda m: "{" + m.group(2) + "}", "/" + route)
        routes.append(Route("page", name, path, page_methods(callback), ids, fixed))
    return routes


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(("api/", "admin/")):
                continue  # the API is walked from its OpenAPI; the admin is Django's
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern) and not route.startswith("api/"):
            yield route, namespace + (pattern.name or ""), pattern.callback


def page_methods(callback) -> tuple:
    """GET and POST, less what the view's `require_http_methods` (require_POST, …) refuses
    before it runs: a 405 that cannot depend on the row is not worth asking for."""
    view = callback
    while view is not None:
        for cell in view.__closure__ or ():
            allowed = cell.cell_contents
            if isinstance(allowed, list) and allowed and all(
                    isinstance(m, str) and m.isupper() for m in allowed):
                return tuple(m for m in ("GET", "POST") if m in allowed)
        view = getattr(view, "__wrapped__", None)
    return ("GET", "POST")


GET_READ = re.compile(r"""request\.GET(?:\.get\(|\[)\s*["'](\w+)["']""")
KEY_READ = re.compile(r"""\.get\(\s*["'](\w+)["']""")
CONSTANT_LOOP = re.compile(r"\bfor\s+\w+\s+in\s+([A-Z][A-Z_]+)\b")


def query_names(callback) -> set:
    """The query parameters a page reads, in its view or in a function of the same module the
    view calls: `request.GET.get("school")`, the id fields of a form bound to the query string
    (`LogFilterForm(request.GET)`: a list's filters), and the keys a function handed the query
    string reads (`parse_filters(request.GET)`: an export's). A page's filters are in no
    schema."""
    view = inspect.unwrap(callback)
    module = inspect.getmodule(view)
    if module is None or not module.__name__.startswith("apps."):
        return set()
    functions = _module_functions(module.__name__)
    called = functions.get(view.__name__, (set(), set()))[1]
    return set().union(*(functions[f][0] for f in {view.__name__} | called if f in functions))


@cache
def _module_functions(module_name: str) -> dict:
    """Each top-level function of a module: (query names it reads, module functions it calls)."""
    module = importlib.import_module(module_name)
    source = inspect.getsource(module)
    functions = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            text = ast.get_source_segment(source, node) or ""
            calls = {c.func.id for c in ast.walk(node)
                     if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
            query = _query_names(source, node)
            names = set(GET_READ.findall(text)) | {
                key for name in query - {"request.GET"}
                for key in re.findall(rf"""\b{name}(?:\.get\(|\[)\s*["'](\w+)["']""", text)}
            for target in _handed_the_query(module, source, node, query):
                names |= _reads(target)
            functions[node.name] = (names, calls)
    return functions


def _query_names(source, function) -> set:
    """`request.GET`, and each name a function sets from it (`params = request.GET.copy()`)."""
    return {"request.GET"} | {
        t.id for n in ast.walk(function) if isinstance(n, ast.Assign)
        and "request.GET" in (ast.get_source_segment(source, n.value) or "")
        for t in n.targets if isinstance(t, ast.Name)}


def _handed_the_query(module, source, function, query):
    """What a function hands the query string to: each call whose first argument is
    `request.GET`, or a name the function set from it, resolved in the module."""
    for call in ast.walk(function):
        if not isinstance(call, ast.Call) or not call.args:
            continue
        first = ast.get_source_segment(source, call.args[0]) or ""
        if not any(first == q or first.startswith((f"{q} ", f"{q}.")) for q in query):
            continue
        target = _resolve(module, ast.get_source_segment(source, call.func) or "")
        if target is not None:
            yield target


def _resolve(module, dotted: str):
    target = module
    for part in dotted.split("."):
        target = getattr(target, part, None)
    return target


def _reads(target) -> set:
    """The id names a form class bound to the query string offers (its id choice fields), or
    the names a function handed it reads (`.get("school")`, or each name of a module
    constant it loops over)."""
    from django import forms

    if isinstance(target, type) and issubclass(target, forms.BaseForm):
        return {name for name, f in target.base_fields.items() if isinstance(
            f, forms.ModelChoiceField) or (isinstance(
                f, forms.TypedChoiceField | forms.TypedMultipleChoiceField) and f.coerce is int)}
    if not inspect.isfunction(target):
        return set()
    text = inspect.getsource(target)
    names = set(KEY_READ.findall(text))
    module = inspect.getmodule(target)
    for constant in CONSTANT_LOOP.findall(text):
        value = getattr(module, constant, ())
        if isinstance(value, tuple | list | frozenset) and all(isinstance(v, str) for v in value):
            names |= set(value)
    return names


def model_for(route: Route, name: str, fixed: dict):
    if "kind" in fixed and name == "pk":
        return KIND_MODELS.get(fixed["kind"])
    if name == "pk":
        return next((m for prefix, m in PK_MODELS.items() if route.name.startswith(prefix)),
                    None)
    return ID_MODELS.get(name)


def exempt(route: Route, name: str) -> bool:
    return route.name in EXEMPT or f"{route.name}:{name}" in EXEMPT
