"""Text typed by people, normalised once before anything checks or stores it.

Chinese input methods type digits and Latin letters in full width (０-９, Ｘ, Ａ) as readily as in half width.
In codes — ID numbers, phone numbers, receipt and document numbers, amounts — the two must be the same
characters, or "１１０１…" passes as a different person than "1101…" (R-MB-04 uniqueness). NFKC folds them
to ASCII. Names and free text are only trimmed: NFKC would also fold full-width punctuation (（）、：) that
belongs in a Chinese name or sentence.
"""

from __future__ import annotations

import unicodedata


def normalize_code(value):
    """A code as typed → NFKC (full-width digits and letters to ASCII), trimmed. Non-text passes through."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKC", value).strip()


def distinct_sentences(messages) -> list[str]:
    """Each problem once, in the order found, without its closing 。 (a field checked twice — by its validator
    and by the record's clean — reports the same sentence twice)."""
    seen: dict[str, None] = {}
    for message in messages:
        text = str(message).strip().rstrip("。；;")
        if text:
            seen.setdefault(text, None)
    return list(seen)


def join_sentences(messages) -> str:
    """Problems as one sentence for a list item: "甲；乙。" — never "甲。；甲。"."""
    distinct = distinct_sentences(messages)
    return "；".join(distinct) + "。" if distinct else ""
