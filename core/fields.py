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
