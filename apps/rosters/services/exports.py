"""Roster export: any list a user can see (people, classes, households) as an .xlsx.

Scoped through the same selectors and `restrict` as the pages, with the "rosters.export"
permission on top (a person or a guardian has no list to export: 404). ID numbers and phones
are masked unless the user may reveal them for EVERY exported person and says why; such an
export is one access-log row naming the filter and the row count.

Built for a province: rows come from the database in chunks as tuples (values_list +
iterator, no model instances), documents are decrypted in the loop only when revealed, and
xlsxwriter in constant_memory mode writes each row to disk as it goes, so memory stays flat
whatever the row count. The result is a temporary file already unlinked: it disappears when
the response that streams it closes it.
"""

import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

import xlsxwriter
from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.access.grants import has_perm_anywhere
from apps.access.models import AccessLog
from apps.core.crypto import decrypt_text
from apps.core.errors import FieldError, ValidationFailed
from apps.core.identity import mask_document, mask_phone, normalize_document
from apps.orgs.models import SchoolClass
from apps.people import selectors as people_selectors
from apps.people.models import DocType, HouseholdMember, Person, PersonKind, Residence, Sex

EXPORT_PERM = "rosters.export"
REVEAL_PERM = "people.reveal_id"
CHUNK_ROWS = 5000
PROGRESS_ROWS = 1000  # rows between two progress reports of an export in the worker
FILTER_KEYS = ("q", "school", "unit", "klass", "kind", "residence")
_INT_FILTERS = ("school", "unit", "klass")
_SHANGHAI = ZoneInfo("Asia/Shanghai")
_REASON_MAX = AccessLog._meta.get_field("reason").max_length
_FIELDS_MAX = AccessLog._meta.get_field("fields").max_length


@dataclass
class Export:
    """An exported workbook: an open, already unlinked file positioned at its start."""

    file: BinaryIO
    rows: int
    filename: str


def parse_filters(params) -> dict:
    """The export filters from a query string or form: unknown keys dropped, a non-numeric
    id ignored (a filter out of scope simply matches nothing: the query is restricted)."""
    filters = {}
    for key in FILTER_KEYS:
        value = str(params.get(key) or "").strip()
        if not value:
            continue
        if key in _INT_FILTERS:
            if not value.isdigit():
                continue
            value = int(value)
        filters[key] = value
    return filters


# ---- people ----------------------------------------------------------------------------


def _people_columns() -> list[tuple[str, int]]:
    return [
        (_("School"), 24), (_("Student or staff number"), 16), (pgettext("person", "Name"), 12),
        (_("Kind"), 8), (_("Sex"), 6), (_("Birth date"), 12), (_("Document type"), 14),
        (_("Document number"), 22), (_("Phone"), 14), (_("Unit"), 14), (_("Class"), 14),
        (_("Boarder or day"), 10), (_("Address"), 30),
    ]


_PEOPLE_VALUES = (
    "school__name", "number", "name", "kind", "sex", "birth_date", "doc_type", "doc_masked",
    "phone", "unit__name", "klass__name", "residence", "address",
)


def _people_queryset(user, filters: dict):
    return people_selectors.person_list(
        user=user,
        q=filters.get("q", ""),
        school_id=filters.get("school"),
        unit_id=filters.get("unit"),
        klass_id=filters.get("klass"),
        kind=filters.get("kind"),
        residence=filters.get("residence"),
        perm=EXPORT_PERM,
    )


