"""Trigger response times printed and exported: the triggers of one alert that the user sees
(a bureau's schools, late ones first, as on the alert's page) or of one school (newest first,
as on the trigger list), each with its 30-minute clock: fired, deadline, acknowledged, the
minutes it took and the state. Scoped as those pages are; each print and workbook is one
access-log row naming the alert or the school."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET

from apps.access.audit import access_output
from apps.core.pages import print_page
from apps.core.sheets import Sheet, meta_lines, xlsx_response
from apps.emergency import selectors
from apps.emergency.models import Alert
from apps.emergency.selectors import TriggerState
from apps.orgs.models import School

FIELDS = "school,kind,fired,deadline,acknowledged,acknowledged_by,decision,traced"
HEADERS = ("#", gettext_lazy("School"), gettext_lazy("Trigger"), gettext_lazy("Area"),
           gettext_lazy("Fired"), gettext_lazy("Deadline"), gettext_lazy("Acknowledged"),
           gettext_lazy("Minutes to acknowledge"), gettext_lazy("State"),
           gettext_lazy("Acknowledged by"), pgettext_lazy("trigger", "Decision"),
           gettext_lazy("Traced"))
STATES = {TriggerState.WAITING: gettext_lazy("Waiting"),
          TriggerState.LATE: pgettext_lazy("response", "Late"),
          TriggerState.ON_TIME: gettext_lazy("On time"),
          TriggerState.ACK_LATE: gettext_lazy("Acknowledged late")}


def _stamp(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(n: int, trigger, now) -> tuple:
    took = (round((trigger.acknowledged_at - trigger.fired_at).total_seconds() / 60, 1)
            if trigger.acknowledged_at else "")
    by = trigger.acknowledged_by
    return (n, trigger.school.name + (f" ({_('drill')})" if trigger.drill else ""),
            trigger.get_kind_display(), trigger.alert.region.full_name, _stamp(trigger.fired_at),
            _stamp(trigger.deadline), _stamp(trigger.acknowledged_at), took,
            str(STATES[selectors.trigger_state(trigger, now)]),
            (by.display_name or by.username) if by else "",
            trigger.get_mode_decision_display(), trigger.traced_count)


def _found(request, output: str) -> dict:
    """The alert (?alert=) or the school (?school=) asked for, its triggers the user sees and
    their rows; nothing the user may see (or neither asked): 404, before anything is logged."""
    alert_id, school_id = request.GET.get("alert", ""), request.GET.get("school", "")
    if not (alert_id or school_id) or any(v and not v.isdigit() for v in (alert_id, school_id)):
        raise Http404
    triggers = (selectors.alert_schools(user=request.user, alert_id=int(alert_id)) if alert_id
                else selectors.trigger_list(user=request.user))
    obj = school = None
    if school_id:  # a school asked for must be one the user sees, alone or within the alert
        school = obj = School.objects.restrict(request.user, "emergency.view").filter(
            pk=int(school_id)).first()
        triggers = triggers.filter(school_id=int(school_id))
    if alert_id:
        obj = Alert.objects.select_related("region").filter(pk=int(alert_id)).first()
    query = "?" + "&".join(f"{k}={v}" for k, v in (("alert", alert_id), ("school", school_id))
                           if v)
    triggers = (list(triggers.select_related("acknowledged_by"))
                if obj is not None and (school is not None or not school_id) else [])
    if not triggers:
        raise Http404
    now = timezone.now()
    rows = [_row(n, t, now) for n, t in enumerate(triggers, 1)]
    access_output(request=request, output=output, obj=obj, fields=FIELDS, rows=len(rows))
    acked = [r[7] for r in rows if r[7] != ""]
    on_time = sum(1 for t in triggers if selectors.trigger_state(t, now) == TriggerState.ON_TIME)
    if isinstance(obj, Alert):
        meta = [(_("Area"), obj.region.full_name),
                (_("Opened"), _stamp(obj.opened_at))]
        back = reverse("emergency:alert_detail", args=[obj.pk])
    else:
        meta = [(_("School"), obj.name)]
        back = reverse("emergency:triggers")
    meta += [(pgettext("count", "Triggers"), len(rows)), (_("Acknowledged"), len(acked)),
             (_("On time"), on_time),
             (_("Longest to acknowledge (minutes)"), max(acked) if acked else "—")]
    return {"obj": obj, "alert": obj if isinstance(obj, Alert) else None, "rows": rows,
            "meta": meta, "query": query, "back": back}


@login_required
@require_GET
def responses_print(request):
    found = _found(request, "print")
    return print_page(request, "emergency/triggers/responses_print.html",
                      {**found, "headers": HEADERS}, meta=found["meta"],
                      xlsx_url=reverse("emergency:trigger_responses_xlsx") + found["query"],
                      back_url=found["back"])


@login_required
@require_GET
def responses_xlsx(request):
    found = _found(request, "xlsx")
    name = (f"alert-{found['obj'].pk}" if found["alert"] else f"school-{found['obj'].pk}")
    return xlsx_response(filename=f"trigger-response-times-{name}", sheets=[Sheet(
        _("Response times"), HEADERS, found["rows"],
        widths=(5, 24, 22, 22, 16, 16, 16, 10, 12, 12, 12, 8),
        lead=meta_lines(found["meta"]))])
