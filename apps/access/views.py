"""The access-log page (who looked at full ID numbers, health or travel data in the schools
the admin answers for, filtered, paged, and exported to Excel) and the roles pages (who holds
which role in a bureau's area or a school, granted, ended and revoked by the delegation
rule)."""

import io

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.access import appointments, forms, selectors
from apps.access.forms import LogFilterForm
from apps.access.rules import has_org_perm
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pages import back_url, change_and_back
from apps.core.pagination import CappedPaginator
from apps.core.routers import reads_from_replica

EXPORT_ROWS = 100_000  # a longer log is narrowed by its filters first


def _form(request) -> LogFilterForm:
    if not has_org_perm(request.user, "access.view_log"):
        raise Http404
    return LogFilterForm(request.GET or None, user=request.user)


@login_required
@require_GET
@reads_from_replica
def log_list(request):
    form = _form(request)
    rows = selectors.access_log(user=request.user, filters=form.filters())
    page = CappedPaginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "access/log.html", {
        "form": form, "page": page, "actions": selectors.ACTIONS, "query": query.urlencode()})


@login_required
@require_GET
def log_export(request):
    form = _form(request)
    rows = selectors.access_log(user=request.user, filters=form.filters())[:EXPORT_ROWS]
    response = HttpResponse(_workbook(rows), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="access-log-{day}.xlsx"'
    return response


def _workbook(rows) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet(_("Access log"))
    header = [_("When"), _("Who"), _("What"), _("School"), _("Record"), _("Fields"),
              _("Reason"), _("IP address")]
    sheet.write_row(0, 0, header, book.add_format({"bold": True}))
    for n, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        sheet.write_row(n, 0, [
            timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
            str(row.user) if row.user else "", str(selectors.ACTIONS.get(row.action, row.action)),
            row.school_id or "", f"{row.object_type}:{row.object_id}", row.fields, row.reason,
            row.ip or ""])
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 7, 16)
    book.close()
    return out.getvalue()


# Roles: one page per scope (a bureau's area, a school) listing who holds what, with grant,
# revoke and end-date forms. Every row is re-read through the scope layer
# (access.manage_roles) first: out of scope is a 404, as nothing there.

PAGE_SIZE = 50


def _require_manager(user) -> None:
    if not has_org_perm(user, selectors.MANAGE):
        raise Http404


@login_required
@require_GET
def roles_home(request):
    """The scopes whose roles the user keeps: straight there when there is one."""
    _require_manager(request.user)
    bureaus, schools = selectors.role_scopes(user=request.user)
    if len(bureaus) + len(schools) == 1:
        return redirect(*(("access:bureau_roles", bureaus[0].pk) if bureaus else
                          ("access:school_roles", schools[0].pk)))
    return render(request, "access/roles_home.html", {"bureaus": bureaus, "schools": schools})


def _grant(request, data: dict, *, school=None) -> None:
    user = data.get("user") or appointments.user_by_username(
        granter=request.user, username=data.get("username", ""), school=school)
    appointments.role_grant(
        granter=request.user, user=user or 0, role=data["role"], bureau=data.get("bureau"),
        school=data.get("school") or school, unit=data.get("unit"), klass=data.get("klass"),
        hospital=data.get("hospital"), ends_on=data.get("ends_on"))


def _grant_page(request, form, *, school=None) -> bool:
    """POST: the grant made (True), or its errors on the form's fields."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        _grant(request, form.cleaned_data, school=school)
    except ValidationFailed as exc:
        rename = {} if "user" in form.fields else {"user": "username"}
        form_add_errors(form, exc, rename=rename)
        return False
    messages.success(request, _("The role is granted."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def bureau_roles(request, pk: int):
    bureau = selectors.bureau_managed(user=request.user, pk=pk)
    form = forms.RoleGrantForm(request.POST or None, **selectors.bureau_grant_choices(
        user=request.user, bureau=bureau))
    if _grant_page(request, form):
        return redirect("access:bureau_roles", pk=bureau.pk)
    role = request.GET.get("role", "")
    holders = selectors.bureau_holders(user=request.user, bureau=bureau, role=role)
    page = CappedPaginator(holders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/roles_bureau.html", {
        "bureau": bureau, "form": form, "page": page, "role": role,
        "rows": selectors.with_changes(user=request.user, holders=page.object_list),
        "children": selectors.bureau_children_managed(user=request.user, bureau=bureau),
        "role_filters": selectors.BUREAU_PAGE_ROLES},
        status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def school_roles(request, pk: int):
    school = selectors.school_managed(user=request.user, pk=pk)
    form = forms.RoleGrantForm(request.POST or None, **selectors.school_grant_choices(
        user=request.user, school=school))
    if _grant_page(request, form, school=school):
        return redirect("access:school_roles", pk=school.pk)
    holders = selectors.school_holders(user=request.user, school=school)
    return render(request, "access/roles_school.html", {
        "school": school, "form": form,
        "rows": selectors.with_changes(user=request.user, holders=holders)},
        status=400 if request.method == "POST" else 200)


def _back(request) -> str:
    """Back to the roles page the form was on (only a page of this site's roles)."""
    return back_url(request, "access:roles")


def _change(request, change, done: str):
    return change_and_back(request, change, done, "access:roles")


@login_required
@require_POST
def role_revoke(request, pk: int):
    assignment = appointments.assignment_in_scope(request.user, pk)
    return _change(request, lambda: appointments.role_revoke(
        revoker=request.user, assignment=assignment), _("The role is revoked."))


@login_required
@require_POST
def role_end(request, pk: int):
    assignment = appointments.assignment_in_scope(request.user, pk)
    form = forms.RoleEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date, or leave it empty for no end."))
        return redirect(_back(request))
    return _change(request, lambda: appointments.role_end_set(
        actor=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"]),
        _("The end date is saved."))


@login_required
@require_POST
def teacher_revoke(request, pk: int):
    klass = selectors.class_managed(user=request.user, pk=pk)
    return _change(request, lambda: appointments.class_teacher_revoke(
        revoker=request.user, klass=klass), _("The class has no class teacher now."))
