"""The supervision pages: plan, record an item with photos from a phone, complete; the school
answers with a photo served only through the scoped photo page; the findings printed and
exported (each one access-log row); the overview with its chart by item."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.access.models import AccessLog
from apps.supervision.models import Inspection, Photo, Rectification
from apps.supervision.tests.conftest import performed, photo
from shaodian.testing.outputs import client_for, header_row, read_xlsx, refused_unlogged

pytestmark = pytest.mark.django_db


def test_an_inspector_plans_records_with_photos_and_completes_on_the_pages(world):
    client = client_for(world, "jinshui_bureau")
    page = client.get(reverse("supervision:list"))
    assert page.status_code == 200 and 'id="inspection-plan-form"' in page.content.decode()
    made = client.post(reverse("supervision:list"), {
        "school": world.schools["a"].pk, "checklist": "directive-2022",
        "planned_on": timezone.localdate().isoformat(), "note": ""})
    inspection = Inspection.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/supervision/{inspection.pk}/"
    record = reverse("supervision:record", args=[inspection.pk])
    refused = client.post(record, {"code": "supplies", "result": "fail", "note": ""})
    assert refused.status_code == 400 and "说明问题" in refused.content.decode()
    saved = client.post(record, {"code": "supplies", "result": "fail", "note": "口罩不足",
                                 "photos": [photo(), photo("b.png")]})
    assert saved.status_code == 302 and saved["Location"].endswith("#item-supplies")
    assert Photo.objects.filter(item__code="supplies").count() == 2
    done = client.post(reverse("supervision:complete", args=[inspection.pk]), follow=True)
    assert "请先记录每一项" in done.content.decode()


def test_the_photo_is_served_only_to_those_who_see_it(world):
    inspection = performed(world)
    rect = inspection.rectifications.first()
    teacher = world.users["teacher_a1"]
    Rectification.objects.filter(pk=rect.pk).update(assignee=teacher)
    answer = client_for(world, "teacher_a1").post(
        reverse("supervision:rectification_answer", args=[rect.pk]),
        {"answer": "已补足", "photos": [photo()]})
    assert answer.status_code == 302
    evidence = Photo.objects.get(rectification=rect)
    url = reverse("supervision:photo", args=[evidence.pk])
    for username in ("teacher_a1", "school_a_admin", "jinshui_bureau", "province"):
        served = client_for(world, username).get(url)
        assert served.status_code == 200 and served["Content-Type"] == "image/png"
        assert served["X-Content-Type-Options"] == "nosniff"
        assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    for username in ("teacher_a2", "zhongyuan_bureau", "school_b_admin", "guardian_a1"):
        assert client_for(world, username).get(url).status_code == 404
    assert "/media/" not in url and not url.startswith("/static/")
    seen = Photo.objects.get(item=rect.item)  # the inspector's photo of the item
    assert client_for(world, "teacher_a1").get(
        reverse("supervision:photo", args=[seen.pk])).status_code == 200
    other = Photo.objects.exclude(item=rect.item).exclude(rectification=rect).first()
    assert client_for(world, "teacher_a1").get(
        reverse("supervision:photo", args=[other.pk])).status_code == 404


def test_a_wrong_file_is_refused_on_the_answer_form(world):
    rect = performed(world).rectifications.first()
    page = client_for(world, "school_a_admin").post(
        reverse("supervision:rectification_answer", args=[rect.pk]),
        {"answer": "已补足", "photos": [photo("x.png", b"<svg onload=alert(1)>")]})
    assert page.status_code == 400 and "只能上传 JPEG、PNG 或 WebP 照片" in page.content.decode()
    assert not Photo.objects.filter(rectification=rect).exists()
    rect.refresh_from_db()
    assert rect.state == "open"


def test_it_prints_and_exports_the_findings_and_logs_each(world):
    inspection = performed(world)
    client = client_for(world, "school_a_admin")
    page = client.get(reverse("supervision:findings_print", args=[inspection.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "金水区第一中学" in text.split('id="print-meta"')[1]
    assert "口罩储备不足三天" in text and "不合格" in text
    assert reverse("supervision:findings_xlsx", args=[inspection.pk]) in text
    book = client_for(world, "school_a_admin", "en").get(
        reverse("supervision:findings_xlsx", args=[inspection.pk]))
    rows = read_xlsx(book)["Inspection findings"]
    top = header_row(rows, "No.")
    assert rows[top][:3] == ["No.", "Item", "Result"] and len(rows) - top - 1 == 12
    assert [r[2] for r in rows[top + 1:]].count("Fail") == 2
    assert list(AccessLog.objects.order_by("id").values_list("action", flat=True)) == [
        "print_list", "export_list"]


def test_outside_the_scope_the_findings_are_a_404_and_nothing_is_logged(world):
    inspection = performed(world)
    assert refused_unlogged(client_for(world, "zhongyuan_bureau"),
                            (reverse("supervision:findings_print", args=[inspection.pk]), None),
                            (reverse("supervision:findings_xlsx", args=[inspection.pk]), None))


def test_the_overview_counts_and_charts_failures_by_item(world):
    performed(world)
    page = client_for(world, "province").get(
        reverse("supervision:overview"))
    text = page.content.decode()
    assert page.status_code == 200
    chart = json.loads(text.split('id="chart-data" type="application/json">')[1]
                       .split("</script>")[0])
    assert sum(chart["items"]["values"]) == 2 and "通风消毒" in chart["items"]["labels"]
    assert 'id="fig-open">2<' in text and 'id="fig-inspected">1 / 2<' in text
    assert client_for(world, "school_a_admin").get(
        reverse("supervision:overview")).status_code == 404


def test_a_class_teacher_and_a_guardian_find_no_supervision_page(world):
    performed(world)
    for username in ("teacher_a2", "guardian_a1"):
        client = client_for(world, username)
        assert client.get(reverse("supervision:list")).status_code == 404
        listed = client.get(reverse("supervision:rectifications"))
        assert 'data-rectification' not in listed.content.decode()
