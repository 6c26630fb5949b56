"""Phone numbers people type: the one check of a Chinese phone number (members, imports, the admin).

A mobile number has 11 digits and starts with 1 (13x … 19x); a landline has its area code (0 + 2 or 3 digits)
and 7 or 8 digits: 0512-65123456, (0512)65123456. Spaces, hyphens and brackets are ignored, as is a leading
+86 before a mobile number. A 7-digit number without its area code is refused: nobody outside the town can
dial it, and it is how a mistyped mobile number usually looks.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")
_NOISE = re.compile(r"[\s\-()（）]")


def phone_digits(number: str) -> str:
    """The number without spaces, hyphens, brackets and a +86 before a mobile number."""
    digits = _NOISE.sub("", number or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def phone_problem(number: str) -> str | None:
    """None when ``number`` is empty or a valid mobile or landline number; otherwise what is wrong, in Chinese."""
    if not (number or "").strip():
        return None
    digits = phone_digits(number)
    if MOBILE.fullmatch(digits) or LANDLINE.fullmatch(digits):
        return None
    if digits.isdigit() and len(digits) in (7, 8):
        return f"联系电话“{number}”缺少区号：固定电话请写成0512-65123456，手机号码为以1开头的11位数字。"
    return f"联系电话“{number}”不正确：请填写以1开头的11位手机号码，或带区号的固定电话（如0512-65123456）。"


def validate_phone(value: str) -> None:
    """Django validator (model and form fields): refuses what ``phone_problem`` refuses."""
    problem = phone_problem(value)
    if problem:
        raise ValidationError(problem, code="phone")
