import io

from apps.demo.progress import ProgressBar


def test_it_shows_done_total_rate_and_time_left():
    bar = ProgressBar("persons")
    line = bar.line(250, 1000, 900, elapsed=5.0)
    assert "250/1,000" in line and "25%" in line and "50/s" in line and "900 rows" in line
    assert "ETA 0:15" in line


def test_it_ends_the_line_when_done():
    out = io.StringIO()
    bar = ProgressBar("persons", stream=out)
    bar(10, 10, 20)
    assert out.getvalue().startswith("\r") and out.getvalue().endswith("\n")
