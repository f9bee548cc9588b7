"""The benchmark harness (bench/): registry, output lines, and the generate_province benchmark."""

import pytest

import bench
from apps.people.models import Person
from bench.__main__ import _load_benchmarks, main
from bench.database import is_postgres
from bench.generate_province import generate_province


def test_it_prints_the_agreed_line():
    line = bench.Result("generate_province", 359.54, "s", "< 600 s").line()
    assert line == "bench generate_province: 359.5 s (target < 600 s)"
    assert bench.Result("x_rate", 31968.4, "rows/s", "> 19155 rows/s").line() == (
        "bench x_rate: 31968 rows/s (target > 19155 rows/s)"
    )


def test_it_finds_every_benchmark_module(capsys):
    _load_benchmarks()
    assert "generate_province" in bench.REGISTRY
    assert main(["--list"]) == 0
    assert "generate_province" in capsys.readouterr().out.split()


def test_it_refuses_to_register_a_name_twice():
    with pytest.raises(ValueError):
        bench.benchmark("generate_province")(lambda ctx: [])


def test_it_tells_postgres_urls():
    assert is_postgres("postgres://postgres@127.0.0.1:5432/x")
    assert is_postgres("postgresql://u@h/x")
    assert not is_postgres("sqlite:////tmp/x.sqlite3")
    assert not is_postgres("")


@pytest.mark.django_db
def test_it_measures_generation_and_leaves_a_given_database_as_it_was(regions):
    results = generate_province(bench.Context(persons=150, scratch=False))
    assert [(r.name, r.unit) for r in results] == [
        ("generate_province", "s"),
        ("generate_province_rate", "rows/s"),
    ]
    assert results[0].figure > 0 and results[0].target == "< 0.03 s"
    assert Person.objects.count() == 0


@pytest.mark.parametrize(("figure", "target", "missed"), [
    (599.0, "< 600 s", False), (600.0, "< 600 s", True), (600.0, "<= 600 s", False),
    (0.47, ">= 0.5", True), (0.5, ">= 0.5", False), (1000.0, "> 1000 verdicts/s", True),
    (19364.0, ">= 15000 rows/s, 1000000 rows, 123 MB xlsx", False),
    (80.9, "<= 40 x, judged against the COPY", True),
    (12.0, "a phase of the above", False), (3.0, "at 32 connections", False),
    (20000.0, ">= 19,155 rows/s", False),
])
def test_it_judges_a_figure_against_its_target(figure, target, missed):
    result = bench.Result("x", figure, "u", target)
    assert result.missed is missed
    assert result.line().endswith(" MISSED") is missed


def test_it_exits_non_zero_naming_every_missed_target(monkeypatch, capsys):
    from bench import __main__ as harness

    results = [bench.Result("fast_enough", 5.0, "s", "< 10 s"),
               bench.Result("too_slow", 12.0, "s", "< 10 s"),
               bench.Result("too_few", 400.0, "x/s", ">= 1000 x/s"),
               bench.Result("note", 3.0, "ms", "a phase")]
    monkeypatch.setattr(harness, "_run", lambda args, argv: results)
    assert main([]) == 1
    err = capsys.readouterr().err
    assert "2 target(s) missed" in err and "too_slow" in err and "too_few" in err
    assert "fast_enough" not in err and "note" not in err
    monkeypatch.setattr(harness, "_run", lambda args, argv: results[:1])
    assert main([]) == 0


def test_it_writes_the_runs_lines_into_the_readme_block(tmp_path):
    from datetime import date

    from bench.readme import BEGIN, END, block_lines, readme_write

    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{BEGIN}\n```\nbench a: 1.00 s (target < 2 s)  # old\n"
                      f"bench b: 3.00 s (target < 4 s)  # old\n```\n{END}\n\nafter\n",
                      encoding="utf-8")
    readme_write(["bench b: 2.00 s (target < 4 s)", "bench c: 5.00 s (target < 9 s)"],
                 ["b", "--persons", "100"], readme=readme, today=date(2026, 12, 6))
    text = readme.read_text(encoding="utf-8")
    stamp = "  # 2026-12-06, python -m bench b --persons 100"
    assert block_lines(text) == ["bench a: 1.00 s (target < 2 s)  # old",
                                 "bench b: 2.00 s (target < 4 s)" + stamp,
                                 "bench c: 5.00 s (target < 9 s)" + stamp]
    assert text.startswith("# x\n\n") and text.endswith(f"{END}\n\nafter\n")
