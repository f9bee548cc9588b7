"""Status pages: a "regimen not completed" mark, with the form that clears it by a recorded
decision for those who may (status.clear_mark: the person's class teacher, unit lead, the
school's epidemic office). The mark itself shows on the person page's status block."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.core.errors import ValidationFailed
from apps.status import selectors, services
from apps.status.forms import MarkClearForm


@login_required
@require_http_methods(["GET", "POST"])
def mark(request, pk: int):
    found = selectors.mark_get(user=request.user, pk=pk)
    may_clear = selectors.may_clear_mark(user=request.user, mark=found)
    form = MarkClearForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        found = selectors.mark_get(user=request.user, pk=pk, perm="status.clear_mark")
        if form.is_valid():
            try:
                services.regimen_mark_clear(actor=request.user, mark_id=found.pk,
                                            reason=form.cleaned_data["reason"])
            except ValidationFailed as exc:
                for error in exc.errors:
                    form.add_error("reason" if error.field == "reason" else None, error.message)
            else:
                messages.success(request, _("The mark is cleared and the decision recorded."))
                return redirect("web:person_detail", pk=found.person_id)
        status = 400
    return render(request, "status/mark.html", {
        "mark": found, "may_clear": may_clear, "form": form}, status=status)
