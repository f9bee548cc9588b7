"""Out of scope answers exactly like nothing there: for every route that takes an object id
(every API operation in the OpenAPI document, every page in the URL conf, found by
`routes.py`), as each persona, a row just outside the persona's scope and an id no row has get
the same status and the same body (JSON with the id taken out, or the same templates), and
the out-of-scope one changes no row. The province (reads) and a school's epidemic office
(writes) are the controls: where they reach the row, a row and no row must answer differently,
or the comparison proves nothing."""

import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from unittest import mock

import pytest
from django.contrib.messages.storage.base import BaseStorage
from django.core.paginator import Page
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from apps.access.services import api_token_create
from shaodian.api import api

from .cases import OWNED, Rows, api_body, api_query, normalized
from .data import build_rows
from .page_forms import context_forms, form_cases
from .routes import ID_MODELS, KIND_MODELS, api_routes, exempt, model_for, page_routes

pytestmark = pytest.mark.django_db

# A class teacher, a teacher of another class, a county bureau of another county, a city bureau
# of another city, a guardian, a gate officer, the epidemic office of another school (who holds
# every write permission a school has, so a write reaches the scope check) and a designated
# hospital (scoped by its pairing, not the org tree).
PERSONAS = ("teacher_a1", "teacher_a2", "zhongyuan_bureau", "luoyang_bureau", "guardian_a1",
            "gate_a", "school_b_admin", "hospital_a")
# Page forms are not in any schema: a reason is what most of them ask for.
PAGE_FORM = {"reason": "范围测试"}
# What a request may write whatever it asks for: the signed-in session, the token's last use.
WRITABLE = {"django_session", "access_apitoken"}
# Non-id path parameters of pages: each value tried (`kind` picks the model of `pk`).
PAGE_VALUES = {"kind": tuple(KIND_MODELS), "to": ("open",)}
# What a request may record of itself: an access-log row, when the id nothing has writes it too.
AUDIT = {"access_accesslog"}
WRITE = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.I)
SCHEMA = api.get_openapi_schema()


@dataclass
class Run:
    """One persona's walk over the routes: who, how it signs in, what it found."""

    world: object
    client: object
    user: object
    token: str
    rows: Rows
    cases: int = 0
    form_cases: int = 0
    routes: set = field(default_factory=set)
    problems: list = field(default_factory=list)


@cache
def routes() -> tuple:
    """(route, method, non-id path values) for every route variant that takes an id."""
    return tuple((route, method, values) for route in api_routes() + page_routes() if route.ids
                 for values in _variants(route) for method in route.methods)


def _variants(route):
    values = [{}]
    for name in route.fixed:
        values = [{**v, name: each} for v in values for each in PAGE_VALUES.get(name, ("x",))]
    return values


def test_it_maps_every_id_to_a_model():
    # A route whose id names no model would escape the scope test: map it in routes.py, or
    # exempt it there with the reason.
    unmapped = {f"{route.label(method)} {name}" for route, method, values in routes()
                for _loc, name in route.ids
                if model_for(route, name, values) is None and not exempt(route, name)}
    assert not unmapped, sorted(unmapped)


def test_it_finds_the_routes_that_take_ids():
    tested = {(route.kind, method if route.kind == "api" else "", route.path)
              for route, method, values in routes()
              if any(model_for(route, name, values) for _loc, name in route.ids)}
    operations = sum(kind == "api" for kind, _m, _p in tested)
    pages = sum(kind == "page" for kind, _m, _p in tested)
    print(f"scope: {operations} API operations and {pages} pages take ids")  # noqa: T201
    # The floor is today's count: fewer means discovery broke, not that routes went away.
    assert operations >= 86 and pages >= 79


@pytest.fixture
def rows(world):
    build_rows(world)
    return world


def test_it_has_rows_of_every_mapped_model_in_both_schools(rows):
    # A persona is asked about a model only when a row of it lies outside its scope: a model
    # with no row in one of the schools would be skipped for some personas, silently.
    models = {model_for(route, name, values) for route, _m, values in routes()
              for _loc, name in route.ids} - {None}
    thin = sorted(m.__name__ for m in models if _schools_holding(m) < 2)
    assert not thin, f"add rows of these to tests/scope/data.py: {thin}"


def _schools_holding(model) -> int:
    if model in OWNED:
        return model.objects.values(OWNED[model]).distinct().count()
    if "school" not in getattr(model, "scope_fields", {}):
        return model.objects.count()  # a region's row (bureau, case report, alert)
    return model.objects.values(model.scope_fields["school"]).distinct().count()


