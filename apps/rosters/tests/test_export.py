"""Roster export: scope by persona, masking by default, the unmasked export's access-log
row, and the header row's language."""

import io
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse
from python_calamine import CalamineWorkbook

from apps.access.models import AccessLog
from apps.core.crypto import decrypt_text
from apps.core.errors import ValidationFailed
from apps.people.models import Person
from apps.rosters.services.exports import export_people_xlsx, parse_filters

pytestmark = pytest.mark.django_db


def sheet_rows(data: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def xml_text(data: bytes) -> str:
    """Every part of the workbook, unzipped: a plaintext number must be in none of them."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def login(client, world, username):
    client.force_login(world.users[username])
    return client


def people_export(client, **params):
    response = client.get(reverse("rosters_export:people"), params)
    return response, (b"".join(response.streaming_content) if response.status_code == 200 else b"")


def names(data: bytes) -> set[str]:
    return {row[2] for row in sheet_rows(data)[1:]}


def plaintext_documents() -> list[str]:
    return [decrypt_text(c) for c in Person.objects.values_list("doc_cipher", flat=True)]


def test_it_exports_only_the_class_of_a_class_teacher(client, world):
    response, data = people_export(login(client, world, "teacher_a1"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert names(data) == {"张小明", "刘小红"}


def test_it_keeps_a_class_teacher_to_their_class_even_with_another_class_as_filter(client, world):
    other = world.classes["a_c2"].pk
    _, data = people_export(login(client, world, "teacher_a1"), klass=other)
    assert names(data) == set()


def test_it_gives_a_bureau_of_another_county_no_row_of_jinshui(client, world):
    school_a = world.schools["a"].pk
    for username in ("zhongyuan_bureau", "luoyang_bureau"):
        client.force_login(world.users[username])
        _, data = people_export(client, school=school_a)
        assert sheet_rows(data)[1:] == []
    _, data = people_export(login(client, world, "luoyang_bureau"))
    assert names(data) == {"孙小丽"}


def test_it_gives_a_guardian_and_a_student_nothing(client, world):
    for username in ("guardian_a1", "student_a1", "gate_a"):
        client.force_login(world.users[username])
        for name in ("people", "classes", "households"):
            response = client.get(reverse(f"rosters_export:{name}"))
            assert response.status_code == 404, (username, name)


def test_it_masks_documents_and_phones_by_default(client, world):
    _, data = people_export(login(client, world, "province"))
    rows = sheet_rows(data)
    assert len(rows) == 1 + Person.objects.count()
    text = xml_text(data)
    for document in plaintext_documents():
        assert document not in text
        assert all(document not in str(cell) for row in rows for cell in row)
    assert "13800138000" not in text
    assert {row[8] for row in rows[1:]} == {"138****8000"}
    assert not AccessLog.objects.exists()


def test_it_writes_the_chinese_header_row_by_default(client, world):
    _, data = people_export(login(client, world, "school_a_admin"))
    header = sheet_rows(data)[0]
    assert header[:3] == ["学校", "学号/工号", "姓名"]
    assert "证件号码" in header


def test_it_writes_an_english_header_after_switching_language(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _, data = people_export(login(client, world, "school_a_admin"))
    header = sheet_rows(data)[0]
    assert header[:3] == ["School", "Student or staff number", "Name"]
    assert "Document number" in header
    assert sheet_rows(data)[1][3] in {"Student", "Staff"}


def test_it_reveals_documents_with_the_right_and_a_reason_in_one_log_row(client, world):
    login(client, world, "school_a_admin")
    klass = world.classes["a_c1"].pk
    response = client.post(
        reverse("rosters_export:people"), {"klass": klass, "reveal": "1", "reason": "CDC list"}
    )
    data = b"".join(response.streaming_content)
    documents = {row[7] for row in sheet_rows(data)[1:]}
    expected = {decrypt_text(p.doc_cipher) for p in Person.objects.filter(klass_id=klass)}
    assert documents == expected and len(expected) == 2
    log = AccessLog.objects.get()
    assert (log.action, log.user, log.reason) == ("export_unmasked", world.users["school_a_admin"],
                                                  "CDC list")
    assert f"klass={klass}" in log.fields and "rows=2" in log.fields


def test_it_refuses_an_unmasked_export_without_a_reason(client, world):
    login(client, world, "school_a_admin")
    response = client.post(reverse("rosters_export:people"), {"reveal": "1", "reason": "  "})
    assert response.status_code == 400
    with pytest.raises(ValidationFailed):
        export_people_xlsx(user=world.users["school_a_admin"], filters={}, reveal=True)
    assert not AccessLog.objects.exists()


def test_it_refuses_an_unmasked_export_without_the_right(client, world):
    login(client, world, "teacher_a1")  # sees the class, may not reveal IDs
    response = client.post(reverse("rosters_export:people"), {"reveal": "1", "reason": "CDC"})
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_it_needs_a_post_with_csrf_to_reveal(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["school_a_admin"])
    response = client.post(reverse("rosters_export:people"), {"reveal": "1", "reason": "CDC"})
    assert response.status_code == 403
    assert not AccessLog.objects.exists()


def test_it_exports_classes_with_counts_in_scope(client, world):
    login(client, world, "school_a_admin")
    response = client.get(reverse("rosters_export:classes"))
    rows = sheet_rows(b"".join(response.streaming_content))
    counts = {row[2]: row[4] for row in rows[1:]}
    assert counts == {world.classes["a_c1"].name: 2, world.classes["a_c2"].name: 1}
    login(client, world, "teacher_a1")
    rows = sheet_rows(b"".join(client.get(reverse("rosters_export:classes")).streaming_content))
    assert [row[2] for row in rows[1:]] == [world.classes["a_c1"].name]


def test_it_exports_households_in_scope(client, world):
    login(client, world, "teacher_a1")
    rows = sheet_rows(b"".join(client.get(reverse("rosters_export:households")).streaming_content))
    assert [row[4] for row in rows[1:]] == ["张奶奶"]
    login(client, world, "luoyang_bureau")
    rows = sheet_rows(b"".join(client.get(reverse("rosters_export:households")).streaming_content))
    assert rows[1:] == []


def test_it_exports_through_the_api_with_the_same_scope(client, world):
    login(client, world, "teacher_a1")
    response = client.get("/api/v1/exports/people.xlsx")
    assert response.status_code == 200
    assert names(b"".join(response.streaming_content)) == {"张小明", "刘小红"}
    login(client, world, "guardian_a1")
    assert client.get("/api/v1/exports/people.xlsx").status_code == 404


def test_it_reveals_through_the_api_with_a_reason(client, world):
    login(client, world, "school_a_admin")
    response = client.post(
        "/api/v1/exports/people.xlsx", {"klass": world.classes["a_c2"].pk, "reason": "CDC"},
        content_type="application/json",
    )
    assert response.status_code == 200
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[1][7] == decrypt_text(world.persons["a2_student"].doc_cipher)
    assert AccessLog.objects.filter(action="export_unmasked").count() == 1


def test_it_keeps_a_formula_as_text():
    from apps.rosters.services.exports import _write

    result = _write("t", "T", [("A", 10)], iter([("=HYPERLINK(\"x\")",)]))
    data = result.file.read()
    result.file.close()
    assert "<f>" not in xml_text(data)
    assert sheet_rows(data)[1] == ['=HYPERLINK("x")']


def test_it_parses_filters_and_ignores_garbage():
    assert parse_filters({"school": "3", "unit": "x", "q": " li ", "other": "1"}) == {
        "school": 3, "q": "li",
    }


def test_it_offers_the_export_and_the_reveal_option_on_the_person_list(client, world):
    page = login(client, world, "school_a_admin").get(reverse("web:person_list")).content.decode()
    assert reverse("rosters_export:people") in page and 'name="reveal"' in page
    page = login(client, world, "teacher_a1").get(reverse("web:person_list")).content.decode()
    assert reverse("rosters_export:people") in page and 'name="reveal"' not in page
    page = login(client, world, "guardian_a1").get(reverse("web:person_list")).content.decode()
    assert reverse("rosters_export:people") not in page
