"""Workbooks the import hands back: the error report (the rejected rows as in the file, plus
why, so the school fixes and re-uploads just those) and blank templates with notes."""

import io
from datetime import date, datetime

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.identity import mask_document, mask_phone, resident_id_check_char
from apps.people.models import PersonKind
from apps.rosters.headers import GUARDIAN_FIELDS, TITLES
from apps.rosters.messages import in_reader_language
from apps.rosters.services import Plan

TEXT_FIELDS = {"number", "doc_number", "phone"}  # Excel must not turn these into numbers


def _workbook():
    buffer = io.BytesIO()
    # Cells come from the school's file: text starting with "=" stays text, not a formula.
    return buffer, xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                                "strings_to_urls": False})


def roster_error_report_xlsx(plan: Plan) -> bytes:
    """The rejected rows with their original header and a last column giving every reason;
    document and phone numbers are masked (the school has the originals)."""
    rejected = set(plan.rejected_rows)
    reasons: dict[int, list[str]] = {}
    for error in plan.errors:
        reasons.setdefault(error.row, []).append(f"{error.column}: {error.message}")
    masked = {plan.columns.positions[f]: mask for f, mask in
              (("doc_number", mask_document), ("phone", mask_phone))
              if f in plan.columns.positions}
    buffer, book = _workbook()
    sheet = book.add_worksheet(_("Rows to fix"))
    bold = book.add_format({"bold": True})
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    header = [*plan.table.headers, _("Row in your file"), _("Reason")]
    sheet.write_row(0, 0, header, bold)
    line = 1
    for row in plan.table.rows:
        if row.number not in rejected:
            continue
        for col, cell in enumerate(row.cells):
            _write(sheet, line, col, cell, masked.get(col), dated)
        sheet.write_number(line, len(row.cells), row.number)
        sheet.write_string(line, len(row.cells) + 1, "; ".join(reasons[row.number]))
        line += 1
    sheet.set_column(0, len(header), 16)
    sheet.set_column(len(header) - 1, len(header) - 1, 60)
    book.close()
    return buffer.getvalue()


def roster_error_list_xlsx(record) -> bytes:
    """An import's errors as the history keeps them: row, column, value (masked), reason."""
    buffer, book = _workbook()
    sheet = book.add_worksheet(_("Errors"))
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, [_("Row"), _("Column"), _("Value"), _("Problem"), _("Reason code")],
                    bold)
    for line, error in enumerate(record.errors, start=1):
        message = in_reader_language(error.get("message", ""))
        sheet.write_row(line, 0, [error.get("row") or "", error.get("column", ""),
                                  error.get("value", ""), message, error.get("reason", "")])
    sheet.set_column(0, 2, 16)
    sheet.set_column(3, 3, 60)
    book.close()
    return buffer.getvalue()


def _write(sheet, line: int, col: int, cell, mask, dated) -> None:
    if cell is None or cell == "":
        return
    if mask is not None:
        sheet.write_string(line, col, mask(str(cell)))
    elif isinstance(cell, (date, datetime)):
        sheet.write_datetime(line, col, cell, dated)
    else:
        sheet.write(line, col, cell)


# Templates -----------------------------------------------------------------------------

# field -> (Chinese title, English title); each is an alias headers.py accepts.
TEMPLATE_TITLES = {
    "number": {PersonKind.STUDENT: ("学号", "Student number"),
               PersonKind.STAFF: ("工号", "Staff number")},
    "name": ("姓名", "Name"),
    "sex": ("性别", "Sex"),
    "birth_date": ("出生日期", "Birth date"),
    "doc_type": ("证件类型", "Document type"),
    "doc_number": ("身份证件号码", "ID number"),
    "phone": ("联系电话", "Phone"),
    "residence_region": ("居住地", "Residence region"),
    "address": ("住址", "Address"),
    "unit": {PersonKind.STUDENT: ("年级", "Grade"), PersonKind.STAFF: ("部门", "Department")},
    "klass": ("班级", "Class"),
    "teaches_class": ("任教班级", "Class taught"),
    "residence": ("住宿", "Boarder or day"),
    "dorm": ("宿舍", "Dorm room"),
    "guardian_name": ("监护人姓名", "Guardian name"),
    "guardian_relation": ("监护人关系", "Guardian relation"),
    "guardian_phone": ("监护人电话", "Guardian phone"),
}


