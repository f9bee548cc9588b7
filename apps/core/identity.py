"""Identity documents: GB 11643 resident ID numbers and the other documents people show.

Pure Python, no Django: used by forms, imports, the API and the demo generator alike.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"
# GB/T 2260 province-level prefixes (and 81/82/83 for Hong Kong, Macao, Taiwan residence
# permits, which use the resident ID format). The full region code inside an ID may be one
# that was abolished since (371200 Laiwu, 2019): only the province part is checked.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)


class DocumentType:
    RESIDENT_ID = "resident_id"
    LEGACY_ID = "legacy_id"
    PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"

    ALL = (RESIDENT_ID, LEGACY_ID, PASSPORT, HK_MACAO_PERMIT, TAIWAN_PERMIT)


class DocumentError(ValueError):
    """A document number that cannot be right; `reason` is a stable code, str() explains."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ResidentId:
    number: str
    region_code: str
    birth_date: date
    sex: str  # "M" or "F": the sequence number is odd for men, even for women


def normalize_document(value: str) -> str:
    """Full-width to half-width, stray spaces removed, upper case (so `x` is `X`)."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text).upper()


def resident_id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


# Messages here are plain English for developers and logs, and never quote any part of the
# number; user-facing text is chosen by `reason` (apps.people.validation translates it).
def _birth_date(yyyymmdd: str, today: date) -> date:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError as exc:
        raise DocumentError("bad_birth_date", "the birth date in the number is no date") from exc
    if born > today:
        raise DocumentError("future_birth_date", "the birth date in the number is in the future")
    if born.year < 1900:
        raise DocumentError("bad_birth_date", "the birth date in the number is before 1900")
    return born


def _check_province(number: str) -> None:
    if number[:2] not in PROVINCE_PREFIXES:
        raise DocumentError("bad_region", "the number does not start with a province code")


def parse_resident_id(value: str, *, today: date) -> ResidentId:
    """Validate an 18-character resident ID number (GB 11643-1999, ISO 7064 MOD 11-2)."""
    number = normalize_document(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise DocumentError("bad_format", "a resident ID is 17 digits and a check character")
    _check_province(number)
    born = _birth_date(number[6:14], today)
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        raise DocumentError("bad_checksum", "the check character does not match the number")
    return ResidentId(number, number[:6], born, "M" if int(number[16]) % 2 else "F")


def parse_legacy_id(value: str, *, today: date) -> ResidentId:
    """A 15-digit first-generation ID: region, YYMMDD birth date (1900s), sequence; no check."""
    number = normalize_document(value)
    if not re.fullmatch(r"\d{15}", number):
        raise DocumentError("bad_format", "a legacy ID is 15 digits")
    _check_province(number)
    born = _birth_date("19" + number[6:12], today)
    return ResidentId(number, number[:6], born, "M" if int(number[14]) % 2 else "F")


def upgrade_legacy_id(number15: str) -> str:
    """The 18-digit number a 15-digit ID became: century inserted, check character added."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + resident_id_check_char(first17)


_OTHER_FORMATS = {
    DocumentType.PASSPORT: (r"[A-Z0-9]{5,17}", "a passport number is 5 to 17 letters or digits"),
    DocumentType.HK_MACAO_PERMIT: (
        r"[HM]\d{8}(\d{2})?", "a Hong Kong/Macao permit is H or M and 8 or 10 digits"),
    DocumentType.TAIWAN_PERMIT: (r"\d{8}(\d{2})?", "a Taiwan permit is 8 or 10 digits"),
}


def validate_document(doc_type: str, value: str, *, today: date) -> tuple[str, ResidentId | None]:
    """Normalise and validate any document; returns the number and, for IDs, what it encodes."""
    if doc_type == DocumentType.RESIDENT_ID:
        parsed = parse_resident_id(value, today=today)
        return parsed.number, parsed
    if doc_type == DocumentType.LEGACY_ID:
        parsed = parse_legacy_id(value, today=today)
        return parsed.number, parsed
    if doc_type not in _OTHER_FORMATS:
        raise DocumentError("bad_type", "unknown document type")
    number = normalize_document(value)
    pattern, message = _OTHER_FORMATS[doc_type]
    if not re.fullmatch(pattern, number):
        raise DocumentError("bad_format", message)
    return number, None


def equivalent_documents(number: str) -> tuple[str, ...]:
    """The number and the other form the same ID has: a legacy 15-digit ID and the 18-digit
    number it became are one person, so duplicates and searches must find either."""
    if re.fullmatch(r"\d{15}", number):
        return number, upgrade_legacy_id(number)
    if re.fullmatch(r"\d{6}19\d{9}[\dX]", number):
        return number, number[:6] + number[8:17]
    return (number,)


def age_on(born: date, today: date) -> int:
    """Completed years of age on `today` (a 29 February birthday counts from 1 March)."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def mask_document(number: str) -> str:
    """Keep the first four and last four characters: 4101**********123X.

    Shorter documents (permits, passports) would show most of the number that way, so below
    15 characters only the first two and last two stay: never more than about half.
    """
    if len(number) >= 15:
        return number[:4] + "*" * (len(number) - 8) + number[-4:]
    if len(number) >= 6:
        return number[:2] + "*" * (len(number) - 4) + number[-2:]
    return "*" * len(number)


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


# Mobile: 11 digits, 13–19. Landline: 0, a 2–3 digit area code, a 7–8 digit number.
PHONE_RE = re.compile(r"1[3-9]\d{9}|0\d{2,3}\d{7,8}")


def normalize_phone(value: str) -> str:
    """Digits only, country code dropped: '+86 138-0013-8000' and '(0371) 6655 1234' are
    13800138000 and 037166551234."""
    text = re.sub(r"[\s()\-]", "", normalize_document(value))
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    else:
        if text.startswith("86") and len(text) == 13:
            text = text[2:]
    if not PHONE_RE.fullmatch(text):
        raise DocumentError("bad_phone", "not a mobile or landline number")
    return text
