"""The one admin base: every admin door asks the role's model permission and the record's scope (issue 15).

Scoping is the same as for the staff pages (core.access), done once, in querysets:
* the changelist, change, delete and history pages see only the user's records (``scope_field``);
* every foreign-key and many-to-many choice — autocomplete or select, on the form and in its inlines — is
  limited to what the user may see in the related model's admin, so a posted key outside it is refused;
* auditors never write (``can_write``); the model permissions of core.permissions decide the rest;
* simple-history's revert is off for everyone: a past version is read, never written back (a revert would
  bypass the operations and their status events, R-MB-02);
* lookups in the query string are the plain comparisons a list filter uses, on values the column can hold:
  anything else (``__regex``, ``__unaccent``, a year beyond 9999, an amount beyond the column) is a 400;
  roles that see ID numbers and phones masked can neither filter nor search by them (R-MB-04).

``ReadOnlyAdmin`` is for records written only by their operations on the staff pages (letters, certificates,
dues, ledgers, change rows). Where the admin is the page that adds a record, ``add_operation`` names the
operation that adds it (the same function the rest of the code calls), so its rules hold in the admin too; a
refusal is a Chinese message and nothing is written.
"""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import CheckConstraint, DecimalField, FloatField
from django.db.models.constants import LOOKUP_SEP
from django.forms import ModelChoiceField
from django.http import Http404, HttpResponseRedirect
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from core.access import can_write, scope_queryset, scoped_organization_ids, sees_full_id_numbers
from core.changelist import QuickLinksChangeList
from core.exceptions import DomainError
from core.paginator import EstimatedCountPaginator
from core.rules import cite


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # a rule ID in a label or help text reads as its regulation
            field.label, field.help_text = cite(field.label), cite(field.help_text)

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
        for name, errors in list((self._errors or {}).items()):  # refusals name rules: shown as regulations
            kind = errors.error_class.removeprefix("errorlist").strip() or None
            self._errors[name] = type(errors)(
                [cite(m) for m in errors], error_class=kind, renderer=errors.renderer
            )
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


# The comparisons a list filter or the date hierarchy puts in the query string; nothing else is accepted.
ALLOWED_LOOKUPS = {
    "exact",
    "iexact",
    "in",
    "isnull",
    "isempty",
    "gt",
    "gte",
    "lt",
    "lte",
    "year",
    "month",
    "day",
}
DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def masked_field(name: str) -> bool:
    """ID numbers and phones: shown masked to some roles, so never searched or filtered by them (R-MB-04)."""
    return "id_number" in name or "phone" in name


def _lookup_path(model, lookup: str) -> tuple[list, list[str]]:
    """The fields a query-string lookup walks through, and the lookups/transforms after the last field."""
    fields: list = []
    opts = model._meta
    parts = lookup.split(LOOKUP_SEP)
    for index, part in enumerate(parts):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return fields, parts[index:]
        fields.append(field)
        if not field.is_relation or field.related_model is None:
            return fields, parts[index + 1 :]
        opts = field.related_model._meta
    return fields, []


def _value_fits(field, lookups: list[str], value) -> bool:
    """Whether ``value`` is one the column (or the date part) can hold: no overflow reaches the database."""
    values = (
        value if isinstance(value, list | tuple) else str(value).split(",") if "in" in lookups else [value]
    )
    for one in values:
        part = next((p for p in lookups if p in DATE_PARTS), None)
        if part:
            try:
                whole = int(one)
            except (TypeError, ValueError):
                return False
            low, high = DATE_PARTS[part]
            if not low <= whole <= high:
                return False
        elif isinstance(field, DecimalField | FloatField) and "isnull" not in lookups:
            try:
                number = Decimal(str(one))
                field.run_validators(field.to_python(one))
            except (InvalidOperation, ValidationError, ValueError):
                return False
            if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
                return False
    return True


