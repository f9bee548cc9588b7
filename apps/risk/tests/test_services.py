"""Designating, changing, lifting and importing risk areas, with the personas of the test
province (shaodian/testing/world.py)."""

import io
from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.risk import selectors, services
from apps.risk.models import RiskArea
from apps.risk.signals import risk_areas_changed

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START = TODAY - timedelta(days=10)


def designate(world, user="province", **kwargs):
    values = {"region_code": "410105", "level": "high", "start": START,
              "source": "郑州市疫情防控指挥部通告第58号", **kwargs}
    return services.risk_area_designate(actor=world.users[user], **values)


def errors_of(exc_info) -> set[tuple[str, str]]:
    return {(e.field, e.reason) for e in exc_info.value.errors}


@pytest.fixture
def received():
    calls = []

    def receiver(sender, area_ids, **kwargs):
        calls.append(area_ids)

    risk_areas_changed.connect(receiver)
    yield calls
    risk_areas_changed.disconnect(receiver)


def test_it_designates_an_area_by_code_or_name_and_keeps_history(world):
    area = designate(world, region_code="郑州市金水区", sub_area=" 杨金路  街道 ", level="中")
    assert (area.region_id, area.level, area.sub_area) == ("410105", "medium", "杨金路 街道")
    assert area.created_by == world.users["province"]
    assert area.history.count() == 1


def test_it_sends_the_signal_on_commit_only(world, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        area = designate(world)
    assert received == [] and len(callbacks) == 1
    callbacks[0]()
    assert received == [[area.pk]]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"region_code": "999999"}, ("region", "unknown_region")),
        ({"region_code": "不存在区"}, ("region", "unknown_region")),
        ({"end": START - timedelta(days=1)}, ("end", "before_start")),
        ({"level": "severe"}, ("level", "unknown_level")),
        ({"source": "  "}, ("source", "required")),
        ({"start": None}, ("start", "required")),
    ],
)
def test_it_names_each_bad_field_and_saves_nothing(world, received, changes, expected,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed) as e:
        designate(world, **changes)
    assert errors_of(e) == {expected}
    assert not RiskArea.objects.exists() and received == []


def test_it_reports_every_bad_field_at_once(world):
    with pytest.raises(ValidationFailed) as e:
        designate(world, region_code="999999", level="x", source="", end=START - timedelta(1))
    assert errors_of(e) == {("region", "unknown_region"), ("level", "unknown_level"),
                            ("source", "required"), ("end", "before_start")}


def test_it_lets_a_county_bureau_designate_only_in_its_county(world):
    with pytest.raises(ValidationFailed) as e:
        designate(world, user="zhongyuan_bureau")
    assert errors_of(e) == {("region", "out_of_scope")}
    assert designate(world, user="jinshui_bureau").region_id == "410105"
    assert designate(world, user="zhongyuan_bureau", region_code="410102").pk


def test_it_lets_the_province_enter_another_provinces_areas_but_not_a_bureau(world):
    assert designate(world, region_code="上海市浦东新区").region_id == "310115"
    with pytest.raises(ValidationFailed) as e:
        designate(world, user="luoyang_bureau", region_code="310115")
    assert errors_of(e) == {("region", "out_of_scope")}


def test_it_refuses_schools_and_teachers(world):
    for user in ("school_a_admin", "teacher_a1", "student_a1"):
        with pytest.raises(Http404):
            designate(world, user=user)


def test_it_refuses_an_overlapping_designation_of_the_same_area(world):
    designate(world, end=START + timedelta(days=5))
    with pytest.raises(ValidationFailed) as e:
        designate(world, start=START + timedelta(days=5), level="medium")
    assert errors_of(e) == {("start", "overlaps")}
    assert designate(world, start=START + timedelta(days=6)).pk  # the day after it ended
    assert designate(world, sub_area="某小区").pk  # a different sub-area


def test_it_updates_a_designation(world):
    area = designate(world, level="medium")
    services.risk_area_update(actor=world.users["jinshui_bureau"], area=area, level="high",
                              end=TODAY)
    area.refresh_from_db()
    assert (area.level, area.end) == ("high", TODAY)
    assert area.history.count() == 2
    with pytest.raises(Http404):
        services.risk_area_update(actor=world.users["zhongyuan_bureau"], area=area, level="low")


def test_it_lifts_a_designation_as_a_recorded_event(world, received,
                                                     django_capture_on_commit_callbacks):
    area = designate(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.risk_area_lift(actor=world.users["jinshui_bureau"], area=area,
                                lifted_on=TODAY, reason="连续14天无新增")
    area.refresh_from_db()
    assert area.end == TODAY and area.lifted_by == world.users["jinshui_bureau"]
    assert area.lift_reason == "连续14天无新增" and area.lifted_at
    assert received == [[area.pk]]
    history = list(selectors.risk_area_history(area))
    assert len(history) == 2 and history[0].history_change_reason.startswith("lifted")
    assert history[1].end is None  # the designation as it was before the lift
    with pytest.raises(ValidationFailed) as e:
        services.risk_area_lift(actor=world.users["province"], area=area, lifted_on=TODAY,
                                reason="again")
    assert errors_of(e) == {("lifted_on", "already_lifted")}


def test_it_refuses_a_lift_before_the_start_or_in_the_future_or_without_reason(world):
    area = designate(world)
    bad = {
        (START - timedelta(days=1), "r"): ("lifted_on", "before_start"),
        (TODAY + timedelta(days=1), "r"): ("lifted_on", "in_future"),
        (TODAY, ""): ("reason", "required"),
    }
    for (lifted_on, reason), expected in bad.items():
        with pytest.raises(ValidationFailed) as e:
            services.risk_area_lift(actor=world.users["province"], area=area,
                                    lifted_on=lifted_on, reason=reason)
        assert errors_of(e) == {expected}
    area.refresh_from_db()
    assert area.lifted_at is None and area.end is None


def test_it_does_not_let_another_county_lift(world):
    area = designate(world)
    with pytest.raises(Http404):
        services.risk_area_lift(actor=world.users["zhongyuan_bureau"], area=area,
                                lifted_on=TODAY, reason="no")


def test_it_selects_areas_in_force_and_for_a_region(world):
    city = designate(world, region_code="410100", end=TODAY - timedelta(days=1))
    county = designate(world, level="medium")
    shanghai = designate(world, region_code="310115")
    assert set(selectors.risk_areas_in_force(TODAY)) == {county, shanghai}
    assert set(selectors.risk_areas_in_force(TODAY - timedelta(days=1))) == {city, county,
                                                                             shanghai}
    assert set(selectors.risk_areas_for_region("410105")) == {city, county}
    assert set(selectors.risk_areas_for_region("410100")) == {city, county}
    assert set(selectors.risk_area_list(user=world.users["gate_a"], level="medium")) == {county}
    assert not selectors.risk_area_list(user=world.users["student_a1"]).exists()


# CSV import -----------------------------------------------------------------------------

HEADER_ZH = "地区,具体区域,风险等级,起始日期,截止日期,来源\n"


def csv_file(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def rows(*lines: str) -> str:
    return HEADER_ZH + "".join(line + "\n" for line in lines)


def test_it_imports_a_gbk_file_with_chinese_headers_and_levels(world):
    text = rows(f"河南省郑州市金水区,杨金路街道,高,{START:%Y/%m/%d},,郑州市通告",
                f"310115,,中风险,{START:%Y年%m月%d日},{TODAY:%Y-%m-%d},上海市通告")
    report = services.risk_areas_import_csv(actor=world.users["province"],
                                            file=csv_file(text, "gbk"))
    assert (report.rows, report.valid, report.created, report.errors) == (2, 2, 2, [])
    made = RiskArea.objects.order_by("region_id")
    assert [(a.region_id, a.level, a.sub_area) for a in made] == [
        ("310115", "medium", ""), ("410105", "high", "杨金路街道")]
    assert all(a.history.count() == 1 for a in made)


def test_it_reads_utf8_with_a_bom_and_english_headers(world):
    text = f"region,sub-area,level,from,to,source\n410105,,LOW,{START},,notice\n"
    report = services.risk_areas_import_csv(actor=world.users["province"],
                                            file=csv_file(text, "utf-8-sig"))
    assert report.created == 1 and RiskArea.objects.get().level == "low"


def test_it_applies_nothing_when_a_row_is_bad_and_reports_every_bad_row(world):
    text = rows(f"410105,,高,{START},,通告",
                f"不存在区,,高,{START},,通告",
                f"410102,,严重,{START},2000-01-01,",
                "410305,,低,2022-02-30,,通告")
    report = services.risk_areas_import_csv(actor=world.users["province"], file=csv_file(text))
    assert report.created == 0 and not RiskArea.objects.exists()
    assert (report.rows, report.valid, report.bad_rows) == (4, 1, 3)
    found = {(e.row, e.column, e.value, e.reason) for e in report.errors}
    assert found == {
        (3, "地区", "不存在区", "unknown_region"),
        (4, "风险等级", "严重", "unknown_level"),
        (4, "截止日期", "2000-01-01", "before_start"),
        (4, "来源", "", "required"),
        (5, "起始日期", "2022-02-30", "bad_date"),
    }


def test_it_applies_the_good_rows_only_when_asked(world, received,
                                                  django_capture_on_commit_callbacks):
    text = rows(f"410105,,高,{START},,通告", f"不存在区,,高,{START},,通告",
                f"410102,,中,{START},,通告")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.risk_areas_import_csv(actor=world.users["province"],
                                                file=csv_file(text), apply_valid_only=True)
    assert report.created == 2 and report.bad_rows == 1
    assert set(RiskArea.objects.values_list("region_id", flat=True)) == {"410105", "410102"}
    assert received == [sorted(report.area_ids)]


def test_it_counts_on_a_dry_run_without_saving(world):
    text = rows(f"410105,,高,{START},,通告", f"410102,,中,{START},,通告")
    report = services.risk_areas_import_csv(actor=world.users["province"], file=csv_file(text),
                                            dry_run=True)
    assert (report.rows, report.valid, report.created, report.dry_run) == (2, 2, 0, True)
    assert not RiskArea.objects.exists()


def test_it_reports_rows_that_repeat_one_another_or_an_existing_designation(world):
    designate(world, region_code="410102")
    text = rows(f"410105,,高,{START},,通告", f"410105,,高,{START},,通告",
                f"410102,,中,{START},,通告")
    report = services.risk_areas_import_csv(actor=world.users["province"], file=csv_file(text))
    assert {(e.row, e.reason) for e in report.errors} == {(3, "overlaps"), (4, "overlaps")}


def test_it_reports_rows_outside_a_bureaus_region_and_missing_columns(world):
    text = rows(f"410105,,高,{START},,通告")
    report = services.risk_areas_import_csv(actor=world.users["zhongyuan_bureau"],
                                            file=csv_file(text))
    assert [(e.row, e.reason) for e in report.errors] == [(2, "out_of_scope")]
    report = services.risk_areas_import_csv(actor=world.users["province"],
                                            file=csv_file("地区,等级\n410105,高\n"))
    assert {(e.row, e.column, e.reason) for e in report.errors} == {
        (1, "start", "missing_column"),
        (1, "source", "missing_column")}
