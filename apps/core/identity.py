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


def _birth_date(yyyymmdd: str, today: date) -> date:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError as exc:
        raise DocumentError("bad_birth_date", f"出生日期 {yyyymmdd} 不存在 / no such birth date") from exc
    if born > today:
        raise DocumentError("future_birth_date", f"出生日期 {born} 晚于今天 / birth date in the future")
    if born.year < 1900:
        raise DocumentError("bad_birth_date", f"出生日期 {born} 早于1900年 / birth date before 1900")
    return born


def _check_province(number: str) -> None:
    if number[:2] not in PROVINCE_PREFIXES:
        raise DocumentError("bad_region", f"地区码 {number[:6]} 的省级代码无效 / unknown province code")


def parse_resident_id(value: str, *, today: date) -> ResidentId:
    """Validate an 18-character resident ID number (GB 11643-1999, ISO 7064 MOD 11-2)."""
    number = normalize_document(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise DocumentError("bad_format", "身份证号应为17位数字加1位校验码 / must be 17 digits and a check character")
    _check_province(number)
    born = _birth_date(number[6:14], today)
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        raise DocumentError("bad_checksum", f"身份证号校验码错误，应为 {expected} / wrong check character")
    return ResidentId(number, number[:6], born, "M" if int(number[16]) % 2 else "F")


def parse_legacy_id(value: str, *, today: date) -> ResidentId:
    """A 15-digit first-generation ID: region, YYMMDD birth date (1900s), sequence; no check."""
    number = normalize_document(value)
    if not re.fullmatch(r"\d{15}", number):
        raise DocumentError("bad_format", "15位身份证号应为15位数字 / legacy ID must be 15 digits")
    _check_province(number)
    born = _birth_date("19" + number[6:12], today)
    return ResidentId(number, number[:6], born, "M" if int(number[14]) % 2 else "F")


def upgrade_legacy_id(number15: str) -> str:
    """The 18-digit number a 15-digit ID became: century inserted, check character added."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + resident_id_check_char(first17)


_OTHER_FORMATS = {
    DocumentType.PASSPORT: (r"[A-Z0-9]{5,17}", "护照号应为5–17位字母或数字 / passport: 5–17 letters or digits"),
    DocumentType.HK_MACAO_PERMIT: (
        r"[HM]\d{8}(\d{2})?",
        "港澳居民来往内地通行证应为H或M加8或10位数字 / H or M followed by 8 or 10 digits",
    ),
    DocumentType.TAIWAN_PERMIT: (r"\d{8}(\d{2})?", "台湾居民来往大陆通行证应为8或10位数字 / 8 or 10 digits"),
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
        raise DocumentError("bad_type", f"未知证件类型 {doc_type} / unknown document type")
    number = normalize_document(value)
    pattern, message = _OTHER_FORMATS[doc_type]
    if not re.fullmatch(pattern, number):
        raise DocumentError("bad_format", message)
    return number, None


def mask_document(number: str) -> str:
    """Keep the first four and last four characters: 4101**********123X."""
    if len(number) <= 8:
        return number[:2] + "*" * max(len(number) - 2, 0)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


PHONE_RE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")


def normalize_phone(value: str) -> str:
    """Mobile (11 digits starting 13–19) or landline with area code; +86 dropped."""
    text = normalize_document(value).replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not PHONE_RE.fullmatch(text):
        raise DocumentError("bad_phone", f"手机号 {mask_phone(text)} 格式不正确 / not a valid phone number")
    return text
