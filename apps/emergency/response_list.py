"""Trigger response times as a list: the triggers of one alert that the user sees (a
bureau's schools, late ones first, as on the alert's page; an alert reaches every school of
the province, some 51,000) or of one school (newest first, as on the trigger list), each
with its 30-minute clock: fired, deadline, acknowledged, the minutes it took and the state.
The print page shows the first PRINT_LIMIT; the workbook holds them all and is written by
the worker (apps.reports.exports: `check` in the request, `build` in the worker). The
counts above both are summed by the database, over every trigger."""

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from apps.core.sheets import Sheet, meta_lines
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
PRINT_LIMIT = 2000  # a printed list longer than this is read as the workbook
CHUNK = 2000


def _stamp(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def row(n: int, trigger, now) -> tuple:
    took = (round((trigger.acknowledged_at - trigger.fired_at).total_seconds() / 60, 1)
            if trigger.acknowledged_at else "")
    by = trigger.acknowledged_by
    return (n, trigger.school.name + (f" ({_('drill')})" if trigger.drill else ""),
            trigger.get_kind_display(), trigger.alert.region.full_name, _stamp(trigger.fired_at),
            _stamp(trigger.deadline), _stamp(trigger.acknowledged_at), took,
            str(STATES[selectors.trigger_state(trigger, now)]),
            (by.display_name or by.username) if by else "",
            trigger.get_mode_decision_display(), trigger.traced_count)


def scoped(*, user, params: dict) -> dict:
    """The alert (`alert`) or the school (`school`) asked for and its triggers the user
    sees (a queryset); nothing the user may see (or neither asked): 404."""
    alert_id, school_id = str(params.get("alert") or ""), str(params.get("school") or "")
    if not (alert_id or school_id) or any(v and not v.isdigit() for v in (alert_id, school_id)):
        raise Http404
    triggers = (selectors.alert_schools(user=user, alert_id=int(alert_id)) if alert_id
                else selectors.trigger_list(user=user))
    obj = school = None
    if school_id:  # a school asked for must be one the user sees, alone or within the alert
        school = obj = School.objects.restrict(user, "emergency.view").filter(
            pk=int(school_id)).first()
        triggers = triggers.filter(school_id=int(school_id))
    if alert_id:
        obj = Alert.objects.select_related("region").filter(pk=int(alert_id)).first()
    if obj is None or (school_id and school is None) or not triggers.exists():
        raise Http404
    query = "?" + "&".join(f"{k}={v}" for k, v in (("alert", alert_id), ("school", school_id))
                           if v)
    return {"obj": obj, "alert": obj if isinstance(obj, Alert) else None, "query": query,
            "triggers": triggers.select_related("acknowledged_by")}


def meta(found: dict) -> tuple[list[tuple], int]:
    """The header (the alert's area or the school, and the counts of every trigger) and how
    many triggers there are."""
    obj, took = found["obj"], ExpressionWrapper(F("acknowledged_at") - F("fired_at"),
                                                output_field=DurationField())
    counts = found["triggers"].order_by().aggregate(
        total=Count("id"), acked=Count("id", filter=Q(acknowledged_at__isnull=False)),
        on_time=Count("id", filter=Q(acknowledged_at__lte=F("deadline"))), longest=Max(took))
    pairs = ([(_("Area"), obj.region.full_name), (_("Opened"), _stamp(obj.opened_at))]
             if found["alert"] else [(_("School"), obj.name)])
    longest = counts["longest"]
    return pairs + [(pgettext("count", "Triggers"), counts["total"]),
                    (_("Acknowledged"), counts["acked"]), (_("On time"), counts["on_time"]),
                    (_("Longest to acknowledge (minutes)"),
                     round(longest.total_seconds() / 60, 1) if longest is not None else "—")
                    ], counts["total"]


def check(*, user, params: dict) -> None:
    scoped(user=user, params=params)


def build(*, user, params: dict, progress):
    """In the worker: every trigger's row, read in chunks, the bar stepping as it goes."""
    from apps.reports.exports import Built

    found = scoped(user=user, params=params)
    lines, total = meta(found)
    bar, now, rows = progress(total), timezone.now(), []
    for n, trigger in enumerate(found["triggers"].iterator(chunk_size=CHUNK), 1):
        rows.append(row(n, trigger, now))
        bar.step(n)
    name = f"alert-{found['obj'].pk}" if found["alert"] else f"school-{found['obj'].pk}"
    sheet = Sheet(_("Response times"), HEADERS, rows,
                  widths=(5, 24, 22, 22, 16, 16, 16, 10, 12, 12, 12, 8), lead=meta_lines(lines))
    return Built(filename=f"trigger-response-times-{name}", sheets=[sheet], obj=found["obj"],
                 fields=FIELDS, rows=len(rows))
