"""sankangaku.forms.FormRenderer writes <select> in Python: the markup must be exactly what
Django's own templates write, for every select of every form in the project."""

import inspect

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting

import partners.forms
import projects.forms
import sankangaku.accounts.forms
from partners.models import Theme
from sankangaku.forms import SELECT_TEMPLATE, FormRenderer, render_select

pytestmark = pytest.mark.django_db


class Awkward(forms.Form):
    grouped = forms.ChoiceField(
        required=False,
        choices=[("Group <1>", [("1", "<b>one</b>"), ("2", 'two "quoted"')]), ("3", "three & co")],
    )
    several = forms.MultipleChoiceField(required=False, choices=[("1", "a"), ("2", "b")])
    maybe = forms.NullBooleanField()
    theme = forms.ModelChoiceField(
        required=False,
        queryset=Theme.objects.all(),
        widget=forms.Select(attrs={"aria-describedby": 'x"y', "disabled": True, "data-off": False}),
    )


def _forms():
    yield Awkward({"grouped": "2", "several": ["1", "2"], "maybe": "true", "theme": ""})
    yield Awkward()
    yield partners.forms.PostingFilterForm({"direction": "issue", "prefecture": "13"})
    for module in (partners.forms, projects.forms, sankangaku.accounts.forms):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                try:
                    yield cls()
                except TypeError:  # needs arguments (an instance, people to choose from)
                    continue


def test_selects_render_exactly_as_djangos_templates():
    templates, renderer, compared = TemplatesSetting(), FormRenderer(), 0
    for form in _forms():
        for field in form:
            widget = field.field.widget
            if getattr(widget, "template_name", None) != SELECT_TEMPLATE:
                continue
            attrs = field.build_widget_attrs({"id": field.auto_id or ""}, widget)
            context = widget.get_context(field.html_name, field.value(), attrs)
            assert renderer.render(SELECT_TEMPLATE, context) == templates.render(
                SELECT_TEMPLATE, context
            ), (type(form).__name__, field.name)
            compared += 1
    assert compared >= 10


def test_labels_and_values_are_escaped():
    html = render_select(
        {
            "name": 'n"',
            "attrs": {"id": "x"},
            "optgroups": [(None, [{"value": '"><script>', "label": "<i>", "attrs": {}}], 0)],
        }
    )
    assert "<script>" not in html and "<i>" not in html
    assert "&lt;i&gt;" in html and 'name="n&quot;"' in html
