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