def _run(world, client, persona) -> Run:
    user = world.users[persona]
    client.force_login(user)
    client.raise_request_exception = False  # a server error is an answer to compare
    _token, raw = api_token_create(user=user, name="scope test", permissions=None)
    return Run(world, client, user, raw, Rows(user))


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_out_of_scope_like_nothing_there(rows, client, persona):
    run = _run(rows, client, persona)
    for route, method, values in routes():
        for _location, name in route.ids:
            _check(run, route, method, values, name)
    for case in _form_cases(run):
        outside = run.rows.outside(case.model)
        if outside is not None:
            _check_form(run, case, outside.pk, outside=True)
    print(f"scope {persona}: {len(run.routes)} routes, {run.cases} cases, "  # noqa: T201
          f"{run.form_cases} form fields")
    # Today's count, less a few for rows a persona may come to see: fewer means a walk broke.
    assert run.cases >= 222
    assert run.form_cases >= 3  # every persona is shown some form choosing a row by id
    assert not run.problems, "\n".join(run.problems)


def _pair(run, route, method, values, name, row) -> tuple:
    """The answers for this row's id and for an id no row has, the route's other ids alike."""
    model = model_for(route, name, values)
    missing = run.rows.missing(model)
    ids = _other_ids(run, route, values, name)
    there = _send(run, route, method, {**ids, name: row.pk}, model, row.pk, name)
    nothing = _send(run, route, method, {**ids, name: missing}, model, missing, name)
    run.cases += 1
    run.routes.add((route.kind, method if route.kind == "api" else "", route.path))
    return there, nothing, _differs(there, nothing, row.pk, missing)


def _check(run, route, method, values, name):
    model = model_for(route, name, values)
    outside = model and run.rows.outside(model)
    if outside is None:
        return  # no model (exempt), or the persona sees every row of it
    there, nothing, difference = _pair(run, route, method, values, name, outside)
    label = f"{route.label(method)} [{name}={model.__name__}]"
    if difference:
        run.problems.append(f"{label}: {difference}")
    # An access log row the request writes whatever it names records the request, not the row.
    if wrote := there.wrote - (nothing.wrote & AUDIT):
        run.problems.append(f"{label}: an out-of-scope id wrote {sorted(wrote)}")


# The controls: where the persona reaches the row, its id and an id no row has must answer
# differently on most routes (a read shows it, a write does it), or the comparison above could
# not see a leak: the province reads everything, a school's epidemic office writes its school.
# (The province has no part in a school's gate, sampling station or roster imports: those
# reads answer it 404 either way.)
CONTROLS = [("province", ("GET",), 0.7), ("school_a_admin", ("POST", "PUT", "PATCH", "DELETE"),
                                                              0.8)]


@pytest.mark.parametrize(("persona", "methods", "share"), CONTROLS)
def test_it_tells_a_row_from_no_row_where_the_persona_reaches_it(rows, client, persona,
                                                                 methods, share):
    run = _run(rows, client, persona)
    told = asked = 0  # asked: the cases of routes that answer this method
    for route, method, values in routes():
        for _location, name in route.ids:
            model = model_for(route, name, values)
            row = model and method in methods and run.rows.inside(model)
            if row:
                there, _nothing, difference = _pair(run, route, method, values, name, row)
                asked += there.status != 405
                told += bool(difference)
    print(f"scope {persona}: {told} of {asked} cases tell a row from no row")  # noqa: T201
    assert told >= share * asked
    if "POST" in methods:  # a form's own choice posted back, against an id no row has
        told = sum(bool(_check_form(run, case, case.offered[0], outside=False))
                   for case in _form_cases(run) if case.offered)
        print(f"scope {persona}: {told} of {run.form_cases} form fields tell a row "  # noqa: T201
              "from no row")
        assert run.form_cases >= FORM_FIELDS and told >= share * run.form_cases


# Today's count of id fields in the forms a school's epidemic office is shown.
FORM_FIELDS = 18


# Pages not fetched for their forms: the sign-in and language switches, the health check.
NOT_FORM_PAGES = {"", "healthz", "set_language", "web:login"}


