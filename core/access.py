"""Who may see and change what. Scoping happens here, in querysets — never by hiding links.

Roles are Django groups (created by a data migration):
* town committee administrator — everything, including admin and settings;
* center clerk — all members and every app's records, no admin-only settings;
* branch secretary — only their own organisation and the organisations below it (404 for anything else);
* auditor — read-only everywhere, including history.
"""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404


class Role(StrEnum):
    ADMIN = "town_admin"
    CLERK = "center_clerk"
    SECRETARY = "branch_secretary"
    AUDITOR = "auditor"


ROLE_GROUP_NAMES: dict[Role, str] = {
    Role.ADMIN: "镇党委管理员",
    Role.CLERK: "中心工作人员",
    Role.SECRETARY: "支部书记",
    Role.AUDITOR: "审计监督（纪委）",
}
_GROUP_ROLES = {name: role for role, name in ROLE_GROUP_NAMES.items()}


def roles_of(user) -> frozenset[Role]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_roles_cache", None)
    if cached is None:
        names = getattr(user, "group_names", None)  # loaded with the user (core.auth_backend)
        if names is None:
            names = user.groups.values_list("name", flat=True)
        cached = frozenset(_GROUP_ROLES[n] for n in names if n in _GROUP_ROLES)
        if user.is_superuser:
            cached |= {Role.ADMIN}
        user._roles_cache = cached
    return cached


def is_admin(user) -> bool:
    return Role.ADMIN in roles_of(user)


def is_staff_user(user) -> bool:
    return bool(roles_of(user))


def can_write(user) -> bool:
    """Auditors read; everyone else with a role writes (within their scope)."""
    return bool(roles_of(user) - {Role.AUDITOR})


def sees_full_id_numbers(user) -> bool:
    """Administrators and center clerks work with full ID numbers; others see them masked (R-MB-04)."""
    return bool(roles_of(user) & {Role.ADMIN, Role.CLERK})


def scoped_organization_ids(user) -> frozenset[int] | None:
    """None means "every organisation"; otherwise the ids this user may see (own + descendants)."""
    roles = roles_of(user)
    if roles & {Role.ADMIN, Role.CLERK, Role.AUDITOR}:
        return None
    if Role.SECRETARY not in roles:
        return frozenset()
    cached = getattr(user, "_org_scope_cache", None)
    if cached is None:
        from core.models import Organization

        profile = getattr(user, "staff_profile", None)
        root = profile.organization_id if profile else None
        cached = frozenset(Organization.objects.descendant_ids(root)) if root else frozenset()
        user._org_scope_cache = cached
    return cached


def scope_queryset(queryset: QuerySet, user, organization_field: str = "organization") -> QuerySet:
    """Filter ``queryset`` to what ``user`` may see; ``organization_field`` is the path to the organisation."""
    ids = scoped_organization_ids(user)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    # sorted: the same scope gives the same SQL parameters however its set was built (core.sqlreuse)
    return queryset.filter(**{f"{organization_field}__in": sorted(ids)})


def get_object_for_user(
    queryset: QuerySet, user, organization_field: str = "organization", **lookup
) -> Model:
    """The object if it exists *and* is in the user's scope; 404 otherwise, so URL guessing reveals nothing."""
    try:
        return scope_queryset(queryset, user, organization_field).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404("没有找到该记录，或您无权查看。") from exc


def staff_required(view=None, *, roles: set[Role] | None = None, write: bool = False):
    """Login required; then the user must have a role (one of ``roles`` if given; a writing role if ``write``)."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            mine = roles_of(user)
            if not mine or (roles and not (mine & roles)):
                raise PermissionDenied("您没有权限访问此页面。")
            if write and request.method not in ("GET", "HEAD", "OPTIONS") and not can_write(user):
                raise PermissionDenied("您的角色只能查看，不能修改。")
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
