"""Service validation errors land on the matching form field, or on the form."""

from django import forms
from django.core.exceptions import ValidationError

from rucher.core.forms import add_service_errors


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_it_puts_field_errors_on_the_field():
    form = _Form(data={"name": "x"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"name": ["Bad name."]}))
    assert form.errors["name"] == ["Bad name."]


def test_it_puts_unknown_field_errors_on_the_form():
    form = _Form(data={"name": "x"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"other": ["Bad other."]}))
    assert form.non_field_errors() == ["Bad other."]


def test_it_puts_plain_errors_on_the_form():
    form = _Form(data={"name": "x"})
    assert form.is_valid()
    add_service_errors(form, ValidationError("Nope."))
    assert form.non_field_errors() == ["Nope."]
