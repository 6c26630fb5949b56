"""Django permissions of the four role groups (see core.access for the roles).

The page views check roles and scope through core.access; these model permissions govern Django admin and
anything that asks ``user.has_perm``. The sync is idempotent: the core data migration runs it once, and a
``post_migrate`` receiver runs it again so that models added later by other apps get their permissions too.
"""

from __future__ import annotations

from core.access import ROLE_GROUP_NAMES, Role

PROJECT_APPS = ("core", "members", "conversion", "recruitment", "services")
# Settings only the town committee administrator changes (clerks may look at them).
ADMIN_ONLY_MODELS = {
    ("core", "ruleprofile"),
    ("core", "centerprofile"),
    ("core", "calendaryear"),
    ("core", "calendarday"),
    ("core", "numbersequence"),
    ("core", "staffprofile"),
}
# Branch secretaries work on the member side: their branch's members, meetings, dues, floating members,
# transfers and recruitment candidates (scoped by core.access in the querysets).
SECRETARY_APPS = ("members", "recruitment")
# Party discipline is decided above the branch: secretaries see it but only the administrator and the
# center clerk record it or restore rights (members.views.DISCIPLINE_ROLES, R-MB-02).
SECRETARY_READ_ONLY_MODELS = {("members", "discipline")}
# The organisation tree lives in the foundation (core) but is member-side data: secretaries read it, the
# administrator and the center clerk change it.
SECRETARY_VIEW_MODELS = {("core", "organization")}


def _codename_action(codename: str) -> str:
    return codename.split("_", 1)[0]


def role_permission_ids(permissions) -> dict[Role, set[int]]:
    """Which of ``permissions`` (rows with id, codename, content_type app_label/model) each role gets."""
    grants: dict[Role, set[int]] = {role: set() for role in Role}
    for perm in permissions:
        app, model = perm.content_type.app_label, perm.content_type.model
        action = _codename_action(perm.codename)
        historical = model.startswith("historical")
        base_model = model.removeprefix("historical")
        grants[Role.ADMIN].add(perm.id)
        if app not in PROJECT_APPS:
            continue
        if action == "view":
            grants[Role.AUDITOR].add(perm.id)
            grants[Role.CLERK].add(perm.id)
            if app in SECRETARY_APPS or (app, base_model) in SECRETARY_VIEW_MODELS:
                grants[Role.SECRETARY].add(perm.id)
            continue
        if historical:  # history is read-only for everyone but the administrator
            continue
        if (app, base_model) not in ADMIN_ONLY_MODELS:
            grants[Role.CLERK].add(perm.id)
        if app in SECRETARY_APPS and (app, model) not in SECRETARY_READ_ONLY_MODELS and action != "delete":
            grants[Role.SECRETARY].add(perm.id)
    return grants


def sync_role_permissions(apps=None) -> None:
    """Give each role group exactly its permissions (``apps`` is the migration state, or the live registry)."""
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.select_related("content_type"))
    for role, ids in role_permission_ids(permissions).items():
        group, _ = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])
        group.permissions.set(ids)


def sync_after_migrate(sender, **kwargs) -> None:
    """``post_migrate`` receiver: acts once per migrate, after the last app's permissions were created."""
    from django.apps import apps

    # post_migrate is only sent for apps with a models module.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is with_models[-1]:
        sync_role_permissions()
