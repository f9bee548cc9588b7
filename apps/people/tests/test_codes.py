"""Personal codes: signed, rotating daily in Asia/Shanghai, never the ID number."""

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.people.codes import (
    InvalidCode,
    personal_code_issue,
    personal_code_svg,
    personal_code_verify,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
PERSON = SimpleNamespace(pk=1234, school_id=56)
DAY = date(2024, 9, 2)
NOON = datetime(2024, 9, 2, 12, 0, tzinfo=SHANGHAI)


def reason(code, now=NOON):
    with pytest.raises(InvalidCode) as exc:
        personal_code_verify(code, now=now)
    return exc.value.reason


def test_it_issues_a_code_that_verifies():
    code = personal_code_issue(person=PERSON, day=DAY)
    assert re.fullmatch(r"SD1\.56\.1234\.20240902\.[A-Z2-7]{16}", code)
    assert personal_code_verify(code, now=NOON) == (56, 1234)
    assert personal_code_verify(f" {code}\r\n", now=NOON) == (56, 1234)  # scanner line ends


def test_it_rotates_daily():
    assert personal_code_issue(person=PERSON, day=DAY) != personal_code_issue(
        person=PERSON, day=DAY + timedelta(days=1)
    )


def test_it_uses_the_shanghai_day(settings):
    # 2024-09-01 17:00 UTC is already 2 September in Shanghai.
    late_utc = datetime(2024, 9, 1, 17, 0, tzinfo=ZoneInfo("UTC"))
    code = personal_code_issue(person=PERSON, day=DAY)
    assert personal_code_verify(code, now=late_utc) == (56, 1234)


def test_it_issues_for_today_by_default(world):
    from django.utils import timezone

    person = world.persons["a1_student"]
    code = personal_code_issue(person=person)
    assert f".{timezone.localdate():%Y%m%d}." in code
    assert personal_code_verify(code) == (person.school_id, person.pk)


def test_it_never_contains_the_id_number(world):
    person = world.persons["a1_student"]
    code = personal_code_issue(person=person)
    assert person.plain_document not in code
    assert person.plain_document[6:14] not in code  # not even the birth date


def test_it_accepts_yesterday_only_in_the_grace_hours(settings):
    settings.PERSONAL_CODE_GRACE_HOURS = 2
    yesterday = personal_code_issue(person=PERSON, day=DAY - timedelta(days=1))
    assert personal_code_verify(yesterday, now=datetime(2024, 9, 2, 1, 59, tzinfo=SHANGHAI))
    assert reason(yesterday, now=datetime(2024, 9, 2, 2, 0, tzinfo=SHANGHAI)) == "expired"
    assert reason(yesterday) == "expired"
    older = personal_code_issue(person=PERSON, day=DAY - timedelta(days=2))
    assert reason(older, now=datetime(2024, 9, 2, 0, 30, tzinfo=SHANGHAI)) == "expired"


def test_it_refuses_a_code_for_a_later_day():
    assert (
        reason(personal_code_issue(person=PERSON, day=DAY + timedelta(days=1))) == "not_yet_valid"
    )


def test_it_refuses_a_code_signed_with_another_key(settings):
    code = personal_code_issue(person=PERSON, day=DAY)
    settings.PERSONAL_CODE_KEY = b"k" * 32
    assert reason(code) == "tampered"


@pytest.mark.parametrize(
    "code",
    [
        "",
        "SD1",
        "SD1.56.1234.20240902",
        "SD2.56.1234.20240902.AAAAAAAAAAAAAAAA",
        "SD1.056.1234.20240902.AAAAAAAAAAAAAAAA",
        "SD1.56.1234.2024092.AAAAAAAAAAAAAAAA",
        "SD1.56.1234.20240902.aaaaaaaaaaaaaaaa",
        "11010519491231002X",
        None,
        42,
    ],
)
def test_it_refuses_malformed_codes(code):
    assert reason(code) == "malformed"


def test_it_refuses_a_moved_id():
    code = personal_code_issue(person=PERSON, day=DAY)
    assert reason(code.replace(".1234.", ".1235.")) == "tampered"
    assert reason(code.replace("SD1.56.", "SD1.57.")) == "tampered"


CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz.- $%*+/:"


@given(st.data())
def test_it_rejects_any_change_of_any_character(data):
    code = personal_code_issue(person=PERSON, day=DAY)
    position = data.draw(st.integers(0, len(code) - 1))
    replacement = data.draw(st.sampled_from(CODE_ALPHABET).filter(lambda c: c != code[position]))
    tampered = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(InvalidCode):
        personal_code_verify(tampered, now=NOON)


@given(st.integers(0, 36), st.integers(1, 3))
def test_it_rejects_a_code_with_characters_dropped(position, count):
    code = personal_code_issue(person=PERSON, day=DAY)
    assert len(code) == 37
    with pytest.raises(InvalidCode):
        personal_code_verify(code[:position] + code[position + count :], now=NOON)


def test_it_draws_an_inline_svg_qr_code():
    svg = personal_code_svg(personal_code_issue(person=PERSON, day=DAY))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "xmlns" not in svg
