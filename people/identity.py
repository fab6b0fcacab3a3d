"""Chinese resident identity numbers (GB 11643-1999) and phone numbers: checks and masking."""

import datetime
import re

from django.utils.translation import gettext as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
# A mainland mobile number, or a landline with optional area code and extension.
_PHONE_PATTERN = re.compile(
    r"^(?:\+?86[- ]?)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|\d{7,8})$"
)


def normalize_national_id(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def national_id_error(value: str) -> str | None:
    """Why ``value`` is not a valid 18-character resident ID, or None when it is."""
    value = normalize_national_id(value)
    if not _ID_PATTERN.match(value):
        return _("must be 18 characters: 17 digits and a digit or X")
    if national_id_birth_date(value) is None:
        return _("contains an impossible birth date")
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK_CHARS[total % 11] != value[17]:
        return _("has a wrong check digit")
    return None


def national_id_birth_date(value: str) -> datetime.date | None:
    """The birth date encoded in characters 7-14, or None when it is not a real date."""
    value = normalize_national_id(value)
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    if born.year < 1900 or born > datetime.date.today():
        return None
    return born


def mask_national_id(value: str) -> str:
    """Show the first three and last four characters only: ``110***********123X``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s()]", "", value.strip())


def phone_is_valid(value: str) -> bool:
    return bool(_PHONE_PATTERN.match(normalize_phone(value)))
