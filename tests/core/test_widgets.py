"""core.widgets writes the same HTML as Django's widget templates (issue 21: the dues bases page's 200 widgets)."""

from decimal import Decimal

import pytest
from django import forms
from django.utils.safestring import mark_safe

from core import widgets

CHOICES = [("", "—"), ("a", "甲 <b>&"), ("b", "乙"), (3, 4)]
GROUPED = [("", "—"), ("组 <一>", [("x", "X"), ("y", "Y")]), ("z", "Z")]


class Template(forms.Form):
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(choices=CHOICES, required=False)
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    amount = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    text = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"placeholder": 'a"b', "readonly": True})
    )


class Python(forms.Form):
    hidden = forms.IntegerField(widget=widgets.HiddenInput)
    choice = forms.ChoiceField(choices=CHOICES, required=False, widget=widgets.Select)
    grouped = forms.ChoiceField(choices=GROUPED, required=False, widget=widgets.Select)
    amount = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, widget=widgets.NumberInput
    )
    text = forms.CharField(
        required=False, widget=widgets.TextInput(attrs={"placeholder": 'a"b', "readonly": True})
    )


CASES = [
    {},
    {"hidden": 7, "choice": "a", "grouped": "y", "amount": Decimal("1234.50"), "text": "<script>&"},
    {"hidden": None, "choice": 3, "grouped": "z", "amount": Decimal("0"), "text": mark_safe("<i>x</i>")},
]


@pytest.mark.parametrize("initial", CASES)
def test_unbound_forms_render_the_same(initial):
    ours, django = Python(initial=initial, prefix="f-0"), Template(initial=initial, prefix="f-0")
    for name in Template.base_fields:
        assert str(ours[name]) == str(django[name]), name


def test_bound_forms_with_errors_render_the_same():
    data = {"f-0-hidden": "x", "f-0-choice": "nope", "f-0-amount": "-1", "f-0-text": '"quoted"'}
    ours, django = Python(data, prefix="f-0"), Template(data, prefix="f-0")
    assert not ours.is_valid() and not django.is_valid()
    for name in Template.base_fields:
        assert str(ours[name]) == str(django[name]), name


def test_a_widget_with_its_own_template_is_rendered_by_it():
    class Own(widgets.Select):
        template_name = "django/forms/widgets/radio.html"
        option_template_name = "django/forms/widgets/radio_option.html"

    class Plain(forms.Select):
        template_name = "django/forms/widgets/radio.html"
        option_template_name = "django/forms/widgets/radio_option.html"

    class A(forms.Form):
        choice = forms.ChoiceField(choices=CHOICES, widget=Own)

    class B(forms.Form):
        choice = forms.ChoiceField(choices=CHOICES, widget=Plain)

    assert str(A(initial={"choice": "b"})["choice"]) == str(B(initial={"choice": "b"})["choice"])