def scoped_choices(admin_site, request, model):
    """The records of ``model`` ``request.user`` may pick in a foreign-key field: those its admin shows them.
    None when the user is not limited or the related model is not scoped by organisation."""
    related_admin = admin_site._registry.get(model)
    if not isinstance(related_admin, ScopedAdminMixin) or related_admin.scope_field is None:
        return None
    if scoped_organization_ids(request.user) is None:
        return None
    return scope_queryset(model._default_manager.all(), request.user, related_admin.scope_field)


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices (select or autocomplete) limited to the user's scope: a key posted
    from outside it is not a valid choice. Shared by the model admins and their inlines."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        allowed = scoped_choices(self.admin_site, request, db_field.remote_field.model)
        if allowed is None:
            return queryset
        return allowed if queryset is None else queryset.filter(pk__in=allowed.values("pk"))


class ScopedInline(ScopedChoicesMixin, admin.TabularInline):
    """An inline of a scoped admin: scoped choices, and auditors never write."""

    def has_add_permission(self, request, obj=None):
        return can_write(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return can_write(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_write(request.user) and super().has_delete_permission(request, obj)


class ReadOnlyInline(ScopedInline):
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedAdminMixin(ScopedChoicesMixin):
    """Filter the changelist, change views and FK choices to the user's organisations.

    ``scope_field`` is the lookup path from the model to its Organization (``None`` for unscoped models).
    Auditors get read-only admin. The history pages (simple-history) are scoped too: they look the record up in
    the history table, so without this a branch secretary could read another branch's record history by its id.
    """

    scope_field: str | None = "organization"
    get_object: Callable[..., Any]  # ModelAdmin's, beside which this mixin is used
    model: Any
    # (request, unsaved object from the add form) -> the object the operation saved; None: a plain save.
    add_operation: Callable[..., Any] | None = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.scope_field is None:
            return queryset
        return scope_queryset(queryset, request.user, self.scope_field)

    def lookup_allowed(self, lookup, value, request):
        if any(
            isinstance(spec, type)
            and issubclass(spec, admin.SimpleListFilter)
            and spec.parameter_name == lookup
            for spec in self.get_list_filter(request)
        ):
            return True  # a list filter of our own (「已读」「未读」): its queryset() reads the value, not the ORM
        fields, lookups = _lookup_path(self.model, lookup)
        if any(part not in ALLOWED_LOOKUPS for part in lookups):
            return False
        if not sees_full_id_numbers(request.user) and any(masked_field(f.name) for f in fields):
            return False
        if fields and not _value_fits(fields[-1], lookups, value):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if sees_full_id_numbers(request.user):
            return fields
        return [f for f in fields if not masked_field(f)]

    def check_in_scope(self, request, object_id) -> None:
        """404 unless the record is one the user may see: simple-history would show the history of any record
        (it falls back to the latest historical version when the scoped queryset does not hold it). Unscoped
        roles also see the history of deleted records; a key that is no key is a 404 for everyone."""
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError as exc:
            raise Http404("没有找到该记录。") from exc
        if self.scope_field is None or scoped_organization_ids(request.user) is None:
            return
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("没有找到该记录，或您无权查看。")

    def save_model(self, request, obj, form, change):
        if change or self.add_operation is None:
            return super().save_model(request, obj, form, change)
        saved = type(self).add_operation(request, obj)
        obj.pk, obj._state.adding = saved.pk, False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A domain refusal of ``add_operation`` rolls the whole form back (the view is atomic) and is shown."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            messages.error(request, cite(str(error)))
            return HttpResponseRedirect(request.get_full_path())

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
        """A past version, read only: reverting would write around the operations (R-MB-02)."""
        self.check_in_scope(request, object_id)
        if not hasattr(self.model._meta, "simple_history_manager_attribute") or not str(version_id).isdigit():
            raise Http404("没有找到该版本。")
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("历史版本只能查看，不能恢复；请通过相应的办理页面修改。")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def has_add_permission(self, request, *args):
        return can_write(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return can_write(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_write(request.user) and super().has_delete_permission(request, obj)


class ScopedModelAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """The base of every admin of the project: scoped, permission-checked, history read-only, and fit for lists
    of tens of thousands of rows (no COUNT(*) per page, no URL resolving per row)."""

    list_per_page = 50
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_changelist(self, request, **kwargs):
        return QuickLinksChangeList


class ReadOnlyAdmin(ScopedModelAdmin):
    """Records written only by their operations (numbered letters and certificates, ledgers, change rows):
    the admin looks them up; nobody adds, changes or deletes them here."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
