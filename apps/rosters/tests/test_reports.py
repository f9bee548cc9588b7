import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from apps.core.identity import mask_document, validate_document
from apps.rosters.headers import REQUIRED, match_columns
from apps.rosters.reading import read_table
from apps.rosters.reports import roster_error_report_xlsx, roster_template_xlsx
from apps.rosters.tests.test_services import HEADER, _check, _id, _student


def _sheets(data: bytes) -> dict:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_the_error_report_holds_the_bad_rows_as_in_the_file_with_reasons_masked(world):
    bad_id = _id(3)[:-1] + ("0" if _id(3)[-1] != "0" else "1")
    plan = _check(world, [_student("A2025001", "甲", 1),
                          _student("A2025002", "乙", 3, 身份证号=bad_id, 班级="无此班")])
    rows = next(iter(_sheets(roster_error_report_xlsx(plan)).values()))
    assert rows[0][: len(HEADER)] == HEADER and len(rows) == 2
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["学号"] == "A2025002" and line["身份证号"] == mask_document(bad_id)
    assert bad_id not in str(rows)
    reason = rows[1][-1]
    assert "身份证号:" in reason and "班级:" in reason and rows[1][-2] == 3


@pytest.mark.parametrize("kind", ["student", "staff"])
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_templates_have_the_headers_only_and_a_valid_example_for_each_column(kind, lang):
    data = roster_template_xlsx(kind, lang)
    table = read_table("template.xlsx", data)
    columns = match_columns(kind, table.headers)
    assert columns.ignored == [] and set(REQUIRED[kind]) <= set(columns.positions)
    assert table.rows == []  # no sample people to import by mistake
    roster, notes = _sheets(data).values()
    assert [line[0] for line in notes[1:]] == roster[0]  # one note per column
    example = {line[0]: line[3] for line in notes[1:]}
    validate_document("resident_id", example[roster[0][columns.positions["doc_number"]]],
                      today=date(2026, 1, 1))


def test_the_templates_residence_header_says_what_its_note_says():
    roster, notes = _sheets(roster_template_xlsx("student", "zh-hans")).values()
    line = next(line for line in notes[1:] if line[1] == "居住地")
    assert line[0] == "居住地" and "户籍地" not in roster[0]


@pytest.mark.parametrize(("lang", "title"), [("zh-hans", "任教班级"), ("en", "Class taught")])
def test_the_staff_template_has_the_class_taught_and_the_student_one_does_not(lang, title):
    roster, notes = _sheets(roster_template_xlsx("staff", lang)).values()
    assert title in roster[0]
    assert match_columns("staff", roster[0]).positions["teaches_class"] == \
        roster[0].index(title)
    note = next(line for line in notes[1:] if line[0] == title)
    assert note[3] == "七年级1班"  # the example
    students, _notes = _sheets(roster_template_xlsx("student", lang)).values()
    assert title not in students[0]
