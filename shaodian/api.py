"""The JSON API: django-ninja under /api/v1, its OpenAPI document, and the docs page.

Every router of every app is mounted here. Auth is a bearer token (gate terminals,
integrations) or the signed-in session (the browser, with CSRF); both set request.user, and
every endpoint reads through `Model.objects.restrict(request.user, perm)`. Errors are JSON:
`{"code", "message"}`, plus `"errors": [{"field", "reason", "message"}]` for bad input.
Lists use `@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)`
(apps/core/pagination.py): the count stops at LIST_COUNT_CAP, and a list's page is read from
the replica when there is one (a few seconds behind; a client that keeps cookies reads the
primary for a moment after its own write, apps/core/routers.py).
"""

import json
from functools import wraps

from django.http import Http404, HttpResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic import ValidationError as PydanticValidationError

from apps.access.tokens import BearerToken, SignedInSession
from apps.core.errors import ApiError, ValidationFailed

API_AUTH = [BearerToken(), SignedInSession()]


class UnescapedJSONRenderer(JSONRenderer):
    # Chinese names stay readable in responses: "张小明", not "\u5f20\u5c0f\u660e".
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="哨点 Shaodian API",
    version="1",
    description="校园传染病防控与应急处置系统接口。Campus infectious-disease prevention and "
    "emergency response. Authenticate with `Authorization: Bearer sd_…` (an API token) "
    "or a signed-in session.",
    openapi_url=None,  # served by openapi_json below, unescaped
    docs_url=None,  # served at /api/docs by docs_page below
    auth=API_AUTH,
    renderer=UnescapedJSONRenderer(),
)


def _error(request, status: int, code: str, message: str, errors: list | None = None):
    body = {"code": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationFailed)
def _validation_failed(request, exc: ValidationFailed):
    errors = [{"field": e.field, "reason": e.reason, "message": str(e.message)} for e in exc.errors]
    return _error(request, 422, "invalid", _("The input is not valid."), errors)


def _field_name(loc) -> str:
    """ninja's error location as the field a client sent: ("body", "payload", "name") ->
    "name", ("query", "page") -> "page"."""
    loc = [str(part) for part in loc]
    if loc[:1] == ["body"] and len(loc) > 2:
        return ".".join(loc[2:])
    return ".".join(loc[1:]) or "".join(loc)


@api.exception_handler(NinjaValidationError)
def _request_invalid(request, exc: NinjaValidationError):
    errors = [{"field": _field_name(e.get("loc", ())), "reason": e.get("type", "invalid"),
               "message": e.get("msg", "")} for e in exc.errors]
    return _error(request, 422, "invalid", _("The input is not valid."), errors)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _error(request, exc.status, exc.code, str(exc.message))


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return _error(request, 404, "not_found", _("Not found."))


HTTP_ERROR_CODES = {401: "unauthorized", 403: "forbidden", 405: "method_not_allowed",
                    429: "throttled"}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 401:
        return _error(request, 401, "unauthorized", _("Sign in or send a valid API token."))
    return _error(request, exc.status_code, HTTP_ERROR_CODES.get(exc.status_code, "error"),
                  str(exc.message))


# URLs are matched in order: the endpoints terminals and parents call all day come first.
api.add_router("/health", "apps.health.api.router")
api.add_router("/gate", "apps.gate.api.router")
api.add_router("/testing", "apps.testing.api.router")
api.add_router("/regions", "apps.regions.api.router")
api.add_router("/", "apps.orgs.api.router")  # /bureaus, /schools, /classes
api.add_router("/", "apps.people.api.router")  # /persons
api.add_router("/", "apps.access.api.router")  # /me, /tokens
api.add_router("/", "apps.accounts.api.router")  # /schools/{id}/staff-accounts, /accounts/…
api.add_router("/policy", "apps.policy.api.router")
api.add_router("/risk-areas", "apps.risk.api.router")
api.add_router("/", "apps.travel.api.router")  # /persons/{id}/trips, /persons/{id}/exposures
api.add_router("/", "apps.status.api.router")  # /persons/{id}/status, /status/counts
api.add_router("/", "apps.rosters.api.router")  # /rosters/{school_id}/import, /exports/…
api.add_router("/notifications", "apps.notifications.api.router")
api.add_router("/followups", "apps.followups.api.router")
api.add_router("/emergency", "apps.emergency.api.router")
api.add_router("/absence", "apps.absence.api.router")
api.add_router("/", "apps.schoolyear.api.router")  # /rollover
api.add_router("/transfers", "apps.transfers.api.router")
api.add_router("/families", "apps.families.api.router")
api.add_router("/reports", "apps.reports.api.router")
api.add_router("/supervision", "apps.supervision.api.router")
api.add_router("/concerns", "apps.concerns.api.router")
api.add_router("/supplies", "apps.supplies.api.router")
api.add_router("/parcels", "apps.parcels.api.router")
api.add_router("/disinfection", "apps.disinfection.api.router")
api.add_router("/approvals", "apps.approvals.api.router")
api.add_router("/isolation", "apps.isolation.api.router")
api.add_router("/visitors", "apps.visitors.api.router")


NUL = "\x00"


def _nul_in(value, name: str = "") -> str | None:
    """The field (dotted, as `_field_name` names it) of the first string holding NUL."""
    if isinstance(value, str):
        return name if NUL in value else None
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        field = f"{name}.{key}" if name else str(key)
        if isinstance(key, str) and NUL in key:
            return field
        if found := _nul_in(item, field):
            return found
    return None


def _nul_field(request, path_params: dict) -> str | None:
    """No text field can hold NUL (U+0000): PostgreSQL refuses it, so a query with it is a
    500, and Django's form fields refuse it on the pages. Where the request sends one: a path
    or query parameter, a form field, or a string in a JSON body (found by a cheap scan
    first; files are not text and are not looked at)."""
    params = {**path_params, **{k: request.GET.getlist(k) for k in request.GET}}
    if (found := _nul_in(params)) or request.method in ("GET", "HEAD", "OPTIONS"):
        return found and found.split(".")[0]
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        found = _nul_in({k: request.POST.getlist(k) for k in request.POST})
        return found and found.split(".")[0]
    body = request.body
    if b"\\u0000" not in body and NUL.encode() not in body:
        return None
    try:
        return _nul_in(json.loads(body))
    except ValueError:
        return None  # not JSON: the endpoint says so


def _nul_refused(request, field: str):
    return _error(request, 422, "invalid", _("The input is not valid."), [
        {"field": field, "reason": "nul_character",
         "message": _("Text cannot contain the NUL character.")}])


def refusing_nul(view):
    """The view, answering 422 naming the field when any text input holds NUL."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        field = _nul_field(request, kwargs)
        if field is not None:
            return _nul_refused(request, field)
        return view(request, *args, **kwargs)

    return checked


def openapi_json(request) -> HttpResponse:
    schema = api.get_openapi_schema()
    body = json.dumps(schema, cls=NinjaJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def docs_page(request) -> HttpResponse:
    # ninja's bundled swagger-ui, served from our static files ("ninja" is an installed app).
    return api.docs.render_page(request, api)


def unknown_endpoint(request, rest: str = "") -> HttpResponse:
    return _not_found(request, Http404())


def direct_post(view, schema, auth) -> callable:
    """A plain Django view for one busy JSON POST endpoint, matched before ninja's route for
    the same path (which still documents it in OpenAPI). ninja's own request handling cost
    a gate scan a tenth of its time (docs/decisions.md). What a client sees is the same:
    the same auth callbacks in order, the payload schema, the same endpoint function, and
    every error through the API's exception handlers."""

    @csrf_exempt  # as ninja's views: SignedInSession checks CSRF itself, a bearer needs none
    @refusing_nul
    def endpoint(request):
        if request.method != "POST":
            return _error(request, 405, "method_not_allowed", _("Method not allowed."))
        try:
            _authenticate(request, auth)
            return view(request, _payload(request, schema))
        except Exception as exc:  # noqa: BLE001 (mapped as ninja maps them, or re-raised)
            return api.on_exception(request, exc)

    return endpoint


def _authenticate(request, callbacks) -> None:
    for callback in callbacks:
        result = callback(request)
        if result:
            request.auth = result
            return
    raise AuthenticationError()


def _payload(request, schema):
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        raise HttpError(400, "Cannot parse request body") from None
    try:
        return schema.model_validate(data)
    except PydanticValidationError as bad:
        raise NinjaValidationError([
            {**e, "loc": ("body", "payload", *e["loc"])}
            for e in bad.errors(include_url=False, include_context=False)]) from None


def api_urls():
    """What shaodian/urls.py includes at api/v1/: our openapi.json, ninja's routes (each
    refusing NUL in its text), and a JSON 404 for any other path under it."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = refusing_nul(pattern.callback)
    return [
        path("openapi.json", openapi_json, name="openapi-json"),
        *patterns,
        re_path(r"^(?P<rest>.*)$", unknown_endpoint),
    ], app_name, namespace
