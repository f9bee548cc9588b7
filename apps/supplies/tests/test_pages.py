"""The supplies pages: a school's page with its cover, forms, ledger, workbook and chart;
movements and a stocktake import posted; the bureau's list; the home pages' warnings;
those outside the scope answered 404."""

import pytest

from apps.access.models import AccessLog
from apps.supplies.models import Stock
from shaodian.testing.outputs import client_for, read_xlsx

from .conftest import workbook

pytestmark = pytest.mark.django_db


def page(school_id):
    return f"/supplies/schools/{school_id}/"


def test_a_school_records_a_count_and_use_and_is_flagged(counted):
    client, pk = client_for(counted, "school_a_admin"), counted.schools["a"].pk
    shown = client.get(page(pk))
    assert shown.status_code == 200 and "chart-cover" in shown.content.decode()
    form = {"item": "masks", "kind": "counted", "quantity": 100, "day": "",
            "client_id": "f1"}
    form["day"] = shown.context["movement_form"].fields["day"].initial.isoformat()
    assert client.post(f"{page(pk)}record/", form).status_code == 302
    used = {**form, "kind": "used", "quantity": 70, "client_id": "f2"}
    assert client.post(f"{page(pk)}record/", used).status_code == 302
    assert Stock.objects.get(school_id=pk, item="masks").quantity == 30
    again = client.get(page(pk))
    assert [r.item for r in again.context["below"]][:1] == ["masks"]
    home = client.get("/")
    assert "supplies-short" in home.content.decode()


def test_a_refused_movement_shows_the_form_again(world):
    client, pk = client_for(world, "school_a_admin"), world.schools["a"].pk
    answer = client.post(f"{page(pk)}record/", {"item": "masks", "kind": "used",
                                                 "quantity": 5, "day": "2000-01-01"})
    assert answer.status_code == 400 and answer.context["movement_form"].errors


def test_a_stocktake_is_imported_or_its_rows_named(world):
    client, pk = client_for(world, "school_a_admin"), world.schools["a"].pk
    bad = workbook([("口罩", 5), ("黄金", 1)])
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(data):
        return client.post(f"{page(pk)}import/", {"file": SimpleUploadedFile(
            "counts.xlsx", data), "client_id": ""})
    refused = upload(bad)
    assert refused.status_code == 400 and "import-errors" in refused.content.decode()
    assert not Stock.objects.exists()
    assert upload(workbook([("口罩", 5), ("手套", 2)])).status_code == 302
    assert Stock.objects.get(school_id=pk, item="gloves").quantity == 2


def test_the_workbook_is_the_stock_and_its_output_logged(counted):
    client, pk = client_for(counted, "jinshui_bureau", "en"), counted.schools["a"].pk
    answer = client.get(f"{page(pk)}stock.xlsx")
    rows = next(iter(read_xlsx(answer).values()))
    assert rows[3][:3] == ["Item", "Unit", "Stock"] and rows[4][:3] == ["Masks", "pcs", 0]
    assert AccessLog.objects.filter(object_id=str(pk)).exists()


def test_the_bureau_sees_its_schools_below_cover(counted):
    answer = client_for(counted, "jinshui_bureau").get("/supplies/")
    assert [r.school.pk for r in answer.context["rows"]] == [counted.schools["a"].pk]
    assert client_for(counted, "school_a_admin").get(page(counted.schools["a"].pk)
                                                     ).context["manage"]
    assert not client_for(counted, "jinshui_bureau").get(
        page(counted.schools["a"].pk)).context["manage"]


@pytest.mark.parametrize("who", ["school_b_admin", "luoyang_bureau", "teacher_a1",
                                 "guardian_a1"])
def test_outside_the_scope_the_school_is_not_there(world, who):
    client, pk = client_for(world, who), world.schools["a"].pk
    assert client.get(page(pk)).status_code == 404
    assert client.get(f"{page(pk)}stock.xlsx").status_code == 404
    assert client.post(f"{page(pk)}record/", {"item": "masks", "kind": "received",
                                              "quantity": 1}).status_code == 404
