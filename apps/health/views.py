"""Daily health pages: the phone check-in (one tap for "healthy, no change", the full form
otherwise), the class teacher's live roll (htmx, every 30 s) with the flags, completion of a
school by class and unit, of a bureau by school, and today's abnormal list with the 14-day
trend (Chart.js)."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from apps.access.audit import access_output, access_view
from apps.access.rules import has_org_perm, has_perm_at
from apps.core.crypto import keyed_hash
from apps.core.errors import FieldError, ValidationFailed
from apps.core.pages import print_page
from apps.core.routers import reads_from_replica
from apps.core.sheets import Sheet, meta_lines, xlsx_response
from apps.health import conf, selectors, services
from apps.health.models import SYMPTOM_LABELS, Slot
from apps.health.rules import rules_for_school
from apps.orgs.models import School
from apps.people.models import Person, Residence
from apps.people.selectors import search_filter

DEVICE_COOKIE = "shaodian_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600
CHOOSER_LIMIT = 60
FORM_FIELDS = ("temperature", "symptoms", "region", "household_symptoms", "household_travel",
               "note", "slot", "client_id")


def device_hash(request) -> str:
    """A keyed hash of the device's cookie: the same phone submitting for many people is
    visible to the class teacher, the cookie itself is never stored."""
    token = request.COOKIES.get(DEVICE_COOKIE) or getattr(request, "_new_device", "")
    return keyed_hash(f"device:{token}") if token else ""


def _remember_device(request, response):
    if not request.COOKIES.get(DEVICE_COOKIE) and getattr(request, "_new_device", ""):
        response.set_cookie(DEVICE_COOKIE, request._new_device, max_age=DEVICE_COOKIE_AGE,
                            httponly=True, samesite="Lax", secure=request.is_secure())
    return response


# Check-in -------------------------------------------------------------------------------


def _checkable(user):
    return Person.objects.restrict(user, "health.checkin").filter(active=True)


def _person_for(request) -> tuple[Person | None, list[Person]]:
    """The person being checked in, or None and the people to choose from."""
    persons = _checkable(request.user).select_related("school", "klass")
    chosen = request.GET.get("person") or request.POST.get("person")
    if chosen:
        if not str(chosen).isdigit():
            raise Http404
        return get_object_or_404(persons, pk=int(chosen)), []
    q = request.GET.get("q", "").strip()
    if q:
        persons = persons.filter(search_filter(q))
    shown = list(persons.order_by("school_id", "klass_id", "number", "pk")[:CHOOSER_LIMIT + 1])
    if len(shown) == 1 and not q:
        return shown[0], []
    return None, shown


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request):
    if not request.COOKIES.get(DEVICE_COOKIE):
        request._new_device = uuid.uuid4().hex
    person, choices = _person_for(request)
    if person is None:
        return _remember_device(request, render(request, "health/choose.html", {
            "persons": choices[:CHOOSER_LIMIT], "more": len(choices) > CHOOSER_LIMIT,
            "q": request.GET.get("q", "")}))
    if request.method == "POST":
        response = _checkin_post(request, person)
    else:
        response = _checkin_page(request, person, {})
    return _remember_device(request, response)


def _checkin_post(request, person: Person):
    post = request.POST
    quick = post.get("quick") == "1"
    values = {
        "slot": post.get("slot", ""), "temperature": post.get("temperature", ""),
        "symptoms": post.getlist("symptoms"), "region": post.get("region", ""),
        "household_symptoms": post.get("household_symptoms", ""),
        "household_travel": post.get("household_travel", ""), "note": post.get("note", ""),
    }
    try:
        if quick:
            values = _healthy_no_change(values, person)
        row = services.checkin_submit(actor=request.user, person=person,
                                      client_id=post.get("client_id", "")[:64],
                                      device=device_hash(request), **values)
    except ValidationFailed as exc:
        return _checkin_page(request, person, values, errors=exc.errors, status=400)
    messages.success(request, _("%(name)s: %(slot)s check recorded, %(temperature)s °C.") % {
        "name": person.name, "slot": Slot(row.slot).label, "temperature": row.temperature})
    if row.late:
        messages.warning(request, _(
            "Submitted at %(time)s, after the %(slot)s check was due at %(due)s: it is "
            "recorded as late, and the class teacher sees it as late.") % {
            "time": f"{timezone.localtime(row.submitted_at):%H:%M}", "slot": Slot(row.slot).label,
            "due": f"{timezone.localtime(conf.due_at(row.day, row.slot)):%H:%M}"})
    return redirect(f"{reverse('health:checkin')}?person={person.pk}&slot={row.slot}")


def _healthy_no_change(values: dict, person: Person) -> dict:
    """The one tap: no symptoms, and for a day student no household symptoms or travel. It is
    an explicit answer; if the full form says otherwise, the tap is refused rather than
    overriding what was ticked."""
    ticked = values["symptoms"] or values["household_symptoms"] in ("yes", "1") \
        or values["household_travel"] in ("yes", "1")
    if ticked:
        raise ValidationFailed([FieldError("quick", "contradicts_form", _(
            "You ticked symptoms or a household change: use “Submit these answers”."))])
    household = "no" if services.is_day_student(person) else ""
    return {**values, "symptoms": [], "household_symptoms": household,
            "household_travel": household}


def _checkin_page(request, person, values: dict, *, errors=None, status=200):
    now = timezone.now()
    today = timezone.localdate(now)
    rules = rules_for_school(person.school_id)
    slots = rules.slots_for(person.residence)
    # The check asked for (the home page's button names it) if it has opened, else the
    # person's latest check that has opened (a day student's noon check in the evening).
    asked = request.GET.get("slot", "")
    if asked not in slots or not conf.slot_is_open(asked, now):
        asked = ""
    slot = values.get("slot") or asked or conf.latest_open(slots, now) or conf.current_slot(now)
    errors = errors or []
    done = {c.slot: c for c in selectors.person_checkins(user=request.user, person=person,
                                                         today=today, days=1)}
    return render(request, "health/checkin.html", {
        "person": person, "values": values, "slot": slot, "slot_label": Slot(slot).label,
        "slot_due": slot in slots, "today_slots": [(s, Slot(s).label, done.get(s)) for s in slots],
        "late_now": slot in slots and slot not in done and now > conf.due_at(today, slot),
        "due": conf.due_at(today, slot),
        "symptoms": list(SYMPTOM_LABELS.items()), "day_student": services.is_day_student(person),
        "client_id": uuid.uuid4().hex,
        "errors": {f: [e.message for e in errors if e.field.split(".")[0] == f]
                   for f in (*FORM_FIELDS, "quick")},
        "other_errors": [e.message for e in errors
                         if e.field.split(".")[0] not in (*FORM_FIELDS, "quick")],
        "choose_other": _checkable(request.user).exclude(pk=person.pk).exists(),
    }, status=status)


# Class teacher ---------------------------------------------------------------------------


def _slot_arg(request) -> str:
    slot = request.GET.get("slot") or conf.current_slot()
    return slot if slot in Slot.values else conf.current_slot()


@login_required
@require_GET
def teacher(request):
    classes = list(selectors.classes_for(request.user)[:200])
    if not classes:
        raise Http404
    chosen = request.GET.get("klass", "")
    klass = next((c for c in classes if str(c.pk) == chosen), classes[0])
    return render(request, "health/teacher.html", {
        "classes": classes, "klass": klass, "slots": Slot.choices,
        "poll_seconds": getattr(settings, "SHAODIAN_CHECKIN_ROLL_POLL_SECONDS", 30),
        **_roll_context(request, klass)})


@login_required
@require_GET
def roll(request, pk: int):
    """The roll of a class for a slot: the part of the teacher's page htmx refreshes."""
    klass = selectors.class_get(user=request.user, pk=pk)
    return render(request, "health/_roll.html", _roll_context(request, klass))


