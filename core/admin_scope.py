"""Scoping for Django admin, the same as for the staff pages (core.access): done once, in the queryset."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404

from core.access import can_write, scope_queryset, scoped_organization_ids


class ScopedAdminMixin:
    """Filter the changelist, change views and FK choices to the user's organisations.

    ``scope_field`` is the lookup path from the model to its Organization (``None`` for unscoped models).
    Auditors get read-only admin. The history pages (simple-history) are scoped too: they look the record up in
    the history table, so without this a branch secretary could read another branch's record history by its id.
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

    def check_in_scope(self, request, object_id) -> None:
        """404 unless the record is one the user may see: simple-history would show the history of any record
        (it falls back to the latest historical version when the scoped queryset does not hold it). Unscoped
        roles also see the history of deleted records."""
        if self.scope_field is None or scoped_organization_ids(request.user) is None:
            return
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("没有找到该记录，或您无权查看。")

    def history_view(self, request, object_id, extra_context=None):
        self.check_in_scope(request, object_id)
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            # A model without simple-history gets Django's own history (the admin log), not an error.
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_add_permission(self, request, *args):
        return can_write(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return can_write(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_write(request.user) and super().has_delete_permission(request, obj)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass
