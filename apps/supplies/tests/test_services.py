from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.supplies import services
from apps.supplies.models import CoverSnapshot, Movement, Stock

from .conftest import workbook


def record(world, kind, quantity, *, item="masks", who="school_a_admin", school="a", **kw):
    return services.movement_record(actor=world.users[who], school_id=world.schools[school].pk,
                                    item=item, kind=kind, quantity=quantity, **kw)


def level(world, item="masks", school="a"):
    return Stock.objects.get(school=world.schools[school], item=item).quantity


def test_it_sets_the_level_by_count_and_moves_it_by_each_kind(world):
    record(world, "counted", 100)
    record(world, "received", 50)
    record(world, "used", 30)
    record(world, "transferred", 10, note="借给二中")
    record(world, "expired", 5)
    assert level(world) == 105
    assert list(Movement.objects.values_list("level_after", flat=True).order_by("id")) == [
        100, 150, 120, 110, 105]
    record(world, "counted", 90)  # a stocktake finds what is there
    assert level(world) == 90


def test_it_records_a_submission_once(world):
    first = record(world, "received", 10, client_id="phone-1")
    again = record(world, "received", 10, client_id="phone-1")
    assert first.pk == again.pk and level(world) == 10


def test_it_names_every_bad_field_and_writes_nothing(world):
    with pytest.raises(ValidationFailed) as exc:
        record(world, "lost", 0, item="gold", day=timezone.localdate() + timedelta(days=1))
    assert {e.field for e in exc.value.errors} == {"item", "kind", "quantity", "day"}
    assert not Movement.objects.exists()


def test_it_refuses_taking_more_than_the_stock(world):
    record(world, "counted", 5)
    with pytest.raises(ValidationFailed) as exc:
        record(world, "used", 6)
    assert exc.value.errors[0].reason == "more_than_stock" and level(world) == 5


def test_only_the_schools_epidemic_office_records(world):
    for who, school in (("school_b_admin", "a"), ("jinshui_bureau", "a"),
                        ("teacher_a1", "a"), ("guardian_a1", "a")):
        with pytest.raises(ValidationFailed) as exc:
            record(world, "received", 1, who=who, school=school)
        assert exc.value.errors[0].reason == "not_found"
    record(world, "received", 1, who="reporter_a")
    assert level(world) == 1


def test_it_imports_a_stocktake_all_or_nothing(world):
    data = workbook([("口罩", 300), ("Gloves", 40), ("消毒液", 12)])
    moved = services.counts_import(actor=world.users["school_a_admin"],
                                   school_id=world.schools["a"].pk, data=data, client_id="x")
    assert len(moved) == 3 and level(world) == 300 and level(world, "gloves") == 40
    again = services.counts_import(actor=world.users["school_a_admin"],
                                   school_id=world.schools["a"].pk, data=data, client_id="x")
    assert len(again) == 3 and Movement.objects.count() == 3


def test_it_names_each_bad_row_of_a_stocktake(world):
    data = workbook([("口罩", 10), ("黄金", 5), ("手套", -1), ("口罩", 3), ("防护服", "many")])
    with pytest.raises(ValidationFailed) as exc:
        services.counts_import(actor=world.users["school_a_admin"],
                               school_id=world.schools["a"].pk, data=data)
    found = {(e.field, e.reason) for e in exc.value.errors}
    assert found == {("rows.3.item", "bad_choice"),  # 手套 is gloves: the quantity is bad
                     ("rows.4.quantity", "invalid"), ("rows.5.item", "duplicate"),
                     ("rows.6.quantity", "invalid")}
    assert all("Row" in e.message or "行" in e.message for e in exc.value.errors)
    assert not Movement.objects.exists()


def test_it_refuses_a_file_that_is_no_workbook_or_has_no_header(world):
    for data, reason in ((b"name,qty\n", "unreadable"),
                         (workbook([("x", 1)], headers=("a", "b")), "no_header")):
        with pytest.raises(ValidationFailed) as exc:
            services.counts_import(actor=world.users["school_a_admin"],
                                   school_id=world.schools["a"].pk, data=data)
        assert exc.value.errors[0].reason == reason


def test_the_snapshot_keeps_one_row_per_school_item_and_day(counted):
    record(counted, "counted", 70)
    assert services.cover_snapshot_take() == services.cover_snapshot_take()
    day = timezone.localdate()
    rows = CoverSnapshot.objects.filter(day=day)
    assert rows.count() == 2 * 7  # two schools, seven items
    masks = rows.get(school=counted.schools["a"], item="masks")
    assert masks.stock == 70 and masks.min_days == 7
