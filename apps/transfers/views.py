"""Transfer pages: the list of transfers touching the user's schools with the request form
(a student number of one's school and the receiving school's code), and one transfer with
the receiving school's accept and refuse forms and the sender's cancel form.

Rows are read through the scope layer, so a transfer out of scope is a 404 like one that
does not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.access.rules import has_org_perm
from apps.core.errors import FieldError, ValidationFailed, form_add_errors
from apps.core.pages import object_form_submit
from apps.core.pagination import CappedPaginator
from apps.orgs.models import School
from apps.people.models import Person, PersonKind
from apps.transfers import forms, selectors, services
from apps.transfers.selectors import MANAGE, VIEW

PAGE_SIZE = 50
RENAME = {"person_id": "number", "to_school_id": "to_school_code", "to_class_id": "to_class",
          "transfer_id": None}


def _require(user, perm: str) -> None:
    if not has_org_perm(user, perm):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def transfer_list(request):
    """Transfers touching the user's schools (sending or receiving), newest first; a school
    admin asks for one here."""
    _require(request.user, VIEW)
    manage = has_org_perm(request.user, MANAGE)
    filters = forms.TransferFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    form = forms.TransferRequestForm(request.POST or None) if manage else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                transfer = _request(request.user, form.cleaned_data)
            except ValidationFailed as exc:
                form_add_errors(form, exc, rename=RENAME)
            else:
                messages.success(request, _("The transfer was requested."))
                return redirect("transfers:detail", pk=transfer.pk)
    page = CappedPaginator(selectors.transfer_list(user=request.user, state=state),
                           PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "transfers/list.html",
                  {"page": page, "filters": filters, "form": form},
                  status=400 if request.method == "POST" else 200)


def _request(user, data):
    """The student by number among the user's students, the school by its code."""
    people = Person.objects.restrict(user, MANAGE).filter(kind=PersonKind.STUDENT,
                                                          number=data["number"].strip())
    found = list(people.values_list("pk", flat=True)[:2])
    if len(found) != 1:
        raise ValidationFailed([FieldError("number", "not_found", _(
            "No student of your school has this number.") if not found else _(
            "Several of your schools have a student with this number: ask by API with the id."))])
    school = School.objects.filter(code=data["to_school_code"].strip()).first()
    if school is None:
        raise ValidationFailed([FieldError("to_school_code", "not_found",
                                           _("No school of the province has this code."))])
    return services.transfer_request(actor=user, person_id=found[0], to_school_id=school.pk,
                                     reason=data["reason"])


def _detail_context(request, transfer, **forms_given) -> dict:
    receiving = transfer.is_open and selectors.receiving(user=request.user, transfer=transfer)
    sending = transfer.is_open and selectors.sending(user=request.user, transfer=transfer)
    classes = selectors.receiving_classes(transfer=transfer)
    return {
        "transfer": transfer, "receiving": receiving, "sending": sending,
        "accept_form": forms_given.get("accept") or forms.TransferAcceptForm(classes=classes),
        "refuse_form": forms_given.get("refuse") or forms.TransferRefuseForm(),
        "cancel_form": forms_given.get("cancel") or forms.TransferCancelForm(),
        "history": transfer.history.select_related("history_user").order_by("history_date"),
    }


@login_required
@require_http_methods(["GET"])
def transfer_detail(request, pk: int):
    _require(request.user, VIEW)
    transfer = selectors.transfer_get(user=request.user, pk=pk)
    return render(request, "transfers/detail.html", _detail_context(request, transfer))


def _decide(request, pk: int, key: str, form, call, message: str):
    _require(request.user, MANAGE)
    return object_form_submit(
        request, selectors.transfer_get(user=request.user, pk=pk), key=key, form=form,
        call=call, done=message, url_name="transfers:detail", template="transfers/detail.html",
        context=_detail_context, rename=RENAME)


@login_required
@require_POST
def transfer_accept(request, pk: int):
    transfer = selectors.transfer_get(user=request.user, pk=pk)
    form = forms.TransferAcceptForm(request.POST,
                                    classes=selectors.receiving_classes(transfer=transfer))
    return _decide(request, pk, "accept", form, lambda t, d: services.transfer_accept(
        actor=request.user, transfer_id=t.pk, to_class_id=d["to_class"].pk, number=d["number"]),
        _("The student was taken into the class."))


@login_required
@require_POST
def transfer_refuse(request, pk: int):
    return _decide(request, pk, "refuse", forms.TransferRefuseForm(request.POST),
                   lambda t, d: services.transfer_refuse(actor=request.user, transfer_id=t.pk,
                                                         reason=d["reason"]),
                   _("The transfer was refused."))


@login_required
@require_POST
def transfer_cancel(request, pk: int):
    return _decide(request, pk, "cancel", forms.TransferCancelForm(request.POST),
                   lambda t, d: services.transfer_cancel(actor=request.user, transfer_id=t.pk,
                                                         reason=d["reason"]),
                   _("The transfer was cancelled."))