def _roll_context(request, klass) -> dict:
    access_view(request=request, action="view_health", obj=klass, fields="checkins")
    now = timezone.now()
    day, slot = timezone.localdate(now), _slot_arg(request)
    return {
        "klass": klass, "slot": slot,
        "roll": selectors.class_roll(user=request.user, klass=klass, day=day, slot=slot,
                                     now=now),
        "flags": selectors.class_flags(user=request.user, klass=klass, day=day, slot=slot),
        "now": now, "due": conf.due_at(day, slot),
    }


# Completion ------------------------------------------------------------------------------


@login_required
@require_GET
def school(request):
    schools = School.objects.restrict(request.user, "health.view").order_by("name")
    chosen = request.GET.get("school", "")
    found = schools.filter(pk=int(chosen)).first() if chosen.isdigit() else schools.first()
    if found is None:
        raise Http404
    day = timezone.localdate()
    slots = rules_for_school(found.pk).slots_for("boarder")
    return render(request, "health/school.html", {
        "school": found, "day": day, "several": schools[:2].count() > 1,
        "slots": [(s, Slot(s).label, selectors.school_completion(
            user=request.user, school=found, day=day, slot=s)) for s in slots],
    })


def _region_level(user) -> bool:
    return has_perm_at(user, "health.view", ("region",))


@login_required
@require_GET
@reads_from_replica
def bureau(request):
    if not _region_level(request.user):
        raise Http404
    day, slot = timezone.localdate(), _slot_arg(request)
    return render(request, "health/bureau.html", {
        "day": day, "slot": slot, "slots": Slot.choices,
        "completion": selectors.bureau_completion(user=request.user, day=day, slot=slot)})


@login_required
@require_GET
def abnormal(request):
    if not has_org_perm(request.user, "health.view"):
        raise Http404
    today = timezone.localdate()
    trend = selectors.trend(user=request.user, today=today)
    chart = {"labels": [d[5:] for d in trend["labels"]], "series": [
        {"label": _("Abnormal check-ins"), "values": trend["abnormal"]},
        {"label": _("Fever"), "values": trend["fever"]},
        *({"label": str(SYMPTOM_LABELS[code]), "values": values}
          for code, values in trend["symptoms"].items())]}
    return render(request, "health/abnormal.html", {
        "rows": selectors.abnormal_checkins(user=request.user, day=today), "day": today,
        "chart": chart, "labels": SYMPTOM_LABELS})


# The missing list, printed and exported ---------------------------------------------------


def _missing_scope(request) -> tuple:
    """The school and class (None: the whole school) the missing list is asked for: a class
    of the user's (?klass=), a school of theirs (?school=, else their first), else their
    first class; outside the user's scope, 404 as for nothing."""
    chosen = request.GET.get("klass", "")
    if chosen:
        klass = selectors.class_get(user=request.user, pk=int(chosen)) if chosen.isdigit() \
            else None
        if klass is None:
            raise Http404
        return klass.school, klass
    schools = School.objects.restrict(request.user, "health.view").order_by("name")
    chosen = request.GET.get("school", "")
    school = schools.filter(pk=int(chosen)).first() if chosen.isdigit() else (
        None if chosen else schools.first())
    if school is not None:
        return school, None
    klass = None if chosen else selectors.classes_for(request.user).first()
    if klass is None:
        raise Http404
    return klass.school, klass


MISSING_FIELDS = "checkins,name,number,residence"


def _missing(request, output: str) -> dict:
    school, klass = _missing_scope(request)
    day, slot = timezone.localdate(), _slot_arg(request)
    groups = selectors.missing_list(user=request.user, school=school, day=day, slot=slot,
                                    klass=klass)
    count = sum(len(g.rows) for g in groups)
    access_output(request=request, output=output, obj=klass or school, fields=MISSING_FIELDS,
                  rows=count)
    return {"school": school, "klass": klass, "day": day, "slot": slot,
            "slot_label": Slot(slot).label, "groups": groups, "count": count,
            "overdue": timezone.now() > conf.due_at(day, slot)}


def _missing_query(found: dict) -> str:
    where = f"klass={found['klass'].pk}" if found["klass"] else f"school={found['school'].pk}"
    return f"?{where}&slot={found['slot']}"


def _missing_meta(found: dict) -> list[tuple]:
    return [(_("School"), found["school"].name),
            (_("Class"), found["klass"].name if found["klass"] else _("Whole school")),
            (_("Date"), found["day"].isoformat()),
            (pgettext("checkin", "Check"), found["slot_label"]),
            (_("Due by"), timezone.localtime(conf.due_at(found["day"], found["slot"]))
             .strftime("%H:%M")),
            (_("Not checked in"), found["count"])]


def _missing_row(n: int, row: dict) -> tuple:
    return (n, row["number"], row["name"], str(Residence(row["residence"]).label))


MISSING_HEADERS = ("#", gettext_lazy("Student or staff number"), pgettext_lazy("checkin", "Name"),
                   gettext_lazy("Boarder or day"))


@login_required
@require_GET
def missing_print(request):
    found = _missing(request, "print")
    back = (f"{reverse('health:teacher')}?klass={found['klass'].pk}&slot={found['slot']}"
            if found["klass"] else f"{reverse('health:school')}?school={found['school'].pk}")
    return print_page(request, "health/missing_print.html",
                      {**found, "headers": MISSING_HEADERS, "lines": [
                          (g.label, [_missing_row(n, r) for n, r in enumerate(g.rows, 1)])
                          for g in found["groups"]]},
                      meta=_missing_meta(found),
                      xlsx_url=reverse("health:missing_xlsx") + _missing_query(found),
                      back_url=back)


@login_required
@require_GET
def missing_xlsx(request):
    found = _missing(request, "xlsx")
    lead = meta_lines(_missing_meta(found))
    sheets = [Sheet(group.label, MISSING_HEADERS,
                    [_missing_row(n, r) for n, r in enumerate(group.rows, 1)],
                    widths=(6, 18, 16, 12), lead=lead) for group in found["groups"]]
    if not sheets:
        sheets = [Sheet(_("Not checked in"), MISSING_HEADERS, lead=lead)]
    name = f"class-{found['klass'].pk}" if found["klass"] else f"school-{found['school'].pk}"
    return xlsx_response(filename=f"checkin-missing-{name}-{found['day'].isoformat()}-"
                                  f"{found['slot']}", sheets=sheets)
