"""Scoping for Django admin, the same as for the staff pages (core.access): done once, in the queryset."""

from django.contrib import admin

from core.access import can_write, scope_queryset, scoped_organization_ids


class ScopedAdminMixin:
    """Filter the changelist, change views and FK choices to the user's organisations.

    ``scope_field`` is the lookup path from the model to its Organization (``None`` for unscoped models).
    Auditors get read-only admin.
    """

    scope_field: str | None = "organization"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.scope_field is None:
            return queryset
        return scope_queryset(queryset, request.user, self.scope_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from members.models import Organization

        ids = scoped_organization_ids(request.user)
        if ids is not None and db_field.related_model is Organization:
            kwargs["queryset"] = Organization.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, *args):
        return can_write(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return can_write(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_write(request.user) and super().has_delete_permission(request, obj)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass
