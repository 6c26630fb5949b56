"""Who uses the service desk.

Administrators and center clerks work at the desk (read and write); auditors (纪委) read everything, including
accountability cases. Branch secretaries have no access: the desk serves the public at the center and its
records hold citizens' personal data that has nothing to do with a branch's members.
"""

from core.access import Role, roles_of

DESK_ROLES = {Role.ADMIN, Role.CLERK, Role.AUDITOR}


def may_use_desk(user) -> bool:
    return bool(roles_of(user) & DESK_ROLES)
