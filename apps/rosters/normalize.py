"""Turning cells as Excel gives them into the values the people app validates: full-width
characters, stray spaces, Excel date serials and written dates, IDs Excel turned into
numbers, and the many ways schools write sex and boarding.

Each function returns the clean value or raises CellError(reason, message).
"""

import re
import unicodedata
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from apps.core.identity import DocumentType
from apps.people.models import Residence, Sex

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug)
EXCEL_EXACT_DIGITS = 15  # Excel keeps 15 significant digits of a number
SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+")
SPACES = re.compile(r"\s+")
WHOLE_WITH_ZEROS = re.compile(r"\d+\.0+")
FIFTEEN_DIGITS = re.compile(r"\d{15}")
DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
SEXES = {"男": Sex.MALE, "m": Sex.MALE, "male": Sex.MALE, "男性": Sex.MALE,
         "女": Sex.FEMALE, "f": Sex.FEMALE, "female": Sex.FEMALE, "女性": Sex.FEMALE}
RESIDENCES = {
    "住校": Residence.BOARDER, "寄宿": Residence.BOARDER, "住宿": Residence.BOARDER,
    "住读": Residence.BOARDER, "寄宿生": Residence.BOARDER, "boarder": Residence.BOARDER,
    "走读": Residence.DAY, "走读生": Residence.DAY, "通学": Residence.DAY, "day": Residence.DAY,
}
DOC_TYPES = {
    "居民身份证": DocumentType.RESIDENT_ID, "身份证": DocumentType.RESIDENT_ID,
    "resident id": DocumentType.RESIDENT_ID, "resident_id": DocumentType.RESIDENT_ID,
    "一代身份证": DocumentType.LEGACY_ID, "15位身份证": DocumentType.LEGACY_ID,
    "legacy_id": DocumentType.LEGACY_ID, "护照": DocumentType.PASSPORT,
    "passport": DocumentType.PASSPORT, "港澳居民来往内地通行证": DocumentType.HK_MACAO_PERMIT,
    "港澳通行证": DocumentType.HK_MACAO_PERMIT, "回乡证": DocumentType.HK_MACAO_PERMIT,
    "hk_macao_permit": DocumentType.HK_MACAO_PERMIT,
    "台湾居民来往大陆通行证": DocumentType.TAIWAN_PERMIT, "台胞证": DocumentType.TAIWAN_PERMIT,
    "taiwan_permit": DocumentType.TAIWAN_PERMIT,
}


class CellError(ValueError):
    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def clean_text(value) -> str:
    """Half-width, single-spaced text; a whole number read as 7.0 is '7'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not text.isascii():  # ASCII is already NFKC: most cells skip the normalisation
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def _bad_date() -> CellError:
    return CellError("bad_date", _("Write the date as 2010-05-04, 2010/5/4 or 2010年5月4日."))


def clean_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 19000101 <= value <= 99991231:  # 20100504 typed as a number
            return clean_date(str(int(value)))
        if not 1 <= value < 2958466:  # serials stop at 9999-12-31
            raise _bad_date()
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = clean_text(value).replace(" ", "")
    for pattern in DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                raise _bad_date() from None
    raise _bad_date()


def _digits_lost() -> CellError:
    return CellError(
        "digits_lost",
        _(
            "Excel turned this ID number into a number and lost its last digits: format the "
            "column as text, type the numbers again and upload the file again."
        ),
    )


def clean_document_number(value) -> str:
    """The number as text. An ID Excel stored as a number keeps only 15 significant digits,
    so an 18-digit number cannot be recovered from it: refuse rather than guess."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise _digits_lost()
        digits = str(int(value))
        if len(digits.rstrip("0")) > EXCEL_EXACT_DIGITS or len(digits) > EXCEL_EXACT_DIGITS:
            raise _digits_lost()
        return digits
    text = str(value or "")
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = SPACES.sub("", text).upper()
    if SCIENTIFIC.fullmatch(text):
        raise _digits_lost()
    if WHOLE_WITH_ZEROS.fullmatch(text):  # 410105201005040111.0 from a CSV some tool wrote
        text = text.split(".")[0]
    return text


def clean_doc_type(value, number: str) -> str:
    """The document type; when the column is absent or empty, an ID by its length."""
    text = clean_text(value).casefold()
    if not text:
        return DocumentType.LEGACY_ID if FIFTEEN_DIGITS.fullmatch(number) else (
            DocumentType.RESIDENT_ID
        )
    found = DOC_TYPES.get(text) or DOC_TYPES.get(text.replace(" ", ""))
    if found is None:
        raise CellError("bad_choice", _("Choose one of the listed values."))
    return found


def clean_sex(value) -> str | None:
    text = clean_text(value).casefold()
    if not text:
        return None
    if text not in SEXES:
        raise CellError("bad_choice", _("Write 男 or 女 (M or F)."))
    return SEXES[text]


def clean_residence(value) -> str:
    text = clean_text(value).casefold().replace(" ", "")
    if not text:
        return Residence.DAY
    if text not in RESIDENCES:
        raise CellError("bad_choice", _("Write 住校 (boarder) or 走读 (day)."))
    return RESIDENCES[text]
