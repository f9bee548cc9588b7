"""The roster import pages with the personas of the test province."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from apps.people.models import Person
from apps.rosters.models import RosterImport
from apps.rosters.tests.files import xlsx
from apps.rosters.tests.test_services import HEADER, _student


def _client(world, username):
    client = Client()
    client.force_login(world.users[username])
    return client


def _form(world, rows, **extra):
    upload = SimpleUploadedFile("名单.xlsx", xlsx([HEADER, *rows]))
    return {"school": world.schools["a"].pk, "kind": "student", "file": upload, **extra}


def test_it_checks_then_imports_from_the_carried_file(world):
    client = _client(world, "school_a_admin")
    rows = [_student("A2025001", "甲", 1), _student("A2025002", "乙", 3, 班级="无此班")]
    page = client.post(reverse("rosters:import"), _form(world, rows))
    text = page.content.decode()
    assert page.status_code == 200 and 'id="import-errors"' in text and "unknown_class" in text
    assert not Person.objects.filter(number="A2025001").exists()
    content = page.context["content"]
    carried = {"school": world.schools["a"].pk, "kind": "student", "content": content,
               "file_name": "名单.xlsx", "action": "apply"}
    refused = client.post(reverse("rosters:import"), carried)
    assert refused.status_code == 200 and not Person.objects.filter(number="A2025001").exists()
    done = client.post(reverse("rosters:import"), {**carried, "valid_only": "on"})
    assert done.status_code == 302 and Person.objects.filter(number="A2025001").exists()
    history = client.get(reverse("rosters:history")).content.decode()
    assert "名单.xlsx" in history and RosterImport.objects.filter(status="applied").exists()


def test_it_downloads_the_rows_to_fix(world):
    client = _client(world, "school_a_admin")
    rows = [_student("A2025001", "甲", 1), _student("A2025002", "乙", 3, 班级="无此班")]
    response = client.post(reverse("rosters:import"), _form(world, rows, action="report"))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    assert [line[0] for line in sheet.to_python()[1:]] == ["A2025002"]


def test_an_unreadable_file_shows_why(world):
    client = _client(world, "school_a_admin")
    upload = SimpleUploadedFile("名单.xls", b"<html><table></table></html>")
    page = client.post(reverse("rosters:import"), {"school": world.schools["a"].pk,
                                                   "kind": "student", "file": upload})
    assert "invalid-feedback" in page.content.decode()


def test_the_menu_and_pages_are_for_importers_only(world):
    teacher = _client(world, "teacher_a1")
    assert "/rosters/import/" in teacher.get(reverse("web:home")).content.decode()
    assert teacher.get(reverse("rosters:template", args=["student"])).status_code == 200
    gate = _client(world, "gate_a")
    assert "/rosters/import/" not in gate.get(reverse("web:home")).content.decode()
    for name, args in (("rosters:import", []), ("rosters:history", []),
                       ("rosters:template", ["staff"])):
        assert gate.get(reverse(name, args=args)).status_code == 404


def test_history_shows_only_the_users_schools(world):
    _client(world, "school_a_admin").post(reverse("rosters:import"),
                                          _form(world, [_student("A2025001", "甲", 1)]))
    other = _client(world, "school_b_admin").get(reverse("rosters:history")).content.decode()
    assert "名单.xlsx" not in other
