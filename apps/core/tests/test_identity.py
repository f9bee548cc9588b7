"""GB 11643 resident ID numbers, the other documents, masks and phone numbers."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.identity import (
    PROVINCE_PREFIXES,
    DocumentError,
    DocumentType,
    age_on,
    equivalent_documents,
    mask_document,
    mask_phone,
    normalize_document,
    normalize_phone,
    parse_legacy_id,
    parse_resident_id,
    resident_id_check_char,
    upgrade_legacy_id,
    validate_document,
)

TODAY = date(2024, 9, 1)


def with_check(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def reason_of(doc_type: str, value: str) -> str | None:
    try:
        validate_document(doc_type, value, today=TODAY)
    except DocumentError as exc:
        return exc.reason
    return None


RID = DocumentType.RESIDENT_ID


@pytest.mark.parametrize(
    ("doc_type", "value", "reason"),
    [
        (RID, "11010519491231002X", None),  # the standard's own example
        (RID, "11010519491231002x", None),  # lower-case x is X
        (RID, " 110105 19491231 002X ", None),  # stray spaces
        (RID, "１１０１０５１９４９１２３１００２Ｘ", None),  # full-width digits and X
        (RID, with_check("37120019900101123"), None),  # Laiwu, abolished 2019: still accepted
        (RID, with_check("81000019900101123"), None),  # Hong Kong residence permit
        (RID, "110105194912310021", "bad_checksum"),
        (RID, "110105194912310020", "bad_checksum"),
        (RID, with_check("41010520230230001"), "bad_birth_date"),  # 30 February
        (RID, with_check("41010520231301001"), "bad_birth_date"),  # month 13
        (RID, with_check("41010518991231001"), "bad_birth_date"),  # before 1900
        (RID, with_check("41010520250101001"), "future_birth_date"),
        (RID, with_check("99010519900101001"), "bad_region"),
        (RID, "11010519491231002", "bad_format"),  # 17 characters
        (RID, "1101051949123100XX", "bad_format"),
        (RID, "", "bad_format"),
        (DocumentType.LEGACY_ID, "110105491231002", None),
        (DocumentType.LEGACY_ID, "110105490230002", "bad_birth_date"),
        (DocumentType.LEGACY_ID, "11010549123100", "bad_format"),
        (DocumentType.PASSPORT, "E12345678", None),
        (DocumentType.PASSPORT, "ea1234567", None),  # case folded
        (DocumentType.PASSPORT, "X1234", None),
        (DocumentType.PASSPORT, "AB12", "bad_format"),
        (DocumentType.PASSPORT, "E1234567$", "bad_format"),
        (DocumentType.HK_MACAO_PERMIT, "H12345678", None),
        (DocumentType.HK_MACAO_PERMIT, "M1234567890", None),
        (DocumentType.HK_MACAO_PERMIT, "h12345678", None),
        (DocumentType.HK_MACAO_PERMIT, "H1234567", "bad_format"),
        (DocumentType.HK_MACAO_PERMIT, "H123456789", "bad_format"),  # 9 digits
        (DocumentType.HK_MACAO_PERMIT, "K12345678", "bad_format"),
        (DocumentType.TAIWAN_PERMIT, "12345678", None),
        (DocumentType.TAIWAN_PERMIT, "1234567890", None),
        (DocumentType.TAIWAN_PERMIT, "123456789", "bad_format"),
        (DocumentType.TAIWAN_PERMIT, "T1234567", "bad_format"),
        ("driving_licence", "123456", "bad_type"),
    ],
)
def test_it_validates_documents(doc_type, value, reason):
    assert reason_of(doc_type, value) == reason


def test_it_reads_birth_date_region_and_sex_from_a_resident_id():
    parsed = parse_resident_id("11010519491231002x", today=TODAY)
    assert parsed.number == "11010519491231002X"
    assert parsed.region_code == "110105"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "F"  # sequence 002 is even
    assert parse_resident_id(with_check("41010520100504011"), today=TODAY).sex == "M"


def test_it_accepts_a_birth_date_of_today_but_not_tomorrow():
    assert parse_resident_id(with_check("41010520240901001"), today=TODAY).birth_date == TODAY
    with pytest.raises(DocumentError) as exc:
        parse_resident_id(with_check("41010520240902001"), today=TODAY)
    assert exc.value.reason == "future_birth_date"


def test_it_reads_a_legacy_id_and_upgrades_it():
    parsed = parse_legacy_id("110105491231002", today=TODAY)
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "F"
    assert upgrade_legacy_id("110105491231002") == "11010519491231002X"


def test_it_pairs_a_legacy_id_with_its_upgrade():
    assert equivalent_documents("110105491231002") == ("110105491231002", "11010519491231002X")
    assert equivalent_documents("11010519491231002X") == ("11010519491231002X", "110105491231002")
    born_2010 = with_check("41010520100504011")
    assert equivalent_documents(born_2010) == (born_2010,)
    assert equivalent_documents("E12345678") == ("E12345678",)


def test_it_never_quotes_the_number_in_an_error():
    number = "110105194912310021"
    with pytest.raises(DocumentError) as exc:
        parse_resident_id(number, today=TODAY)
    assert "1949" not in str(exc.value) and "110105" not in str(exc.value)


def test_it_normalizes_document_numbers():
    assert normalize_document(" ｅ１２３ 45x\t") == "E12345X"
    assert normalize_document(None) == ""


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (date(2010, 5, 4), date(2024, 5, 3), 13),
        (date(2010, 5, 4), date(2024, 5, 4), 14),
        (date(2008, 2, 29), date(2022, 2, 28), 13),
        (date(2008, 2, 29), date(2022, 3, 1), 14),
    ],
)
def test_it_counts_completed_years(born, today, age):
    assert age_on(born, today) == age


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("11010519491231002X", "1101**********002X"),
        ("110105491231002", "1101*******1002"),
        ("E12345678", "E1*****78"),
        ("AB1234567890CD", "AB**********CD"),
        ("H12345678", "H1*****78"),
        ("12345", "*****"),
    ],
)
def test_it_masks_documents(number, masked):
    assert mask_document(number) == masked


@pytest.mark.parametrize(
    ("value", "phone"),
    [
        ("13800138000", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("0371-66551234", "037166551234"),
        ("(0371) 6655 1234", "037166551234"),
        ("010-12345678", "01012345678"),
        ("0379-6551234", "03796551234"),
    ],
)
def test_it_normalizes_phone_numbers(value, phone):
    assert normalize_phone(value) == phone


@pytest.mark.parametrize(
    "value",
    ["", "12800138000", "1380013800", "138001380001", "abc", "37166551234", "+1 415 555 0100"],
)
def test_it_refuses_bad_phone_numbers(value):
    with pytest.raises(DocumentError) as exc:
        normalize_phone(value)
    assert exc.value.reason == "bad_phone"


def test_it_masks_phones():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("12345") == "*****"


# Property-based invariants -------------------------------------------------------------

valid_ids = st.builds(
    lambda province, rest, born, seq: with_check(f"{province}{rest:04d}{born:%Y%m%d}{seq:03d}"),
    st.sampled_from(sorted(PROVINCE_PREFIXES)),
    st.integers(0, 9999),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.integers(0, 999),
)


@given(valid_ids)
def test_it_round_trips_every_valid_id(number):
    parsed = parse_resident_id(number, today=TODAY)
    assert parsed.number == number
    assert parsed.region_code == number[:6]
    assert f"{parsed.birth_date:%Y%m%d}" == number[6:14]
    assert parsed.sex == ("M" if int(number[16]) % 2 else "F")
    assert parse_resident_id(number.lower(), today=TODAY).number == number


@given(valid_ids, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_it_rejects_any_single_changed_character(number, position, replacement):
    if position < 17 and replacement == "X":
        replacement = "0"  # the first 17 are digits; a letter there is bad_format anyway
    if number[position] == replacement:
        return
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(DocumentError):
        parse_resident_id(changed, today=TODAY)


@given(valid_ids)
def test_it_masks_all_but_the_first_and_last_four(number):
    masked = mask_document(number)
    assert len(masked) == len(number)
    assert masked[:4] == number[:4] and masked[-4:] == number[-4:]
    assert set(masked[4:-4]) == {"*"}


@given(st.text(alphabet="0123456789ABCDEFX", min_size=0, max_size=24))
def test_it_never_shows_more_than_half_and_at_most_eight(number):
    masked = mask_document(number)
    assert len(masked) == len(number)
    shown = sum(c != "*" for c in masked)
    assert shown <= 8 and shown <= len(number) / 2 + 1
