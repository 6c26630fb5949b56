"""How a person who did something is named on pages, PDFs and exports: the one home for it.

A change, entry or document recorded with no user was made by the system (a scheduled command such as
``mark_overdue``, or generated data): it reads 「系统（自动）」, never an empty cell or an error.

A staff user's name is the user's 姓 (``last_name``) and 名 (``first_name``), written the Chinese way — family
name first, no space (「王丽」); a name entered whole in either field is shown as entered. The login name is
shown only for an account nobody has named yet.
"""

from __future__ import annotations

from core.access import ROLE_GROUP_NAMES

SYSTEM_ACTOR = "系统（自动）"


def person_name(user) -> str:
    """The user's name (姓 then 名, or the full name entered in one field), or the system."""
    if user is None:
        return SYSTEM_ACTOR
    family, given = (user.last_name or "").strip(), (user.first_name or "").strip()
    if family and given:
        # Chinese names have no space; a Latin name keeps the usual "Given Family" with one.
        return f"{family}{given}" if _is_cjk(family + given) else f"{given} {family}"
    return family or given or user.username


def person_with_post(user) -> str:
    """「李敏（1号窗口）」: the name and where the person is found — the desk window, else the role.

    For lists to choose a colleague from; pass users fetched with ``staff_profile`` and ``groups`` (the role
    is read from the prefetched groups, so a list of users costs no query per user)."""
    profile = user.staff_profile if hasattr(user, "staff_profile") else None  # no profile: hasattr is False
    window = (getattr(profile, "window", "") or "").strip()
    if window:
        return f"{person_name(user)}（{window}）"
    roles = [g.name for g in user.groups.all() if g.name in ROLE_GROUP_NAMES.values()]
    return f"{person_name(user)}（{'、'.join(sorted(roles))}）" if roles else person_name(user)


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)