def _check_reveal(user, persons, reason: str) -> str:
    """The reason, once the user may see every exported person's document; 404 otherwise
    (as for one person: someone without the right learns nothing)."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationFailed(
            [FieldError("reason", "required", _("Say why you need the full ID numbers."))]
        )
    revealable = Person.objects.restrict(user, REVEAL_PERM).values("pk")
    if not has_perm_anywhere(user, REVEAL_PERM) or persons.exclude(pk__in=revealable).exists():
        raise Http404
    return reason


def export_people_xlsx(*, user, filters: dict, reveal_reason: str = "", ip=None,
                       reveal: bool = False, progress=None) -> Export:
    """The people the user may export, filtered like the person list. With `reveal` (or a
    reason), ID numbers and phones are in full: the right is checked on every row, a reason
    is required, and the export is recorded once in the access log."""
    _require_export(user)
    persons = _people_queryset(user, filters)
    reveal = reveal or bool(str(reveal_reason or "").strip())
    reason = _check_reveal(user, persons, reveal_reason) if reveal else ""
    values = _PEOPLE_VALUES + (("doc_cipher",) if reveal else ())
    labels = _labels()

    def rows():
        for row in persons.values_list(*values).iterator(chunk_size=CHUNK_ROWS):
            (school, number, name, kind, sex, born, doc_type, masked, phone, unit, klass,
             residence, address, *cipher) = row
            document = decrypt_text(cipher[0]) if reveal else masked
            yield (school, number, name, labels["kind"].get(kind, kind),
                   labels["sex"].get(sex, sex), born, labels["doc_type"].get(doc_type, doc_type),
                   document, phone if reveal else mask_phone(phone or ""), unit or "",
                   klass or "", labels["residence"].get(residence, residence), address or "")

    export = _write("people", _("People"), _people_columns(), rows(), progress)
    if reveal:
        _record_unmasked(user, "people.person", filters, export.rows, reason, ip)
    return export


# ---- classes ---------------------------------------------------------------------------


def _classes_queryset(user, filters: dict):
    classes = SchoolClass.objects.restrict(user, EXPORT_PERM)
    return classes.filter(**_org_filters(filters, school="school_id", unit="unit_id",
                                         klass="id"))


def export_classes_xlsx(*, user, filters: dict, progress=None) -> Export:
    """The classes the user may export, with their active students and staff counted."""
    _require_export(user)
    classes = _classes_queryset(user, filters)
    active = Q(persons__active=True)
    classes = classes.annotate(
        students=Count("persons", filter=active & Q(persons__kind=PersonKind.STUDENT)),
        boarders=Count("persons", filter=active & Q(persons__residence=Residence.BOARDER)),
    ).order_by("school_id", "unit_id", "name", "pk")
    columns = [(_("School"), 24), (_("Unit"), 14), (_("Class"), 14), (_("Class teacher"), 12),
               (_("Students"), 8), (_("Boarders"), 8)]
    values = ("school__name", "unit__name", "name", "teacher__display_name", "students",
              "boarders")
    rows = (
        (school, unit, name, teacher or "", students, boarders)
        for school, unit, name, teacher, students, boarders in classes.values_list(*values)
        .iterator(chunk_size=CHUNK_ROWS)
    )
    return _write("classes", _("Classes"), columns, rows, progress)


# ---- households ------------------------------------------------------------------------


def _households_queryset(user, filters: dict):
    members = HouseholdMember.objects.restrict(user, EXPORT_PERM)
    return members.filter(**_org_filters(filters, school="school_id",
                                         unit="person__unit_id", klass="person__klass_id"))


def export_households_xlsx(*, user, filters: dict, progress=None) -> Export:
    """Co-residents of the students the user may export; phones masked."""
    _require_export(user)
    members = _households_queryset(user, filters).order_by(
        "school_id", "person__klass_id", "person__number", "pk")
    columns = [(_("School"), 24), (_("Class"), 14), (_("Student or staff number"), 16),
               (_("Student"), 12), (_("Co-resident"), 12), (_("Relation"), 8), (_("Phone"), 14),
               (_("Occupation"), 14), (_("Residence region"), 24)]
    values = ("school__name", "person__klass__name", "person__number", "person__name", "name",
              "relation", "phone", "occupation", "residence_region__full_name")
    rows = (
        (school, klass or "", number, student, name, relation, mask_phone(phone or ""),
         occupation, region or "")
        for school, klass, number, student, name, relation, phone, occupation, region
        in members.values_list(*values).iterator(chunk_size=CHUNK_ROWS)
    )
    return _write("households", _("Co-residents"), columns, rows, progress)


# ---- shared ----------------------------------------------------------------------------


QUERYSETS = {"people": _people_queryset, "classes": _classes_queryset,
             "households": _households_queryset}


def export_count(*, user, list_name: str, filters: dict, limit: int | None = None) -> int:
    """How many rows an export would have (at most `limit`, so a province is not counted
    only to learn that it is large)."""
    _require_export(user)
    rows = QUERYSETS[list_name](user, filters).order_by()
    return rows[:limit].count() if limit is not None else rows.count()


def _require_export(user) -> None:
    if not has_perm_anywhere(user, EXPORT_PERM):
        raise Http404


def _org_filters(filters: dict, **fields: str) -> dict:
    return {fields[key]: filters[key] for key in fields if filters.get(key) is not None}


def _labels() -> dict[str, dict[str, str]]:
    """Choice labels in the active language, looked up once per export, not per row."""
    return {name: {value: str(label) for value, label in choices.choices}
            for name, choices in (("kind", PersonKind), ("sex", Sex), ("doc_type", DocType),
                                  ("residence", Residence))}


def _write(stem: str, title: str, columns, rows, progress=None) -> Export:
    """Write rows to an .xlsx on disk, row by row; return it open and already unlinked."""
    fd, path = tempfile.mkstemp(prefix="shaodian-export-", suffix=".xlsx")
    os.close(fd)
    try:
        count = _write_workbook(path, title, columns, rows, progress)
        handle = open(path, "rb")  # noqa: SIM115 - closed by the response that streams it
    finally:
        os.unlink(path)  # the open handle keeps the data until it is closed
    stamp = datetime.now(_SHANGHAI).strftime("%Y%m%d-%H%M")
    return Export(file=handle, rows=count, filename=f"{stem}-{stamp}.xlsx")


def _write_workbook(path: str, title: str, columns, rows, progress=None) -> int:
    workbook = xlsxwriter.Workbook(path, {
        "constant_memory": True,
        # A cell that starts with "=" (a name, an address) must stay text: no formula
        # injection into the office PC that opens the file.
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "default_date_format": "yyyy-mm-dd",
    })
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#E9ECEF"})
    for col, (header, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, header, bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.write_row(count, 0, row)
        if progress is not None and not count % PROGRESS_ROWS:
            progress(count)
    workbook.close()
    return count


def _filter_summary(filters: dict) -> str:
    """The filter in words for the log, never a document number typed into the search."""
    parts = []
    for key in FILTER_KEYS:
        value = filters.get(key)
        if value in (None, ""):
            continue
        if key == "q" and people_selectors.DOCUMENT_LIKE.fullmatch(normalize_document(value)):
            value = mask_document(normalize_document(value))
        parts.append(f"{key}={value}")
    return " ".join(parts) or "all"


def _record_unmasked(user, object_type: str, filters: dict, rows: int, reason: str, ip) -> None:
    """One access-log row for the whole export (not one per person): what was revealed,
    the filter and the row count. access_record logs one object; an export is a set, so the
    row is written here with the same fields."""
    summary = f"doc_number,phone; {_filter_summary(filters)}; rows={rows}"
    AccessLog.objects.create(
        user=user,
        action="export_unmasked",
        school_id=filters.get("school"),
        object_type=object_type,
        object_id=f"export:{rows}",
        fields=summary[:_FIELDS_MAX],
        reason=reason[:_REASON_MAX],
        ip=ip or None,
    )
