"""The organisation tree (R-MB-01)."""

from django.core.exceptions import ValidationError

from core.models import Organization

_ALLOWED_PARENTS: dict[str, set[str]] = {
    Organization.Kind.TOWN_COMMITTEE: set(),
    Organization.Kind.GENERAL_BRANCH: {Organization.Kind.TOWN_COMMITTEE},
    Organization.Kind.BRANCH: {Organization.Kind.TOWN_COMMITTEE, Organization.Kind.GENERAL_BRANCH},
    Organization.Kind.PARTY_GROUP: {Organization.Kind.BRANCH},
}


def validate_placement(org: Organization) -> None:
    """R-MB-01: the town committee is the top; branches sit under it (or a general branch); party groups
    sit inside a branch; no organisation is its own ancestor."""
    if org.kind == Organization.Kind.TOWN_COMMITTEE:
        if org.parent_id:
            raise ValidationError({"parent": "镇党委是最高一级组织，不能有上级组织（R-MB-01）。"})
        return
    if org.parent is None:
        raise ValidationError({"parent": "请选择上级组织（R-MB-01）。"})
    if org.parent.kind not in _ALLOWED_PARENTS[org.kind]:
        raise ValidationError(
            {"parent": f"{org.get_kind_display()}不能设在{org.parent.get_kind_display()}之下（R-MB-01）。"}
        )
    seen: set[int | None] = set()
    node: Organization | None = org.parent
    while node is not None:
        if node.pk is not None and node.pk == org.pk or node.pk in seen:
            raise ValidationError({"parent": "上级组织不能是本组织或其下级组织（R-MB-01）。"})
        seen.add(node.pk)
        node = node.parent
    if org.is_center and org.kind != Organization.Kind.BRANCH:
        raise ValidationError({"is_center": "中心党支部必须是党支部（R-MB-01）。"})


def center_branch() -> Organization:
    """The center's own branch (R-CV-01)."""
    return Organization.objects.get(is_center=True)


def town_committee() -> Organization:
    return Organization.objects.get(kind=Organization.Kind.TOWN_COMMITTEE, parent__isnull=True)
