from datetime import date, datetime

import pytest

from apps.rosters.normalize import (
    CellError,
    clean_date,
    clean_doc_type,
    clean_document_number,
    clean_residence,
    clean_sex,
    clean_text,
)


def _reason(function, *args):
    with pytest.raises(CellError) as caught:
        function(*args)
    return caught.value.reason


def test_it_cleans_full_width_characters_and_stray_spaces():
    assert clean_text("  张　 三 ") == "张 三"
    assert clean_text("Ａ２０２４００１") == "A2024001"
    assert clean_text(2024001.0) == "2024001" and clean_text(None) == ""


@pytest.mark.parametrize(
    "value",
    ["2010-05-04", "2010/5/4", "2010年5月4日", "20100504", "２０１０－０５－０４", 40302, 40302.0,
     20100504, date(2010, 5, 4), datetime(2010, 5, 4, 0, 0), "2010.5.4"],
)
def test_it_reads_every_way_a_date_is_written(value):
    assert clean_date(value) == date(2010, 5, 4)


@pytest.mark.parametrize("value", ["2010-13-01", "五月四日", "2010-02-30", -5, "04/05/2010"])
def test_it_refuses_dates_it_cannot_read(value):
    assert _reason(clean_date, value) == "bad_date"


def test_an_empty_date_is_none():
    assert clean_date("") is None and clean_date(None) is None


@pytest.mark.parametrize("value", ["4.10105E+17", "4.10105201005040E+17", 4.10105201005040e17,
                                   410105201005040111, 410105201005040111.0])
def test_it_says_digits_were_lost_when_excel_made_an_id_a_number(value):
    assert _reason(clean_document_number, value) == "digits_lost"


def test_it_accepts_ids_that_survived_as_text_or_fifteen_digit_numbers():
    assert clean_document_number("410105201005040111.0") == "410105201005040111"
    assert clean_document_number(" ４１０１０５２０１００５０４０１１ｘ ") == "41010520100504011X"
    assert clean_document_number(410105100504011.0) == "410105100504011"


def test_it_guesses_the_document_type_from_an_id_when_none_is_given():
    assert clean_doc_type("", "410105100504011") == "legacy_id"
    assert clean_doc_type(None, "41010520100504011X") == "resident_id"
    assert clean_doc_type("护照", "E12345678") == "passport"
    assert clean_doc_type("Passport", "E12345678") == "passport"
    assert _reason(clean_doc_type, "驾驶证", "1") == "bad_choice"


def test_it_reads_sex_and_residence_as_schools_write_them():
    sexes = [clean_sex(v) for v in ("男", "女", "M", "f", "Ｍ", "")]
    assert sexes == ["M", "F", "M", "F", "M", None]
    assert _reason(clean_sex, "未知") == "bad_choice"
    assert [clean_residence(v) for v in ("住校", "寄宿", "走读", "", "Boarder")] == [
        "boarder", "boarder", "day", "day", "boarder"]
    assert _reason(clean_residence, "偶尔") == "bad_choice"