def _id(region: str, born: date, seq: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def _samples(kind: str, zh: bool) -> list[dict]:
    # Fictitious people with checksum-valid IDs (Beijing Dongcheng, 110101).
    if kind == PersonKind.STUDENT:
        return [
            {"number": "2024001", "name": "张三" if zh else "Zhang San", "sex": "男" if zh else "M",
             "birth_date": "2011-03-01", "doc_type": "居民身份证" if zh else "resident_id",
             "doc_number": _id("110101", date(2011, 3, 1), 11), "phone": "13800000000",
             "residence_region": "110101", "address": "某某路1号" if zh else "1 Some Road",
             "unit": "七年级", "klass": "七年级1班", "residence": "走读" if zh else "day",
             "dorm": "", "guardian_name": "张大山" if zh else "Zhang Dashan",
             "guardian_relation": "父亲" if zh else "father", "guardian_phone": "13800000001"},
            {"number": "2024002", "name": "李四" if zh else "Li Si", "sex": "女" if zh else "F",
             "birth_date": "2011-07-15", "doc_type": "居民身份证" if zh else "resident_id",
             "doc_number": _id("110101", date(2011, 7, 15), 12), "phone": "",
             "residence_region": "110101", "address": "", "unit": "七年级",
             "klass": "七年级1班", "residence": "住校" if zh else "boarder", "dorm": "1号楼101",
             "guardian_name": "李秀英" if zh else "Li Xiuying",
             "guardian_relation": "母亲" if zh else "mother", "guardian_phone": "13800000002"},
        ]
    return [
        {"number": "T001", "name": "王五" if zh else "Wang Wu", "sex": "男" if zh else "M",
         "birth_date": "1985-06-01", "doc_type": "居民身份证" if zh else "resident_id",
         "doc_number": _id("110101", date(1985, 6, 1), 21), "phone": "13900000000",
         "residence_region": "110101", "address": "", "unit": "教务处",
         "teaches_class": "七年级1班", "residence": "走读" if zh else "day", "dorm": ""},
        {"number": "T002", "name": "赵六" if zh else "Zhao Liu", "sex": "女" if zh else "F",
         "birth_date": "1990-01-20", "doc_type": "居民身份证" if zh else "resident_id",
         "doc_number": _id("110101", date(1990, 1, 20), 22), "phone": "",
         "residence_region": "", "address": "", "unit": "总务处",
         "teaches_class": "", "residence": "走读" if zh else "day", "dorm": ""},
    ]


def _notes(kind: str) -> dict:
    class_or_unit = (_("Required. The class name exactly as set up in the system.")
                     if kind == PersonKind.STUDENT else "")
    return {
        "number": _("Required. Unique within the school; the key that matches a row to a "
                    "person already imported."),
        "name": _("Required."),
        "sex": _("男 or 女 (M or F). May be left empty when the ID says it."),
        "birth_date": _("2011-03-01, 2011/3/1 or 2011年3月1日. May be left empty when the ID "
                        "says it; if given it must agree with the ID."),
        "doc_type": _("居民身份证, 一代身份证 (15 digits), 护照, 港澳通行证 or 台胞证. Empty: "
                      "a resident ID (or a 15-digit one)."),
        "doc_number": _("Required. Keep this column formatted as text: Excel cuts long "
                        "numbers to 15 digits."),
        "phone": _("An 11-digit mobile number or a landline with its area code."),
        "residence_region": _("A 6-digit region code or a region name (金水区, 郑州市金水区)."),
        "address": _("At most 200 characters."),
        "unit": (_("Optional: the grade of the class; it must match the class's grade.")
                 if kind == PersonKind.STUDENT
                 else _("Required. The department exactly as set up in the system.")),
        "klass": class_or_unit,
        "teaches_class": _("Class teachers only: the class they are the class teacher of, "
                           "as set up in the system. Empty: none (the class's teacher is "
                           "appointed when staff accounts are created)."),
        "residence": _("住校 (boarder) or 走读 (day). Empty: day."),
        "dorm": _("Boarders only: building and room as set up in the system, e.g. 1号楼101."),
        "guardian_name": _("The guardian to call about the student. Optional; with a name, "
                           "the relation is required."),
        "guardian_relation": _("父亲, 母亲, 祖父, 外婆… (at most 20 characters)."),
        "guardian_phone": _("An 11-digit mobile number or a landline with its area code. "
                            "Empty: the phone already known is kept."),
    }


def _title(field: str, kind: str, zh: bool) -> str:
    titles = TEMPLATE_TITLES[field]
    if isinstance(titles, dict):
        titles = titles[kind]
    return titles[0] if zh else titles[1]


def roster_template_xlsx(kind: str, lang: str = "zh-hans") -> bytes:
    """An empty roster with Chinese (or English) headers (no sample rows, which would be
    imported if left in), and a notes sheet explaining each column with a fictitious
    example."""
    zh = lang.lower().startswith("zh")
    staff_only = ("teaches_class",)
    fields = [f for f in TEMPLATE_TITLES
              if (kind == PersonKind.STUDENT and f not in staff_only)
              or (kind == PersonKind.STAFF and f not in ("klass", *GUARDIAN_FIELDS))]
    buffer, book = _workbook()
    with translation.override("zh-hans" if zh else "en"):
        sheet = book.add_worksheet(_("Roster"))
        bold = book.add_format({"bold": True})
        text = book.add_format({"num_format": "@"})
        for col, name in enumerate(fields):
            sheet.write_string(0, col, _title(name, kind, zh), bold)
            sheet.set_column(col, col, 20 if name in TEXT_FIELDS else 14,
                             text if name in TEXT_FIELDS else None)
        notes = book.add_worksheet(_("Notes"))
        notes.write_row(0, 0, [_("Column"), _("Meaning"), _("Allowed values"), _("Example")],
                        bold)
        explanations = _notes(kind)
        example = _samples(kind, zh)[0]
        for line, name in enumerate(fields, start=1):
            notes.write_row(line, 0, [_title(name, kind, zh), str(TITLES[name]),
                                      explanations[name]])
            notes.write_string(line, 3, example.get(name, ""))
        notes.set_column(0, 1, 20)
        notes.set_column(2, 2, 80)
        notes.set_column(3, 3, 22)
        book.close()
    return buffer.getvalue()
