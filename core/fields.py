"""Model and form fields for codes people type: ID numbers, phones, numbers (normalised by core.text).

``CodeField`` is a CharField whose value is normalised wherever Django cleans it — every ModelForm (staff
pages and the admin), ``Model.full_clean``/``clean_fields`` (imports) — and whose form field normalises
before validation, so a full-width number is checked, made unique and stored as the ASCII one. It is a
CharField to migrations (no schema change). ``CodeFormField`` is the same for a plain ``forms.Form``.
"""

from __future__ import annotations

from django import forms
from django.db import models

from core.text import normalize_code


class CodeFormField(forms.CharField):
    def to_python(self, value):
        return normalize_code(super().to_python(value))


class CodeRegexField(forms.RegexField):
    """A pattern-checked code (a phone suffix, a receipt number): normalised before the pattern sees it."""

    def to_python(self, value):
        return normalize_code(super().to_python(value))


class CodeField(models.CharField):
    def to_python(self, value):
        return normalize_code(super().to_python(value))

    def formfield(self, **kwargs):
        if not self.choices:
            kwargs.setdefault("form_class", CodeFormField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


def name_bare_fields(form: forms.BaseForm) -> None:
    """Give each field its label as ``aria-label``, for forms rendered field by field without a <label> (a
    search bar, a row of a table whose column heading names the field): screen readers then announce it."""
    for field in form.fields.values():
        if field.label:
            field.widget.attrs.setdefault("aria-label", str(field.label))
