"""Who uses the service desk.

Administrators and center clerks work at the desk (read and write); auditors (纪委) read everything, including
accountability cases. Branch secretaries have no access: the desk serves the public at the center and its
records hold citizens' personal data that has nothing to do with a branch's members.
"""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from core.access import ROLE_GROUP_NAMES, Role, roles_of

DESK_ROLES = {Role.ADMIN, Role.CLERK, Role.AUDITOR}
# Who can take a matter over and act on it (R-SV-01): the desk's writing roles; an auditor only reads.
DESK_WORKER_ROLES = {Role.ADMIN, Role.CLERK}


def may_use_desk(user) -> bool:
    return bool(roles_of(user) & DESK_ROLES)


def may_handle_matters(user) -> bool:
    """R-SV-01: the one-user form of ``desk_workers`` — may this user receive a matter and act on it."""
    return bool(user is not None and user.is_active and roles_of(user) & DESK_WORKER_ROLES)


def desk_workers() -> QuerySet[User]:
    """R-SV-01: the colleagues a matter may be handed over to (active administrators and center clerks), by
    name, with what ``core.people.person_with_post`` reads of them fetched."""
    names = [ROLE_GROUP_NAMES[role] for role in DESK_WORKER_ROLES]
    return (
        User.objects.filter(is_active=True, groups__name__in=names)
        .distinct()
        .select_related("staff_profile")
        .prefetch_related("groups")
        .order_by("last_name", "first_name", "username")
    )
