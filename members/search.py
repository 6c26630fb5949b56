"""Finding people: pinyin initials of names (张三 → zs)."""

from pypinyin import Style, lazy_pinyin


def name_initials(name: str) -> str:
    return "".join(
        p[0] for p in lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="ignore") if p
    ).lower()
