"""Resident ID numbers (公民身份号码, GB 11643) — R-MB-04."""

from __future__ import annotations

from datetime import date
from operator import mul

from django.core.exceptions import ValidationError

from core.text import normalize_code

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    if len(first17) != len(_WEIGHTS):
        raise ValueError("check_digit needs the first 17 characters of an ID number")
    return _CHECK[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]  # (an import checks 10,000: issue 21)


def normalize_id_number(value: str) -> str:
    """As typed → the stored form: full-width digits and Ｘ folded to ASCII (core.text), upper case (R-MB-04)."""
    return normalize_code(value or "").upper()


def birth_date_of(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def id_number_problem(value: str, birth_date: date | None = None) -> str | None:
    """The Chinese reason ``value`` is not a valid ID number (optionally for this birth date), or None."""
    number = normalize_id_number(value)
    if len(number) != 18:
        return f"身份证号码应为18位，当前为{len(number)}位（R-MB-04）。"
    # ASCII digits only: str.isdigit() also accepts other scripts' digits, which would be a different person.
    if not number.isascii() or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "身份证号码前17位应为数字，最后一位为数字或X（R-MB-04）。"
    born = birth_date_of(number)
    if born is None or born.year < 1900:
        return "身份证号码中的出生日期无效（R-MB-04）。"
    if check_digit(number[:17]) != number[17]:
        return "身份证号码校验位错误，请核对（R-MB-04）。"
    if birth_date is not None and born != birth_date:
        return f"身份证号码中的出生日期（{born:%Y年%-m月%-d日}）与填写的出生日期（{birth_date:%Y年%-m月%-d日}）不一致（R-MB-04）。"
    return None


def validate_id_number(value: str) -> None:
    """Django field validator (checksum and format; the birth-date match is checked in Member.clean)."""
    problem = id_number_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_id_number")


def mask_id_number(value: str) -> str:
    """3201**********123X: the region code and the last four stay, the rest is hidden."""
    if not value:
        return ""
    return value[:4] + "*" * max(len(value) - 8, 0) + value[-4:]


def mask_phone(value: str) -> str:
    if not value or len(value) < 7:
        return value or ""
    return value[:3] + "****" + value[-4:]


def make_id_number(region: str, born: date, sequence: int) -> str:
    """A valid ID number for demo data and tests: region (6 digits), birth date, 3-digit sequence."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_digit(first17)
