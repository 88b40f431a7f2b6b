"""sankangaku.forms.FormRenderer writes <select>, <input> and <label> in Python: the markup
must be exactly what Django's own templates write, for every field of every form in the
project."""

import inspect

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import translation

import partners.forms
import projects.forms
import sankangaku.accounts.forms
import sankangaku.forms
from partners.models import Theme
from sankangaku.forms import (
    INPUT_ONLY_TEMPLATES,
    INPUT_TEMPLATE,
    LABEL_TEMPLATE,
    SELECT_TEMPLATE,
    FormRenderer,
    reference_forget,
    render_select,
)

pytestmark = pytest.mark.django_db


class Awkward(forms.Form):
    text = forms.CharField(initial='say "hi" & <b>', label="Text <em>label</em>")
    number = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"min": 0}))
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    flag = forms.BooleanField(required=False, initial=True)
    secret = forms.CharField(widget=forms.HiddenInput, initial="")
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


def test_widgets_and_labels_render_exactly_as_djangos_templates():
    templates, renderer = TemplatesSetting(), FormRenderer()
    written_here = {SELECT_TEMPLATE, INPUT_TEMPLATE, *INPUT_ONLY_TEMPLATES}
    compared: dict[str, int] = {}
    for form in _forms():
        for field in form:
            widget = field.field.widget
            name = getattr(widget, "template_name", None)
            if name in written_here:
                attrs = field.build_widget_attrs({"id": field.auto_id or ""}, widget)
                context = widget.get_context(field.html_name, field.value(), attrs)
                assert renderer.render(name, context) == templates.render(name, context), (
                    type(form).__name__,
                    field.name,
                )
                compared[name] = compared.get(name, 0) + 1
            for tag in ("label", "legend"):
                for label_attrs in (None, {"class": 'a"b', "hidden": True}):
                    output = []
                    for form.renderer in (renderer, templates):
                        attrs = dict(label_attrs) if label_attrs else None
                        output.append(field.label_tag(attrs=attrs, tag=tag))
                    assert output[0] == output[1], (type(form).__name__, field.name, tag)
                    compared[LABEL_TEMPLATE] = compared.get(LABEL_TEMPLATE, 0) + 1
    assert compared[SELECT_TEMPLATE] >= 10
    assert compared[LABEL_TEMPLATE] >= 50
    assert sum(compared[name] for name in compared if name in INPUT_ONLY_TEMPLATES) >= 20


def test_a_label_without_a_tag_is_the_escaped_text():
    context = {"label": "<b>", "attrs": {}, "use_tag": False, "tag": "label"}
    assert FormRenderer().render(LABEL_TEMPLATE, context) == TemplatesSetting().render(
        LABEL_TEMPLATE, context
    )


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


def test_reference_options_are_read_once_per_process_but_values_are_checked_live(
    reference_data, django_assert_num_queries, monkeypatch
):
    reference_forget()
    theme = Theme.objects.filter(is_active=True).order_by("kind", "position", "slug").first()
    with django_assert_num_queries(2):  # prefectures, themes
        first = str(partners.forms.PostingFilterForm()["prefecture"]) + str(
            partners.forms.PostingFilterForm()["theme"]
        )
    with django_assert_num_queries(0):
        again = str(partners.forms.PostingFilterForm()["prefecture"]) + str(
            partners.forms.PostingFilterForm()["theme"]
        )
    assert again == first and f'value="{theme.slug}"' in again
    # A theme switched off in the admin is refused at once, though still offered by the copy.
    Theme.objects.filter(pk=theme.pk).update(is_active=False)
    assert "theme" not in partners.forms.PostingFilterForm({"theme": theme.slug}).search_arguments()
    assert f'value="{theme.slug}"' in str(partners.forms.PostingFilterForm()["theme"])
    # ... and no longer offered once the copy is older than REFERENCE_SECONDS.
    monkeypatch.setattr(sankangaku.forms, "REFERENCE_SECONDS", -1)
    with django_assert_num_queries(1):
        assert f'value="{theme.slug}"' not in str(partners.forms.PostingFilterForm()["theme"])


def test_reference_selects_are_built_once_per_value_attributes_and_language(
    reference_data, monkeypatch
):
    reference_forget()
    built = []
    optgroups = forms.Select.optgroups

    def counting(self, *args, **kwargs):
        built.append(self)
        return optgroups(self, *args, **kwargs)

    monkeypatch.setattr(forms.Select, "optgroups", counting)

    def page(data=None, language="ja"):
        with translation.override(language):
            form = partners.forms.PostingFilterForm(data)
            return str(form["prefecture"]) + str(form["theme"])

    first = page()
    assert len(built) == 2
    assert page() == first and len(built) == 2  # kept: no options built again
    # What the key holds changes the markup: a chosen value, the language.
    chosen = page({"prefecture": "13"})  # the theme's key is the same: still kept
    assert 'value="13" selected' in chosen and 'value="13" selected' not in first
    assert len(built) == 3
    assert page(language="en") != first and len(built) == 5
    # Kept markup is exactly a fresh render.
    for data in (None, {"prefecture": "13", "theme": "tourism"}, {"theme": "no-such-theme"}):
        form = partners.forms.PostingFilterForm(data)
        for name in ("prefecture", "theme"):
            bound = form[name]
            widget = bound.field.widget
            attrs = bound.build_widget_attrs({}, widget)  # as BoundField.as_widget does
            attrs.setdefault("id", bound.auto_id)
            fresh = forms.Select.render(widget, bound.html_name, bound.value(), attrs)
            assert str(bound) == fresh
    # A new copy of the rows is a new key: a theme switched off leaves the options with it.
    theme = Theme.objects.filter(is_active=True).order_by("kind", "position", "slug").first()
    Theme.objects.filter(pk=theme.pk).update(is_active=False)
    assert f'value="{theme.slug}"' in page()
    monkeypatch.setattr(sankangaku.forms, "REFERENCE_SECONDS", -1)
    assert f'value="{theme.slug}"' not in page()
