"""The printable daily log of a school (one page per school per day): the batches of parcels
received at its delivery point (when, how many, courier, disinfected when and by whom, placed
for pickup) and its areas' disinfection and ventilation entries (when, area, kind, by whom).
The print page and the workbook read the same rows; each output is one access-log row."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.disinfection import selectors


def _hm(value) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


@dataclass
class DailyLog:
    meta: list
    parcel_headers: list
    parcel_rows: list = field(default_factory=list)
    entry_headers: list = field(default_factory=list)
    entry_rows: list = field(default_factory=list)

    def sheets(self):
        from apps.core.sheets import Sheet, meta_lines

        lead = meta_lines(self.meta)
        return [Sheet(_("Deliveries"), self.parcel_headers, self.parcel_rows,
                      widths=(10, 8, 20, 10, 14, 10, 24), lead=lead),
                Sheet(_("Disinfection and ventilation"), self.entry_headers, self.entry_rows,
                      widths=(10, 20, 14, 14, 30), lead=lead)]


def build(*, school, day: date) -> DailyLog:
    from apps.parcels.selectors import batches_of_day

    batches = batches_of_day(school=school, day=day)
    entries = selectors.entries_of_day(school=school, day=day)
    log = DailyLog(
        meta=[(_("School"), school.name), (_("Day"), day.isoformat()),
              (_("Parcels received"), sum(b.count for b in batches)),
              (_("Entries"), len(entries))],
        parcel_headers=[_("Received at"), _("Parcels"), _("Courier or company"),
                        _("Disinfected at"), _("Disinfected by"), _("Placed for pickup"),
                        _("Note")],
        entry_headers=[_("Done at"), _("Area"), _("Kind"), _("Done by"), _("Note")])
    log.parcel_rows = [[_hm(b.received_at), b.count, b.courier, _hm(b.disinfected_at),
                        b.disinfected_by.name if b.disinfected_by_id else "",
                        _hm(b.placed_at), b.note] for b in batches]
    log.entry_rows = [[_hm(e.done_at), e.area.name, e.get_kind_display(), e.done_by.name,
                       e.note] for e in entries]
    return log


def output(request, school_id: int, day: date, output: str):
    """The school (in scope, or 404 with nothing logged), the day and its log, logged."""
    from apps.access.audit import access_output

    school = selectors.school_get(user=request.user, school_id=school_id)
    log = build(school=school, day=day)
    access_output(request=request, output=output, obj=school,
                  fields="parcels,disinfected_by,entries,done_by",
                  rows=len(log.parcel_rows) + len(log.entry_rows), reason=f"daily log {day}")
    return school, day, log
