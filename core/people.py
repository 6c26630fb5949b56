"""How a person who did something is named on pages, PDFs and exports: the one home for it.

A change, entry or document recorded with no user was made by the system (a scheduled command such as
``mark_overdue``, or generated data): it reads 「系统（自动）」, never an empty cell or an error.
"""

from __future__ import annotations

SYSTEM_ACTOR = "系统（自动）"


def person_name(user) -> str:
    """The user's name (the full name; the login name only where no name was entered), or the system."""
    if user is None:
        return SYSTEM_ACTOR
    return user.get_full_name().strip() or user.username
