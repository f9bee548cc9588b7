"""The approval pages: my requests and the form of each type, the inbox, a request with its
history and the decision form; zh by default and en complete."""

import pytest

from apps.approvals.models import ApprovalRequest
from apps.approvals.tests.conftest import MEETING, asked, day
from shaodian.testing.outputs import client_for

pytestmark = pytest.mark.django_db


def _form(**changes):
    data = {"title": MEETING["title"], "starts_on": day(3).isoformat(),
            "ends_on": day(3).isoformat(), "participants": 30, "venue": "会议室",
            "online_considered": "on", "why_offline": "需现场演示", "client_id": "p-1"}
    return {**data, **changes}


def test_a_teacher_asks_on_the_page_and_sees_the_limit_refused(henan):
    teacher = client_for(henan, "teacher_a1")
    assert teacher.get("/approvals/").status_code == 200
    form = teacher.get("/approvals/new/?kind=trip").context["form"]
    assert "destination" in form.fields and "participants" not in form.fields
    over = teacher.post("/approvals/new/?kind=meeting", _form(participants=80))
    assert over.status_code == 400
    assert "线下会议人数上限为 50 人" in over.content.decode()
    made = teacher.post("/approvals/new/?kind=meeting", _form())
    request = ApprovalRequest.objects.get()
    assert made.status_code == 302 and made.url == f"/approvals/{request.pk}/"
    assert teacher.get("/approvals/new/?kind=nothing").status_code == 302


def test_the_admin_decides_on_the_request_page_and_the_history_shows_it(henan):
    request = asked(henan)
    admin = client_for(henan, "school_a_admin")
    inbox = admin.get("/approvals/inbox/")
    assert [r.pk for r in inbox.context["page"]] == [request.pk]
    page = admin.get(f"/approvals/{request.pk}/")
    assert page.context["decides"] and not page.context["withdraws"]
    bad = admin.post(f"/approvals/{request.pk}/decide/", {"decision": "refuse", "reason": ""})
    assert bad.status_code == 400 and bad.context["decide_form"].errors
    done = admin.post(f"/approvals/{request.pk}/decide/", {"decision": "approve",
                                                             "reason": ""})
    assert done.status_code == 302
    history = admin.get(f"/approvals/{request.pk}/").context["history"]
    assert [h.state for h in history] == ["pending", "approved"]
    assert client_for(henan, "school_b_admin").get(f"/approvals/{request.pk}/").status_code == 404
    assert client_for(henan, "student_a1").get("/approvals/inbox/").status_code == 404
    assert client_for(henan, "school_a_admin").get("/approvals/").status_code == 404


def test_the_pages_are_complete_in_english(henan):
    request = asked(henan)
    teacher = client_for(henan, "teacher_a1")
    teacher.cookies["django_language"] = "en"
    text = teacher.get(f"/approvals/{request.pk}/").content.decode()
    assert "Offline meeting or training" in text and "Withdraw the request" in text
    assert "Send the request" in teacher.get("/approvals/new/?kind=visitor").content.decode()
