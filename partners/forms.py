from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import identifiers
from .models import (
    LocalGovernment,
    Organisation,
    OrganisationKind,
    Prefecture,
    Role,
    Theme,
)

# Fields every kind shares; kind-specific forms add their identity fields.
COMMON_FIELDS = ["name", "name_kana", "prefecture", "location", "description", "website", "themes"]


class OrganisationForm(forms.ModelForm):
    """Base form. Which municipalities are offered depends on the chosen prefecture; without
    JavaScript the "Show municipalities" button re-renders the form with the new list."""

    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.filter(kind=Theme.Kind.SDG, is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("SDGs you work on"),
    )

    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        help_text=_("Members with an email address at this domain are verified automatically."),
    )

    class Meta:
        model = Organisation
        fields = COMMON_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prefecture"].queryset = Prefecture.objects.all()
        self.fields["prefecture"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("partners:municipality_options"),
                "hx-trigger": "change",
                "hx-target": "#id_location",
                "hx-swap": "innerHTML",
            }
        )
        prefecture_code = self._selected_prefecture()
        if "location" in self.fields:
            qs = LocalGovernment.objects.exclude(level=LocalGovernment.Level.PREFECTURE)
            self.fields["location"].queryset = (
                qs.filter(prefecture_id=prefecture_code) if prefecture_code else qs.none()
            )
            self.fields["location"].help_text = _(
                "Choose the prefecture first; the list shows its municipalities."
            )

    def _selected_prefecture(self) -> int | None:
        raw = self.data.get(self.add_prefix("prefecture")) if self.is_bound else None
        if raw is None:
            raw = self.initial.get("prefecture") or getattr(self.instance, "prefecture_id", None)
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class CompanyForm(OrganisationForm):
    class Meta(OrganisationForm.Meta):
        fields = [
            "name",
            "name_kana",
            "corporate_number",
            "legal_form",
            "industry",
            "company_size",
            "prefecture",
            "location",
            "description",
            "website",
            "themes",
        ]
        labels = {"location": _("Head office municipality")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("corporate_number", "legal_form", "industry", "location"):
            self.fields[name].required = True
        self.fields["corporate_number"].help_text = _(
            "13 digits, as published by the National Tax Agency."
        )

    def clean_corporate_number(self) -> str:
        return identifiers.validate_corporate_number(self.cleaned_data["corporate_number"] or "")


class MunicipalityForm(OrganisationForm):
    """A municipality is chosen from the reference table; its name comes from there."""

    local_government = forms.ModelChoiceField(
        queryset=LocalGovernment.objects.none(),
        required=False,
        label=_("Municipality or prefectural government"),
    )
    local_government_code = forms.CharField(
        required=False,
        max_length=10,
        label=_("…or its local government code"),
        help_text=_("6 digits including the check digit, e.g. 131016."),
    )

    class Meta(OrganisationForm.Meta):
        fields = ["prefecture", "description", "website", "themes"]

    field_order = ["prefecture", "local_government", "local_government_code"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prefecture"].widget.attrs.update(
            {
                "hx-target": "#id_local_government",
                "hx-get": f"{reverse_lazy('partners:municipality_options')}?with_prefecture=1",
            }
        )
        prefecture_code = self._selected_prefecture()
        self.fields["local_government"].queryset = (
            LocalGovernment.objects.filter(prefecture_id=prefecture_code)
            if prefecture_code
            else LocalGovernment.objects.none()
        )
        if self.instance.pk:
            # The identity of a municipality does not change after registration.
            del self.fields["local_government"]
            del self.fields["local_government_code"]
            self.fields["prefecture"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk:
            return cleaned
        code = cleaned.get("local_government_code")
        chosen = cleaned.get("local_government")
        if code:
            try:
                code = identifiers.validate_local_government_code(code)
            except ValidationError as exc:
                self.add_error("local_government_code", exc)
                return cleaned
            chosen = LocalGovernment.objects.filter(code=code).first()
            if chosen is None:
                self.add_error(
                    "local_government_code",
                    _("No local government has this code. Check the number."),
                )
                return cleaned
        if chosen is None:
            self.add_error("local_government", _("Choose your municipality."))
            return cleaned
        if Organisation.objects.filter(local_government=chosen).exists():
            self.add_error(
                "local_government",
                _("%(name)s is already registered. Ask its administrator to invite you.")
                % {"name": chosen},
            )
            return cleaned
        cleaned["local_government"] = chosen
        cleaned["prefecture"] = chosen.prefecture
        return cleaned

    def identity_data(self) -> dict[str, Any]:
        """Fields derived from the chosen local government (only when creating)."""
        chosen: LocalGovernment | None = self.cleaned_data.get("local_government")
        if chosen is None:
            return {}
        is_prefecture = chosen.level == LocalGovernment.Level.PREFECTURE
        return {
            "local_government": chosen,
            "name": chosen.name if is_prefecture else str(chosen),
            "name_kana": chosen.kana,
            "prefecture": chosen.prefecture,
            "location": None if is_prefecture else chosen,
        }


class SchoolForm(OrganisationForm):
    class Meta(OrganisationForm.Meta):
        fields = [
            "name",
            "name_kana",
            "school_code",
            "school_kind",
            "grade_from",
            "grade_to",
            "student_count",
            "prefecture",
            "location",
            "description",
            "website",
            "themes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_kind"].required = True
        self.fields["location"].required = True
        self.fields["school_code"].help_text = _(
            "13 characters from MEXT's school code list, e.g. F112310102342."
        )
        for name in ("grade_from", "grade_to"):
            self.fields[name].widget.attrs.update({"min": 1, "max": 6})

    def clean_school_code(self) -> str | None:
        value = self.cleaned_data.get("school_code") or ""
        if not value.strip():
            return None
        return identifiers.validate_school_code(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        code = cleaned.get("school_code")
        prefecture = cleaned.get("prefecture")
        if code:
            parts = identifiers.school_code_parts(code)
            if prefecture and parts.prefecture_code != prefecture.code:
                self.add_error(
                    "school_code",
                    _("The school code is for another prefecture (%(code)02d).")
                    % {"code": parts.prefecture_code},
                )
            expected_kind = identifiers.SCHOOL_CODE_KINDS.get(parts.kind_code)
            if (
                cleaned.get("school_kind")
                and expected_kind
                and (cleaned["school_kind"] != expected_kind)
            ):
                self.add_error(
                    "school_kind", _("The school code says this is another kind of school.")
                )
        grade_from, grade_to = cleaned.get("grade_from"), cleaned.get("grade_to")
        if grade_from and grade_to and grade_from > grade_to:
            self.add_error("grade_to", _("The last grade must not be before the first."))
        return cleaned


FORM_FOR_KIND: dict[str, type[OrganisationForm]] = {
    OrganisationKind.COMPANY: CompanyForm,
    OrganisationKind.MUNICIPALITY: MunicipalityForm,
    OrganisationKind.SCHOOL: SchoolForm,
}


def organisation_form_data(form: OrganisationForm) -> dict[str, Any]:
    """The model fields a service should write, without the M2M themes."""
    data = {
        name: value
        for name, value in form.cleaned_data.items()
        if name in form._meta.fields
        and name != "themes"
        and name in form.fields
        and not form.fields[name].disabled
    }
    if isinstance(form, MunicipalityForm):
        data.update(form.identity_data())
    return data


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("JPEG, PNG or WebP, up to 5 MB. We re-encode it and remove hidden data."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class VerificationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Verify")), ("reject", _("Refuse"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Note to the organisation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrganisationKind.choices]
    )
    prefecture = forms.ModelChoiceField(
        label=_("Prefecture"),
        required=False,
        queryset=Prefecture.objects.all(),
        empty_label=_("All prefectures"),
    )
    verified = forms.BooleanField(label=_("Verified only"), required=False)
