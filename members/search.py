"""Finding people: pinyin initials of names (张三 → zs), and the member search of the staff list and the admin.

A clerk types part of a name (2 or 3 characters), pinyin initials, part of an ID number (the last 6 digits) or
of a phone number. ``search_members`` looks the term up only in the columns it can occur in, each through an
index (issue 9), so the OR of its arms is a BitmapOr of index scans instead of a scan of every member:

* name — ``UPPER(name) LIKE '%term%'`` through the trigram index ``member_name_trgm``. pg_trgm cannot use that
  index for a term of 1 or 2 characters (a common Chinese name fragment: 付波), which has no trigram; such a term
  is looked up in ``member_name_grams``, a GIN index on every 1- and 2-character substring of the name
  (the SQL function ``members_name_grams``): a 1–2 character term is a substring of the name exactly when it is
  one of those. Same result as ``name__icontains``, just indexed.
* pinyin initials — ``name_initials LIKE 'term%'`` (btree); initials are lower-case letters, so only a term of
  letters can match them.
* ID number (R-MB-04) — ``UPPER(id_number) LIKE '%term%'`` through ``member_id_number_trgm`` (a whole number by
  the unique index); ID numbers are digits and X, so only such a term can match.
* phone — ``phone LIKE '%term%'`` through ``member_phone_trgm``, for a term without letters or Chinese characters
  (digits and the punctuation of phone numbers). The one difference from looking everywhere: a phone cell holding
  words (13900001111转王) is not found by those words.
A term shorter than 3 characters in the ID number or phone (a single digit) is still found, by a scan.
"""

from __future__ import annotations

import functools
import re

from django.contrib.postgres.fields import ArrayField
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Upper
from pypinyin import Style, lazy_pinyin

SHORT_TERM = 2  # pg_trgm needs 3 characters to use a trigram index; up to this many, use the grams index

_ID_NUMBER_CHARS = re.compile(r"[0-9Xx]+")
_LETTERS = re.compile(r"[A-Za-z]+")


class NameGrams(Func):
    """``members_name_grams(text)``: every distinct substring of 1 and 2 characters, as a text array. The SQL
    function is IMMUTABLE, so it can be indexed; it is created by migration members.0004."""

    function = "members_name_grams"
    output_field = ArrayField(TextField())


@functools.lru_cache(maxsize=1 << 16)
def name_initials(name: str) -> str:
    """张三 → zs. Cached: a pure function of the name (pypinyin's tables do not change while running), and
    an import reads each name twice (检查, then 导入) or a town's common names many times."""
    return "".join(
        p[0] for p in lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="ignore") if p
    ).lower()


def name_matches(term: str) -> Q:
    """Members whose name contains ``term`` (case-insensitive), through an index whatever the term's length."""
    if len(term) > SHORT_TERM:
        return Q(name__icontains=term)
    wanted = Func(Upper(Value(term)), template="ARRAY[%(expressions)s]", output_field=NameGrams.output_field)
    return Q(name_grams__contains=wanted)


def search_members(queryset: QuerySet, term: str, *, numbers: bool = True) -> QuerySet:
    """Members of ``queryset`` found by ``term``: part of a name, pinyin initials (zs → 张三), part of an ID number or
    of a phone number. ``numbers=False`` (roles that see ID numbers and phones masked) looks in names only."""
    term = term.strip()
    if not term:
        return queryset
    if "\x00" in term:  # no stored text holds a NUL (PostgreSQL refuses it): nothing matches
        return queryset.none()
    arms = name_matches(term)
    if numbers and _ID_NUMBER_CHARS.fullmatch(term):
        # 18 characters (the field's length) are contained in an ID number only if they are all of it.
        arms |= Q(id_number=term.upper()) if len(term) == 18 else Q(id_number__icontains=term)
    if numbers and not any(c.isalpha() for c in term):
        arms |= Q(phone__contains=term)  # digits and the punctuation of phone numbers (0512-6688, +86 …)
    if _LETTERS.fullmatch(term):
        arms |= Q(name_initials__startswith=term.lower())
    return queryset.alias(name_grams=NameGrams(Upper("name"))).filter(arms)
