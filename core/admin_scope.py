"""Scoping for Django admin, the same as for the staff pages (core.access): done once, in the queryset."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint
from django.forms import ModelChoiceField
from django.http import Http404
from django.utils.text import capfirst

from core.access import can_write, scope_queryset, scoped_organization_ids


class HostileInputSafeForm:
    """Mixed into every scoped admin's form (``ScopedAdminMixin.get_form``) so that bad input is a form error:

    * a model's ``clean()`` may name a field the form does not show (read-only on the change form, e.g. the
      date of full membership, or the masked ID number): Django raises ValueError for that — the message
      goes to the top of the form instead, with the field's name;
    * a check constraint on a field the change form does not show (the letter's validity date, kept by the
      operations) is only checked by the database — an IntegrityError: on a change form every check
      constraint is validated with the form, so a violation is a form error;
    * an autocomplete field re-rendered with a posted value that is no key (a crafted POST) makes Django's
      widget query with it and fail: such a value is dropped from the data once it has been refused.
    """

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            shown, hidden = {}, []
            for name, errors in error.error_dict.items():
                if name == NON_FIELD_ERRORS or name in self.fields:
                    shown[name] = errors
                else:
                    label = capfirst(self._meta.model._meta.get_field(name).verbose_name)
                    hidden += [ValidationError(f"{label}：{' '.join(e.messages)}") for e in errors]
            if hidden:
                shown[NON_FIELD_ERRORS] = [*shown.get(NON_FIELD_ERRORS, []), *hidden]
                error = ValidationError(shown)
        super().add_error(field, error)

    def _post_clean(self):
        super()._post_clean()
        if self.instance._state.adding or self._errors:
            return
        for constraint in self.instance._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                try:
                    constraint.validate(type(self.instance), self.instance)
                except ValidationError as error:
                    self.add_error(None, error)

    def full_clean(self):
        super().full_clean()
        refused = [
            name
            for name, field in self.fields.items()
            if name in self.errors
            and isinstance(field, ModelChoiceField)
            and isinstance(getattr(field.widget, "widget", field.widget), AutocompleteMixin)  # in its wrapper
        ]
        if refused:
            self.data = self.data.copy()
            for name in refused:
                self.data.pop(self.add_prefix(name), None)
                self._bound_fields_cache.pop(name, None)  # its cached data is the refused value


class ScopedAdminMixin:
    """Filter the changelist, change views and FK choices to the user's organisations.

    ``scope_field`` is the lookup path from the model to its Organization (``None`` for unscoped models).
    Auditors get read-only admin. The history pages (simple-history) are scoped too: they look the record up in
    the history table, so without this a branch secretary could read another branch's record history by its id.
    """

    scope_field: str | None = "organization"
    get_object: Callable[..., Any]  # ModelAdmin's, beside which this mixin is used

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.scope_field is None:
            return queryset
        return scope_queryset(queryset, request.user, self.scope_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from core.models import Organization

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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (HostileInputSafeForm, form), {})

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
