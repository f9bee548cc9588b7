"""A round's coverage printed and exported: per class (staff under their unit) how many were
planned, sampled and not yet sampled, per planned day the same, and the names of those not
sampled yet, a section per class. Read through the coverage page's selectors and scoped as
it is (a class teacher: their class); each print and workbook is one access-log row naming
the round."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from apps.access.audit import access_output
from apps.access.grants import has_perm_anywhere
from apps.core.pages import print_page
from apps.core.sheets import Sheet, meta_lines, xlsx_response
from apps.testing.selectors import results as selectors

FIELDS = "coverage,class,number,name,planned_day"
CLASS_HEADERS = (gettext_lazy("Class"), gettext_lazy("Planned"), gettext_lazy("Sampled"),
                 gettext_lazy("Not sampled"), "%")
DAY_HEADERS = (pgettext_lazy("testing results", "Day"), gettext_lazy("Planned"),
               gettext_lazy("Sampled"), gettext_lazy("Not sampled"), "%")
MISSING_HEADERS = ("#", gettext_lazy("Class"), gettext_lazy("Student or staff number"),
                   pgettext_lazy("checkin", "Name"), gettext_lazy("Planned day"))


def _counts(rows) -> list[tuple]:
    return [(r.key, r.planned, r.sampled, r.planned - r.sampled, r.percent) for r in rows]


ROUND_HEADERS = (gettext_lazy("Round"), gettext_lazy("First day"), gettext_lazy("Days"),
                 gettext_lazy("Planned"), gettext_lazy("Sampled"), gettext_lazy("Not sampled"),
                 "%")


def _school_found(request, output: str, chosen: str) -> dict:
    """A school's rounds (?school=), each with its coverage; outside the user's scope: 404."""
    school = (selectors.schools_in_scope(user=request.user).filter(pk=int(chosen)).first()
              if chosen.isdigit() else None)
    if school is None:
        raise Http404
    rounds = [(r.name, r.day.isoformat(), r.days, c.planned, c.sampled, c.planned - c.sampled,
               c.percent) for r, c in selectors.school_rounds_coverage(user=request.user,
                                                                      school=school)]
    access_output(request=request, output=output, obj=school, fields="coverage",
                  rows=len(rounds))
    return {"school": school, "rounds": rounds, "query": f"?school={school.pk}",
            "meta": [(_("School"), school.name), (_("Rounds"), len(rounds))]}


def _found(request, output: str) -> dict:
    """The round asked for (?round=, else the newest the user sees), its coverage and who was
    not sampled; a round outside the user's scope, or none at all: 404, nothing logged."""
    if not has_perm_anywhere(request.user, selectors.VIEW):
        raise Http404
    if "school" in request.GET and "round" not in request.GET:
        return _school_found(request, output, request.GET.get("school", ""))
    rounds = selectors.rounds_in_scope(user=request.user)
    if "school" in request.GET:  # both: the round must be of that school, one the user sees
        school = request.GET.get("school", "")
        rounds = rounds.filter(school__in=selectors.schools_in_scope(user=request.user).filter(
            pk=int(school))) if school.isdigit() else rounds.none()
    chosen = request.GET.get("round", "")
    round_ = (rounds.filter(pk=int(chosen)) if chosen.isdigit() else rounds.none() if chosen
              else rounds).first()
    if round_ is None:
        raise Http404
    coverage = selectors.round_coverage(user=request.user, round_=round_)
    missing = [(n, r["person__klass__name"] or r["person__unit__name"] or "—",
                r["person__number"], r["person__name"], r["planned_day"].isoformat())
               for n, r in enumerate(selectors.round_unsampled(user=request.user,
                                                               round_=round_), 1)]
    access_output(request=request, output=output, obj=round_, fields=FIELDS, rows=len(missing))
    last = round_.day.toordinal() + max(round_.days, 1) - 1
    meta = [(_("School"), round_.school.name), (_("Round"), round_.name),
            (_("Dates"), f"{round_.day.isoformat()} – "
                        f"{round_.day.fromordinal(last).isoformat()}"),
            (_("Planned"), coverage.planned), (_("Sampled"), coverage.sampled),
            (_("Not sampled"), coverage.planned - coverage.sampled),
            ("%", coverage.percent)]
    sections: dict[str, list] = {}
    for row in missing:
        sections.setdefault(row[1], []).append(row)
    return {"round": round_, "school": round_.school, "query": f"?round={round_.pk}",
            "coverage": coverage, "classes": _counts(coverage.classes),
            "days": _counts(coverage.days), "missing": missing,
            "sections": list(sections.items()), "meta": meta}


@login_required
@require_GET
def coverage_print(request):
    found = _found(request, "print")
    return print_page(request, "testing/results/coverage_print.html", {
        **found, "class_headers": CLASS_HEADERS, "day_headers": DAY_HEADERS,
        "missing_headers": MISSING_HEADERS, "round_headers": ROUND_HEADERS}, meta=found["meta"],
        xlsx_url=reverse("testing:coverage_xlsx") + found["query"],
        back_url=reverse("testing:results_coverage") + (
            found["query"] if "round" in found else ""))


@login_required
@require_GET
def coverage_xlsx(request):
    found = _found(request, "xlsx")
    lead = meta_lines(found["meta"])
    if "round" not in found:
        return xlsx_response(
            filename=f"testing-coverage-school-{found['school'].pk}", sheets=[Sheet(
                _("By round"), ROUND_HEADERS, found["rounds"],
                widths=(20, 12, 6, 10, 10, 10, 8), lead=lead)])
    return xlsx_response(filename=f"testing-coverage-round-{found['round'].pk}", sheets=[
        Sheet(_("By class"), CLASS_HEADERS, found["classes"],
              widths=(18, 10, 10, 10, 8), lead=lead),
        Sheet(_("By planned day"), DAY_HEADERS, found["days"],
              widths=(14, 10, 10, 10, 8), lead=lead),
        Sheet(_("Not sampled"), MISSING_HEADERS, found["missing"],
              widths=(6, 18, 18, 16, 14), lead=lead),
    ])
