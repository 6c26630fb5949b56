"""Form widgets written out in Python, for tables with a form per row (the dues bases page: 50 rows × 4 fields).

Django renders each widget through its template engine (``input.html`` → ``attrs.html``, ``select.html`` →
``select_option.html`` per option): a few hundred small template renders per page, most of such a page's time
(issue 21). These widgets write exactly the same HTML as Django's own templates for them, from the same
``get_context`` (so attributes, localisation and escaping are Django's), without the template engine. A widget
whose template is not one written out here (a subclass with its own template) is rendered the usual way.
tests/core/test_widgets.py compares the two renderings.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

_INPUT_TEMPLATES = {
    "django/forms/widgets/input.html",
    "django/forms/widgets/hidden.html",
    "django/forms/widgets/number.html",
    "django/forms/widgets/text.html",
}
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _text(value) -> str:
    """``{{ value }}`` in a template: localised, then escaped unless already safe."""
    return conditional_escape(localize(timezone.template_localtime(value)))  # type: ignore[attr-defined]


def _format_s(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe; anything else is escaped."""
    text = str(value)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(" " + _text(name))
            if value is not True:
                out.append(f'="{_format_s(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_format_s(value)}"' if value != None else ""  # noqa: E711 (the template's ``!= None``)
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != _OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{_format_s(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"  # the option template ends with a newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PythonRenderedMixin:
    """Render with the functions above when the widget's template is one of Django's written out here."""

    def _render(self, template_name, context, renderer=None):
        html = None
        if template_name in _INPUT_TEMPLATES:
            html = _input(context["widget"])
        elif template_name == _SELECT_TEMPLATE:
            html = _select(context["widget"])
        if html is None:
            return super()._render(template_name, context, renderer)
        return mark_safe(html)  # noqa: S308 — every value above is escaped as the template would


class HiddenInput(PythonRenderedMixin, forms.HiddenInput):
    pass


class NumberInput(PythonRenderedMixin, forms.NumberInput):
    pass


class TextInput(PythonRenderedMixin, forms.TextInput):
    pass


class Select(PythonRenderedMixin, forms.Select):
    pass
