"""Which column holds which field: schools name their columns in many ways (学号, 学籍号,
Student No.), so each canonical field has aliases, compared after normalising away width,
case, spaces and punctuation. Column order is free; unknown columns are ignored and listed.
"""

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.people.models import PersonKind
from apps.rosters.reading import RosterError

# field -> aliases (the first is the title our templates use, per language)
ALIASES = {
    "number": ["学号", "学籍号", "学生编号", "工号", "职工号", "教职工号", "编号",
               "student number", "student no", "staff number", "staff no", "number", "id"],
    "name": ["姓名", "名字", "name", "full name"],
    "sex": ["性别", "sex", "gender"],
    "birth_date": ["出生日期", "出生年月日", "生日", "birth date", "date of birth", "birthday"],
    "doc_type": ["证件类型", "document type", "id type"],
    "doc_number": ["身份证号", "身份证号码", "身份证件号码", "证件号码", "证件号", "身份证",
                   "document number", "id number", "id card number"],
    "phone": ["手机", "手机号", "手机号码", "联系电话", "电话", "联系方式", "phone", "mobile",
              "phone number"],
    "residence_region": ["户籍地", "居住地", "现居住地", "户籍所在地", "residence region",
                         "region"],
    "address": ["住址", "家庭住址", "现住址", "地址", "address", "home address"],
    "unit": ["年级", "学院", "部门", "科室", "单位", "grade", "department", "unit", "college"],
    "klass": ["班级", "班", "class"],
    # A staff member's class (as its class teacher): the students' class column's names too.
    "teaches_class": ["任教班级", "班主任班级", "所带班级", "班级", "班", "class taught",
                      "class"],
    "residence": ["住宿", "走读", "寄宿", "住宿情况", "走读住宿", "住校", "住宿方式",
                  "boarder or day", "residence", "boarding"],
    "dorm": ["宿舍", "宿舍号", "寝室", "dorm", "dorm room"],
    # The guardian to call (a household member, apps.rosters.services.guardians).
    # Only names that say which part they hold: a column 家长 may hold a name and a phone.
    "guardian_name": ["监护人姓名", "家长姓名", "guardian name"],
    "guardian_relation": ["监护人关系", "与学生关系", "guardian relation", "relation to student"],
    "guardian_phone": ["监护人电话", "监护人手机", "监护人手机号", "家长电话", "家长手机",
                       "家长手机号", "guardian phone", "guardian mobile"],
}
GUARDIAN_FIELDS = ("guardian_name", "guardian_relation", "guardian_phone")
STUDENT_FIELDS = [f for f in ALIASES if f != "teaches_class"]
STAFF_FIELDS = [f for f in ALIASES if f != "klass" and f not in GUARDIAN_FIELDS]
REQUIRED = {
    PersonKind.STUDENT: ("number", "name", "doc_number", "klass"),
    PersonKind.STAFF: ("number", "name", "doc_number", "unit"),
}
# The title of each field in our templates and error reports.
TITLES = {
    "number": gettext_lazy("Number"),
    "name": gettext_lazy("Full name"),
    "sex": gettext_lazy("Sex"),
    "birth_date": gettext_lazy("Birth date"),
    "doc_type": gettext_lazy("Document type"),
    "doc_number": gettext_lazy("Document number"),
    "phone": gettext_lazy("Phone"),
    "residence_region": gettext_lazy("Residence region"),
    "address": gettext_lazy("Address"),
    "unit": gettext_lazy("Grade or department"),
    "klass": gettext_lazy("Class"),
    "teaches_class": gettext_lazy("Class taught"),
    "residence": gettext_lazy("Boarder or day"),
    "dorm": gettext_lazy("Dorm room"),
    "guardian_name": gettext_lazy("Guardian's name"),
    "guardian_relation": gettext_lazy("Guardian's relation"),
    "guardian_phone": gettext_lazy("Guardian's phone"),
}
PUNCTUATION = {"P", "S", "Z"}  # Unicode categories: punctuation, symbols, separators


def normalize_header(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip().casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in PUNCTUATION)


@dataclass
class Columns:
    positions: dict[str, int]  # field -> column index
    titles: dict[str, str]  # field -> the header as written in the file
    ignored: list[str]  # headers that matched no field, in file order

    def value(self, cells: list, field: str):
        index = self.positions.get(field)
        return None if index is None else cells[index]


def fields_for(kind: str) -> list[str]:
    return STUDENT_FIELDS if kind == PersonKind.STUDENT else STAFF_FIELDS


def match_columns(kind: str, headers: list[str]) -> Columns:
    """Map the file's headers to fields; RosterError('missing_columns') names what lacks."""
    lookup = {
        normalize_header(alias): field
        for field in fields_for(kind)
        for alias in ALIASES[field]
    }
    positions, titles, ignored = {}, {}, []
    for index, header in enumerate(headers):
        field = lookup.get(normalize_header(header))
        if field is None or field in positions:  # a second 电话 column is an extra, not ours
            ignored.append(header)
            continue
        positions[field], titles[field] = index, header
    missing = [f for f in REQUIRED[kind] if f not in positions]
    if missing:
        raise RosterError(
            "missing_columns",
            _("These required columns are missing: %(columns)s.")
            % {"columns": ", ".join(f"{ALIASES[f][0]} ({TITLES[f]})" for f in missing)},
        )
    return Columns(positions, titles, ignored)
