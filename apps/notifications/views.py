"""The inbox (each user's own: unread first, mark one or all read, the top bar's count), the
delivery status of outside messages (scoped), and the user's and school's channels."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.access.rules import has_perm_anywhere, school_ids_granted
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pagination import CappedPaginator
from apps.notifications import selectors, services
from apps.notifications.forms import ChannelForm, DeliveryFilterForm, SchoolChannelForm
from apps.notifications.models import Channel
from apps.orgs.models import School

PAGE_SIZE = 30


@login_required
@require_GET
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    rows = selectors.inbox(user=request.user, unread_only=unread_only)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {
        "page": page, "unread_only": unread_only,
        "unread": selectors.unread_count(user=request.user)})


@login_required
@require_GET
def badge(request):
    """The top bar's unread count (htmx polls it)."""
    return render(request, "notifications/_badge.html", _badge_context(request.user))


def _badge_context(user) -> dict:
    count = selectors.unread_count(user=user)
    return {"unread": count, "cap": selectors.UNREAD_CAP}


@login_required
@require_GET
def open_notification(request, pk: int):
    """Mark it read and go where it points (a path inside Shaodian only)."""
    note = selectors.inbox_get(user=request.user, pk=pk)
    services.notification_mark_read(user=request.user, notification_id=note.pk)
    if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts=None) \
            and note.link.startswith("/") and not note.link.startswith("//"):
        return redirect(note.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read(request, pk: int):
    note = selectors.inbox_get(user=request.user, pk=pk)
    services.notification_mark_read(user=request.user, notification_id=note.pk)
    if not request.htmx:
        return redirect("notifications:inbox")
    note.refresh_from_db()
    note.unread = 0
    return render(request, "notifications/_item_read.html",
                  {"note": note, **_badge_context(request.user)})


@login_required
@require_POST
def read_all(request):
    count = services.notification_mark_all_read(user=request.user)
    messages.success(request, _("%(n)d notifications marked read.") % {"n": count})
    return redirect("notifications:inbox")


# Delivery status -----------------------------------------------------------------------


@login_required
@require_GET
def deliveries(request):
    if not has_perm_anywhere(request.user, "notifications.deliveries"):
        raise Http404
    form = DeliveryFilterForm(request.GET)
    form.is_valid()
    f = form.cleaned_data
    note = request.GET.get("notification", "")
    rows = selectors.deliveries(user=request.user, status=f.get("status", ""),
                                channel=f.get("channel", ""), kind=f.get("kind", ""),
                                notification_id=int(note) if note.isdigit() else None)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.delivery_counts(selectors.deliveries(
        user=request.user, channel=f.get("channel", ""), kind=f.get("kind", "")))
    return render(request, "notifications/deliveries.html",
                  {"form": form, "page": page, "counts": counts})


# Channels ------------------------------------------------------------------------------


def _configurable_schools(user):
    ids = school_ids_granted(user, "notifications.channels")
    return list(School.objects.filter(pk__in=ids).order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def channels(request):
    schools = _configurable_schools(request.user)
    posted = request.POST.get("form") if request.method == "POST" else None
    own = ChannelForm(request.POST if posted == "own" else None, prefix="own")
    school = SchoolChannelForm(request.POST if posted == "school" else None, prefix="school",
                               schools=schools) if schools else None
    form = own if posted == "own" else school if posted == "school" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.channel_add(
                actor=request.user, kind=data["kind"], address=data["address"],
                school_id=data.get("school"), label=data["label"],
                kinds=data["kinds"].split(","), min_severity=data["min_severity"],
                language=data["language"], secret=data.get("secret", ""))
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The channel is added."))
            return redirect("notifications:channels")
    return render(request, "notifications/channels.html", {
        "own_form": own, "school_form": school,
        "own_channels": selectors.own_channels(user=request.user),
        "school_channels": selectors.school_channels(user=request.user) if schools else [],
    }, status=400 if form is not None else 200)


@login_required
@require_POST
def channel_remove(request, pk: int):
    try:
        services.channel_remove(actor=request.user, channel_id=pk)
    except Channel.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The channel is removed."))
    return redirect("notifications:channels")
