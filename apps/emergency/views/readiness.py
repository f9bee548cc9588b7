"""The schools' emergency readiness printed and exported: for each school the user sees, its
task force, plan version, last finished drill and designated hospital, with the counts a
bureau inspector asks first (no task force, no plan, no drill in a year). Scoped as the
readiness page is; each print and workbook is one access-log row naming the bureau."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from apps.access.audit import access_output
from apps.core.pages import print_page
from apps.core.sheets import Sheet, meta_lines, xlsx_response
from apps.emergency import selectors
from apps.emergency.plans import VIEW
from apps.reports.selectors import own_bureaus

FIELDS = "school,task_force,plan_version,last_drill,hospital"
HEADERS = ("#", gettext_lazy("School"), gettext_lazy("School type"),
           gettext_lazy("Task force members"), gettext_lazy("Plan version"),
           gettext_lazy("Last drill"), gettext_lazy("Designated hospital"),
           pgettext_lazy("readiness", "Lacking"))
PRINT_LIMIT = 2000  # a printed list longer than this is read as the workbook


def _missing(school, year_ago) -> str:
    gaps = [_("task force") if not school.members else "",
            _("plan") if not school.plan_version else "",
            _("drill in the last year") if not school.last_drill or school.last_drill < year_ago
            else ""]
    return "、".join(g for g in gaps if g)


def _row(n: int, school, year_ago) -> tuple:
    return (n, school.name, school.get_kind_display(), school.members,
            f"v{school.plan_version}" if school.plan_version else "",
            timezone.localtime(school.last_drill).date() if school.last_drill else "",
            school.hospital.name if school.hospital_id else "", _missing(school, year_ago))


def _found(request, output: str, limit: int | None) -> dict:
    """The user's bureau (the one a print is logged against) and its schools' rows; a user
    who holds no bureau, or sees no school: 404, before anything is logged."""
    bureaus = own_bureaus(request.user, VIEW)
    if not bureaus:
        raise Http404
    schools, totals = selectors.schools_readiness(user=request.user, limit=limit)
    if not totals["schools"]:
        raise Http404
    year_ago = selectors.readiness_year_ago()
    rows = [_row(n, s, year_ago) for n, s in enumerate(schools, 1)]
    access_output(request=request, output=output, obj=bureaus[0], fields=FIELDS,
                  rows=len(rows))
    meta = [(_("Bureau"), bureaus[0].name), (_("Schools"), totals["schools"]),
            (_("Without a task force"), totals["no_task_force"]),
            (_("Without a plan"), totals["no_plan"]),
            (_("No drill in the last year"), totals["no_recent_drill"])]
    return {"bureau": bureaus[0], "rows": rows, "totals": totals, "meta": meta}


@login_required
@require_GET
def readiness_print(request):
    found = _found(request, "print", PRINT_LIMIT)
    return print_page(request, "emergency/plans/readiness_print.html",
                      {**found, "headers": HEADERS, "limit": PRINT_LIMIT},
                      meta=found["meta"], xlsx_url=reverse("emergency:readiness_xlsx"),
                      back_url=reverse("emergency:plans"))


@login_required
@require_GET
def readiness_xlsx(request):
    found = _found(request, "xlsx", None)
    return xlsx_response(filename=f"emergency-readiness-{found['bureau'].pk}", sheets=[Sheet(
        _("Readiness"), HEADERS, found["rows"], widths=(6, 32, 10, 10, 10, 12, 28, 30),
        lead=meta_lines(found["meta"]))])