def _form_cases(run) -> list:
    """Each id field of a POST form the persona's pages render (page_forms.py), once per
    (form's route, field): the pages are fetched with the ids the persona reaches."""
    found = {}
    query_ids = {r.name: {n for loc, n in r.ids if loc == "query"} for r in page_routes()}
    for route in page_routes():
        if "GET" not in route.methods or route.name in NOT_FORM_PAGES:
            continue
        for values in _variants(route):
            ids = _other_ids(run, route, values, None)
            if any(ids.get(name) is None for _loc, name in route.ids):
                continue  # an exempt id (a risk area's): its pages choose no scoped row
            path = route.path.format(**{k: v for k, v in ids.items()
                                        if f"{{{k}}}" in route.path})
            query = {name: ids[name] for loc, name in route.ids if loc == "query"}
            with transaction.atomic():
                response = run.client.get(path + _query_string(query))
                transaction.set_rollback(True)
            if response.status_code >= 500:  # a page the persona opens must open
                run.problems.append(f"GET {path}: status {response.status_code}")
            if response.status_code != 200 or "text/html" not in response.get(
                    "Content-Type", "") or response.streaming:
                continue
            cases, unmapped = form_cases(response, path)
            run.problems += [f"{path}: form field {u} names no model (page_forms.FORM_MODELS)"
                             for u in sorted(unmapped)]
            for case in cases:
                if case.model is None and case.field not in query_ids.get(case.route, ()):
                    run.problems.append(f"{path}: its filter {case.field} is no query id of "
                                        f"{case.route} (routes.query_names missed it)")
                elif case.model is not None:
                    found.setdefault((case.route, case.field, case.template), case)
    return list(found.values())


def _check_form(run, case, pk, *, outside) -> str | None:
    """Post the form back with the field set to this row's id, and to an id no row has."""
    missing = run.rows.missing(case.model)
    there = _answer("POST", case.model, pk,
                    lambda: run.client.post(case.action, case.post(pk)), case.field)
    nothing = _answer("POST", case.model, missing,
                      lambda: run.client.post(case.action, case.post(missing)), case.field)
    run.form_cases += 1
    difference = _differs(there, nothing, pk, missing)
    if outside:
        if difference:
            run.problems.append(f"{case.label()}: {difference}")
        if wrote := there.wrote - (nothing.wrote & AUDIT):
            run.problems.append(f"{case.label()}: an out-of-scope id wrote {sorted(wrote)}")
    return difference


def _other_ids(run, route, values, varied) -> dict:
    """The route's other ids: a row the persona may reach, else any row of that model."""
    ids = dict(values)
    for _loc, name in route.ids:
        model = model_for(route, name, values)
        if name == varied or model is None:
            continue
        row = run.rows.inside(model) or model.objects.order_by("pk").first()
        ids[name] = row.pk if row else 1
    return ids


@dataclass
class Answer:
    status: int
    content_type: str
    text: str
    templates: tuple
    location: str
    wrote: set
    errors: dict = field(default_factory=dict)
    messages: tuple = ()
    listed: frozenset = frozenset()


def _send(run, route, method, ids, model, pk, varied) -> Answer:
    return _answer(method, model, pk, lambda: _request(run, route, method, ids), varied)


def _answer(method, model, pk, request, field_name) -> Answer:
    """Send in a savepoint rolled back after, so each case starts from the same rows. Every
    INSERT, UPDATE or DELETE it runs is a write; a write's row is also compared (a GET's
    statements are enough, and two fewer queries). A page's form errors and the messages it
    queued (shown on the page a redirect leads to) are part of its answer."""
    row = model.objects.filter(pk=pk).values
    queued = []
    with transaction.atomic():
        before = list(row()) if method != "GET" else None
        with CaptureQueriesContext(connection) as queries, _messages_to(queued):
            response = request()
        wrote = {m.group(1) for q in queries for m in [WRITE.match(q["sql"])] if m} - WRITABLE
        if before is not None and list(row()) != before:
            wrote.add(model._meta.db_table)
        errors = _form_errors(response, pk, field_name)
        listed = _listed(response)
        transaction.set_rollback(True)
    text = _text(response)
    templates = tuple(sorted({t.name for t in getattr(response, "templates", []) if t.name}))
    return Answer(response.status_code, response.get("Content-Type", ""), text, templates,
                  response.get("Location", ""), wrote, errors,
                  tuple(normalized(m, pk) for m in queued), listed)


@contextmanager
def _messages_to(queued: list):
    """Record each message a request queues for the user (`messages.error(…)`)."""
    add = BaseStorage.add

    def recording(storage, level, message, extra_tags=""):
        queued.append(f"{level}:{message}")
        return add(storage, level, message, extra_tags)

    with mock.patch.object(BaseStorage, "add", recording):
        yield


