"""Scoping for Django admin, the same as for the staff pages (core.access): done once, in the queryset."""

from django.contrib import admin
from django.contrib.admin.utils import unquote

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

    def history_view(self, request, object_id, extra_context=None):
        """A record outside the user's scope is "not found" here as on its change form: simple-history would
        show the history of any record (it falls back to the record's latest historical version when the
        scoped queryset does not hold it). Unscoped users keep the history of deleted records. A model
        without simple-history gets Django's own history (the admin log) instead of an error."""
        if (
            scoped_organization_ids(request.user) is not None
            and self.get_object(request, unquote(object_id)) is None
        ):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def has_add_permission(self, request, *args):
        return can_write(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return can_write(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_write(request.user) and super().has_delete_permission(request, obj)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass
