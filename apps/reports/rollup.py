"""A day of the schools' daily reports summed per county, city and province into RegionDay,
set-based: one grouped statement over the day's reports for the counties, then the cities'
and provinces' rows from the county rows. A bureau's or the province's 14-day trend then
reads one row a day, never the reports of its schools (issue 16 item 4).

Today's rows are rolled up by the drafting sweep after it refreshes the drafts; a day before
today again after a report of that day is submitted or corrected (apps.reports.tasks). Each
statement supplies its own keys, so it runs on Citus as a single-node INSERT … SELECT."""

from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from apps.people.headcounts import COUNTY_KEY
from apps.reports.selectors import TREND_FIGURES

_COLUMNS = ("level, code, day, province_code, city_code, county_code, reports, "
            + ", ".join(TREND_FIGURES) + ", counted_at")


def _figure(name: str) -> str:
    """A figure of the report's JSON as an integer (0 when the report lacks it)."""
    if connection.vendor == "postgresql":
        return f"COALESCE((r.figures ->> '{name}')::integer, 0)"
    return f"COALESCE(CAST(json_extract(r.figures, '$.{name}') AS INTEGER), 0)"


def _counties_sql() -> str:
    sums = ", ".join(f"SUM({_figure(name)})" for name in TREND_FIGURES)
    return f"""
        INSERT INTO reports_regionday ({_COLUMNS})
        SELECT 'county', {COUNTY_KEY}, r.day, s.province_code, s.city_code, s.county_code,
               COUNT(*), {sums}, %s
          FROM reports_dailyreport r JOIN orgs_school s ON s.id = r.school_id
         WHERE r.day = %s
         GROUP BY {COUNTY_KEY}, r.day, s.province_code, s.city_code, s.county_code"""  # noqa: S608


def _above_sql(level: str) -> str:
    city = "city_code" if level == "city" else "''"
    sums = ", ".join(f"SUM({name})" for name in TREND_FIGURES)
    only_cities = "AND city_code <> ''" if level == "city" else ""
    return f"""
        INSERT INTO reports_regionday ({_COLUMNS})
        SELECT '{level}', {level}_code, day, province_code, {city}, '', SUM(reports), {sums}, %s
          FROM reports_regionday
         WHERE level = 'county' AND day = %s {only_cities}
         GROUP BY {level}_code, day, province_code"""  # noqa: S608


def region_days_refresh(*, day: date, now: datetime | None = None) -> int:
    """Every region's row of the day summed again from the schools' reports, in one
    transaction; returns how many county rows it wrote."""
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    when = connection.ops.adapt_datefield_value(day)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_regionday WHERE day = %s", [when])
        cursor.execute(_counties_sql(), [now, when])
        counties = cursor.rowcount
        for level in ("city", "province"):
            cursor.execute(_above_sql(level), [now, when])
    return counties
