"""The form renderer: Django's templates for every widget, except <select>, written here.

The search and directory pages' filter forms list every prefecture and theme; rendering
each <option> through the template engine was most of the time those forms took (a page's
filter form: ≈ 5 ms of CPU, 44,000 Python calls). `render_select` writes exactly the markup of
Django's select.html, select_option.html and attrs.html together (whitespace and attribute
order too, labels and values escaped; tests/test_form_renderer.py compares them) in a
fraction of that. Every other widget template is looked up
through TEMPLATES (TemplatesSetting), so templates/django/forms/ can still override one.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
INPUT_TEMPLATE = "django/forms/widgets/input.html"
LABEL_TEMPLATE = "django/forms/label.html"
# Django's widget templates whose whole content is `{% include INPUT_TEMPLATE %}` + newline.
INPUT_ONLY_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


class FormRenderer(TemplatesSetting):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE:
            return render_select(context["widget"])
        # Django's renderers strip what a template writes: no trailing newlines here either.
        if template_name in INPUT_ONLY_TEMPLATES or template_name == INPUT_TEMPLATE:
            return render_input(context["widget"])
        if template_name == LABEL_TEMPLATE:
            return render_label(context)
        return super().render(template_name, context, request=request)


def _attributes(attrs: dict[str, Any] | None) -> str:
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its
    bare name, anything else name="value"."""
    parts = []
    for name, value in (attrs or {}).items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def render_input(widget: dict[str, Any]) -> SafeString:
    """The markup of django/forms/widgets/input.html for a widget context."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attributes(widget["attrs"])}>'
    )


def render_label(context: dict[str, Any]) -> SafeString:
    """The markup of django/forms/label.html (a label, a legend, or the bare text)."""
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return mark_safe(label)  # noqa: S308 - escaped
    tag = conditional_escape(context["tag"])
    attrs = _attributes(context["attrs"])
    return mark_safe(f"<{tag}{attrs}>{label}</{tag}>")  # noqa: S308 - escaped


def render_select(widget: dict[str, Any]) -> SafeString:
    """The markup of django/forms/widgets/select.html for a widget context."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(str(group_name))}">')
        for option in group_choices:
            out.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attributes(option['attrs'])}>{conditional_escape(str(option['label']))}"
                "</option>\n"  # select_option.html ends with a newline
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


# --- Reference data in choice fields -------------------------------------------------------
# The filter forms on the busiest pages (search, directory) offer all 47 prefectures and every
# theme: a query each on every page, for rows that change a few times a year (the admin).
# Each process keeps its own copy for REFERENCE_SECONDS, so an admin's edit shows on every
# page within that time. Only the options come from the copy: a submitted value is still
# checked against the field's queryset.
REFERENCE_SECONDS = 5 * 60
_reference_rows: dict[str, tuple[float, list[Any]]] = {}


def reference_forget() -> None:
    """Drop every process-local copy (tests, after loading reference data)."""
    _reference_rows.clear()
    _rendered_selects.clear()


class ListedChoiceIterator(ModelChoiceIterator):
    """Iterates the rows of `rows()` (the queryset itself), not queryset.iterator(): for a
    handful of rows .iterator() opened a server-side cursor (DECLARE ... WITH HOLD) on every
    render. The rows stay in the queryset's result cache."""

    def rows(self) -> Any:
        return self.queryset

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.rows():
            yield self.choice(row)


class _ReferenceChoiceIterator(ListedChoiceIterator):
    def rows(self) -> list[Any]:
        return self._copy()[1]

    def version(self) -> tuple[str, float]:
        """Names the copy the options come from: a new copy is a new version."""
        return self.field.reference_key, self._copy()[0]

    def _copy(self) -> tuple[float, list[Any]]:
        key = self.field.reference_key
        now = time.monotonic()
        cached = _reference_rows.get(key)
        if cached is None or now - cached[0] > REFERENCE_SECONDS:
            cached = (now, list(self.queryset))
            _reference_rows[key] = cached
        return cached

    def __len__(self) -> int:
        return len(self.rows()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.rows())


# The markup of reference <select>s, per process (ReferenceSelect). A key holds the version
# of the copy the options came from, so a new copy makes new keys; the old ones are dropped
# when the dictionary is full. The project's fields need a few hundred keys (each value,
# with and without an error, in two languages); the cap bounds what made-up values in URLs
# can take: ≈ 2–3 KB a select, ≈ 3 MB a process.
_rendered_selects: dict[tuple[Any, ...], SafeString] = {}
RENDERED_SELECTS_MAX = 1_000


class ReferenceSelect(forms.Select):
    """The <select> of a ReferenceChoiceField, its markup kept per process.

    Building the options of every prefecture and every theme was about half of a search
    page's filter form (≈ 0.9 of 1.8 ms of CPU). The markup depends only on the copy of the
    rows, the field's option values and empty label, the chosen value, the attributes, the
    renderer and the language, and all of them are in the key.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        choices = self.choices
        if not isinstance(choices, _ReferenceChoiceIterator):
            return super().render(name, value, attrs, renderer)
        field = choices.field
        key = (
            choices.version(),
            field.to_field_name,
            str(field.empty_label),
            name,
            tuple(self.format_value(value)),
            tuple(self.build_attrs(self.attrs, attrs).items()),  # in order, as written
            type(renderer),
            translation.get_language(),
        )
        try:
            html = _rendered_selects.get(key)
        except TypeError:  # an attribute value that cannot be a key
            return super().render(name, value, attrs, renderer)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(_rendered_selects) >= RENDERED_SELECTS_MAX:
                _rendered_selects.clear()
            _rendered_selects[key] = html
        return html


class ReferenceChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over reference data, its options from a per-process copy (and its
    <select> markup too: ReferenceSelect). `reference_key` names the copy: one per distinct
    queryset."""

    iterator = _ReferenceChoiceIterator
    widget = ReferenceSelect

    def __init__(self, *args: Any, reference_key: str, **kwargs: Any) -> None:
        self.reference_key = reference_key
        super().__init__(*args, **kwargs)
