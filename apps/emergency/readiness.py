"""The schools' emergency readiness as a list: for each school the user sees, its task force,
plan version, last finished drill and designated hospital, with the counts a bureau
inspector asks first (no task force, no plan, no drill in a year). The print page shows the
first PRINT_LIMIT schools; the workbook holds them all and is written by the worker
(apps.reports.exports: `check` in the request, `build` in the worker), since a province
has some 51,000 schools."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.core.sheets import Sheet, meta_lines
from apps.emergency import selectors
from apps.emergency.plans import VIEW
from apps.reports.selectors import own_bureaus

FIELDS = "school,task_force,plan_version,last_drill,hospital"
HEADERS = ("#", gettext_lazy("School"), gettext_lazy("School type"),
           gettext_lazy("Task force members"), gettext_lazy("Plan version"),
           gettext_lazy("Last drill"), gettext_lazy("Designated hospital"),
           pgettext_lazy("readiness", "Lacking"))
PRINT_LIMIT = 2000  # a printed list longer than this is read as the workbook
CHUNK = 2000  # schools read from the database at a time by the worker


def _missing(school, year_ago) -> str:
    gaps = [_("task force") if not school.members else "",
            _("plan") if not school.plan_version else "",
            _("drill in the last year") if not school.last_drill or school.last_drill < year_ago
            else ""]
    return "、".join(g for g in gaps if g)


def row(n: int, school, year_ago) -> tuple:
    return (n, school.name, school.get_kind_display(), school.members,
            f"v{school.plan_version}" if school.plan_version else "",
            timezone.localtime(school.last_drill).date() if school.last_drill else "",
            school.hospital.name if school.hospital_id else "", _missing(school, year_ago))


def found(*, user, limit: int | None) -> dict:
    """The user's bureau (the one an output is logged against), its schools (a queryset, at
    most `limit`) and the counts; a user who holds no bureau, or sees no school: 404."""
    bureaus = own_bureaus(user, VIEW)
    if not bureaus:
        raise Http404
    schools, totals = selectors.schools_readiness(user=user, limit=limit)
    if not totals["schools"]:
        raise Http404
    meta = [(_("Bureau"), bureaus[0].name), (_("Schools"), totals["schools"]),
            (_("Without a task force"), totals["no_task_force"]),
            (_("Without a plan"), totals["no_plan"]),
            (_("No drill in the last year"), totals["no_recent_drill"])]
    return {"bureau": bureaus[0], "schools": schools, "totals": totals, "meta": meta,
            "year_ago": selectors.readiness_year_ago()}


def check(*, user, params: dict) -> None:
    """In the request: Http404 unless the user holds a bureau (the schools are counted by
    the worker)."""
    if not own_bureaus(user, VIEW):
        raise Http404


def build(*, user, params: dict, progress):
    """In the worker: every school's row, read in chunks, the bar stepping as it goes."""
    from apps.reports.exports import Built

    data = found(user=user, limit=None)
    bar = progress(data["totals"]["schools"])
    rows = []
    for n, school in enumerate(data["schools"].iterator(chunk_size=CHUNK), 1):
        rows.append(row(n, school, data["year_ago"]))
        bar.step(n)
    sheet = Sheet(_("Readiness"), HEADERS, rows, widths=(6, 32, 10, 10, 10, 12, 28, 30),
                  lead=meta_lines(data["meta"]))
    return Built(filename=f"emergency-readiness-{data['bureau'].pk}", sheets=[sheet],
                 obj=data["bureau"], fields=FIELDS, rows=len(rows))
