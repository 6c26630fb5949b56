"""Who sees conversion management: the town committee, center clerks and auditors (read-only).

Branch secretaries see nothing of it: a conversion case is the town committee's decision about a member and
is handled by the center, not by the branch the member came from.
"""

from core.access import Role, roles_of

READ_ROLES = {Role.ADMIN, Role.CLERK, Role.AUDITOR}
WRITE_ROLES = {Role.ADMIN, Role.CLERK}


def can_view_conversion(user) -> bool:
    return bool(roles_of(user) & READ_ROLES)
