"""Small pieces pages of every app share, with no domain: going back to the page a form was
posted from, a change made from a button whose errors become messages, and a form posted on
an object's page whose errors land on the form's fields."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from apps.core.errors import ValidationFailed, form_add_errors


def back_url(request, default: str) -> str:
    """The form's `back` field when it is a page of this site, else the URL named `default`."""
    back = request.POST.get("back", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}):
        return back
    return reverse(default)


def errors_as_messages(request, exc: ValidationFailed) -> None:
    for error in exc.errors:
        messages.error(request, error.message)


def change_and_back(request, change, done: str, default: str):
    """Run `change()`; its errors (or `done`) as messages, then back to the page."""
    try:
        change()
    except ValidationFailed as exc:
        errors_as_messages(request, exc)
    else:
        messages.success(request, done)
    return redirect(back_url(request, default))


def form_submit(request, *, form, call, done: str, success_url: str, page, rename=None):
    """A form posted on an object's page: when it is valid, `call(cleaned_data)`; the
    service's refusals land on the form's fields (`rename`: service field -> form field).
    Success: `done` as a message and a redirect to `success_url`; otherwise `page(form)`,
    the page again with the form and its errors, answered 400."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc, rename=rename)
        else:
            messages.success(request, done)
            return redirect(success_url)
    response = page(form)
    response.status_code = 400
    return response


def form_page(request, *, form, page, may_post: bool, **submit):
    """A page that draws a form and takes its post: a GET is `page(form)`; a post by whoever
    may not make it is a 404 (as if there were nothing to post to); else form_submit."""
    if request.method == "GET":
        return page(form)
    if not may_post:
        raise Http404
    return form_submit(request, form=form, page=page, **submit)


def object_form_submit(request, obj, *, key: str, form, call, done: str, url_name: str,
                       template: str, context, rename=None):
    """A form posted on an object's detail page (`url_name` with the object's pk, drawn by
    `template` from `context(request, obj, **forms)`): `call(obj, cleaned_data)` when valid,
    else the page again with the form given as `key` and its errors (form_submit)."""
    return form_submit(
        request, form=form, call=lambda data: call(obj, data), done=done, rename=rename,
        success_url=reverse(url_name, args=[obj.pk]),
        page=lambda f: render(request, template, context(request, obj, **{key: f})))


def print_page(request, template: str, context: dict, *, meta: list[tuple], xlsx_url: str = "",
               back_url: str = ""):
    """A page extending web/print.html: its header's (label, value) pairs, the link to the
    same list as a workbook, the page to go back to, and when it was printed."""
    return render(request, template, {**context, "meta": meta, "xlsx_url": xlsx_url,
                                      "back_url": back_url, "printed_at": timezone.now()})