def _listed(response) -> frozenset:
    """The rows a page lists (its context's pages, lists and fetched querysets of rows), as
    (model, id): a filter naming a row outside the scope must list what no row lists."""
    listed = set()
    for context in response.context or ():
        for layer in getattr(context, "dicts", ()):
            for value in layer.values() if isinstance(layer, dict) else ():
                if isinstance(value, Page):
                    value = value.object_list
                if isinstance(value, QuerySet):
                    value = value._result_cache or ()
                if isinstance(value, list | tuple):
                    listed |= {(type(v)._meta.label, v.pk) for v in value
                               if isinstance(v, Model)}
    return frozenset(listed)


def _form_errors(response, pk, field_name) -> dict:
    """The errors of each bound form the page rendered, by field, the id taken out of the
    errors of the field that names it (another field may hold the same number), and the
    errors a hand-written form's page is given (a context entry named like `errors`)."""
    errors = {form.add_prefix(name): [normalized(str(e), pk) if form.add_prefix(name) == field_name
                                      else str(e) for e in found]
              for form in context_forms(response) if form.is_bound
              for name, found in form.errors.items()}
    for context in response.context or ():
        for layer in getattr(context, "dicts", ()):
            for key, value in layer.items() if isinstance(layer, dict) else ():
                if "error" in key and isinstance(value, list | tuple | dict | str) and value:
                    errors[f"context:{key}"] = normalized(str(value), pk)
    return errors


def _text(response) -> str:
    """The body as text; a workbook as the rows of its sheets (the file's bytes hold the time
    it was written)."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheet" not in response.get("Content-Type", ""):
        return data.decode(errors="replace")
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return json.dumps([book.get_sheet_by_name(n).to_python() for n in book.sheet_names],
                      default=str, ensure_ascii=False)


def _request(run, route, method, ids):
    path = route.path.format(**{k: v for k, v in ids.items() if f"{{{k}}}" in route.path})
    if route.kind == "page":
        query = {name: ids[name] for loc, name in route.ids if loc == "query"}
        data = PAGE_FORM if method == "POST" else None
        return run.client.generic(method, path + _query_string(query), _encoded(data),
                                  content_type="application/x-www-form-urlencoded")
    operation = route.operation[method]
    query = api_query(operation, ids, SCHEMA)
    content_type, body = api_body(SCHEMA, operation, ids)
    headers = {"Authorization": f"Bearer {run.token}"}
    if content_type.startswith("multipart"):
        return run.client.post(path + _query_string(query), body, headers=headers)
    data = json.dumps(body) if body is not None else ""
    return run.client.generic(method, path + _query_string(query), data,
                              content_type="application/json", headers=headers)


def _encoded(data) -> str:
    from urllib.parse import urlencode

    return urlencode(data or {})


def _query_string(query: dict) -> str:
    return "?" + _encoded(query) if query else ""


def _differs(there: Answer, nothing: Answer, there_pk, nothing_pk) -> str | None:
    if there.status != nothing.status:
        return f"status {there.status} for a row outside, {nothing.status} for no row"
    if there.status >= 500:
        return f"status {there.status}"
    if there.content_type != nothing.content_type:
        return f"content type {there.content_type!r} vs {nothing.content_type!r}"
    structured = "json" in there.content_type or "spreadsheet" in there.content_type
    if structured and _json(there.text, there_pk) != _json(nothing.text, nothing_pk):
        return f"body {there.text[:300]!r} vs {nothing.text[:300]!r}"
    if there.templates != nothing.templates:
        return f"templates {there.templates} vs {nothing.templates}"
    if normalized(there.location, there_pk) != normalized(nothing.location, nothing_pk):
        return f"redirect {there.location!r} vs {nothing.location!r}"
    if there.listed != nothing.listed:
        return (f"rows listed: {sorted(there.listed - nothing.listed)[:10]} only for the row "
                f"outside, {sorted(nothing.listed - there.listed)[:10]} only for no row")
    if there.errors != nothing.errors:
        return f"form errors {there.errors} vs {nothing.errors}"
    if there.messages != nothing.messages:
        return f"messages {there.messages} vs {nothing.messages}"
    return None


def _json(text: str, pk: int):
    try:
        return json.loads(normalized(text, pk))
    except ValueError:
        return text


def test_it_asks_about_another_schools_account(rows):
    # An account id is answered like a missing one when it belongs to no school the persona
    # sees: the nearest such account is another school's staff, which a careless service
    # (an assignee, a task-force member) would take.
    from apps.access.models import RoleAssignment

    outside = Rows(rows.users["school_b_admin"]).outside(ID_MODELS["user_id"])
    assert RoleAssignment.objects.filter(user=outside, school=rows.schools["a"]).exists()
