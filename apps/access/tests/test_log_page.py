"""The access-log page: scoped to the schools an admin answers for, filtered, exported."""

import io

import pytest
from python_calamine import CalamineWorkbook

from apps.access.audit import access_record
from apps.access.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(world):
    """A reveal in school a and one in school b (another county of another city)."""
    a, b = world.persons["a1_student"], world.persons["b1_student"]
    access_record(user=world.users["school_a_admin"], action="reveal_document", obj=a,
                  fields="doc_number", reason="核对学籍")
    access_record(user=world.users["school_b_admin"], action="reveal_document", obj=b,
                  fields="doc_number", reason="转学")
    access_record(user=world.users["teacher_a1"], action="view_travel", obj=a,
                  fields="trips,exposures")
    return world


def _reasons(answer) -> set[str]:
    return {row.reason for row in answer.context["page"].object_list}


@pytest.mark.parametrize(("who", "seen"), [
    ("province", {"核对学籍", "转学", ""}),
    ("jinshui_bureau", {"核对学籍", ""}),
    ("school_a_admin", {"核对学籍", ""}),
    ("school_b_admin", {"转学"}),
])
def test_it_shows_each_admin_the_log_of_their_schools_only(logged, client, who, seen):
    client.force_login(logged.users[who])
    answer = client.get("/access-log/")
    assert answer.status_code == 200
    assert _reasons(answer) == seen


@pytest.mark.parametrize("who", ["teacher_a1", "guardian_a1", "gate_a", "reporter_a"])
def test_it_is_not_there_for_those_who_do_not_answer_for_the_log(logged, client, who):
    client.force_login(logged.users[who])
    assert client.get("/access-log/").status_code == 404
    assert client.get("/access-log/export.xlsx").status_code == 404


def test_it_filters_by_what_who_school_and_day(logged, client):
    client.force_login(logged.users["province"])
    assert _reasons(client.get("/access-log/?action=view_travel")) == {""}
    assert _reasons(client.get("/access-log/?who=school_b")) == {"转学"}
    school = logged.schools["a"].pk
    assert _reasons(client.get(f"/access-log/?school={school}")) == {"核对学籍", ""}
    assert _reasons(client.get("/access-log/?since=2099-01-01")) == set()
    # another school than one's own is no filter at all, but a field error
    client.force_login(logged.users["school_a_admin"])
    other = client.get(f"/access-log/?school={logged.schools['b'].pk}")
    assert other.context["form"].errors["school"]


def test_it_exports_the_filtered_log_to_excel(logged, client):
    client.force_login(logged.users["jinshui_bureau"])
    answer = client.get("/access-log/export.xlsx?action=reveal_document")
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith('attachment; filename="access-log-')
    assert "no-store" in answer["Cache-Control"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(answer.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][:3] == ["时间", "操作人", "操作"]
    assert len(rows) == 2 and rows[1][6] == "核对学籍"
    assert AccessLog.objects.count() == 3  # reading the log is not itself a look at a person
