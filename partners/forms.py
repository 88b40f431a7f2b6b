import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sankangaku.forms import ReferenceChoiceField

from . import identifiers
from .models import (
    CallResponse,
    Direction,
    FundingRoute,
    LocalGovernment,
    Organisation,
    OrganisationKind,
    PlaceScope,
    Posting,
    Prefecture,
    Region,
    Role,
    SchoolKind,
    TermChoice,
    Theme,
)

# Fields every kind shares; kind-specific forms add their identity fields.
COMMON_FIELDS = ["name", "name_kana", "prefecture", "location", "description", "website", "themes"]


class PlaceFieldsMixin:
    """A prefecture select that refills the municipality select: by htmx on change, or by
    the no-JS "Show municipalities" button that re-renders the form unsaved."""

    def _wire_prefecture(self) -> None:
        self.fields["prefecture"].queryset = Prefecture.objects.all()
        self.fields["prefecture"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("partners:municipality_options"),
                "hx-trigger": "change",
                "hx-target": "#id_location",
                "hx-swap": "innerHTML",
            }
        )

    def _selected_prefecture(self) -> int | None:
        raw = self.data.get(self.add_prefix("prefecture")) if self.is_bound else None
        if raw is None:
            raw = self.initial.get("prefecture") or getattr(self.instance, "prefecture_id", None)
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None


class OrganisationForm(PlaceFieldsMixin, forms.ModelForm):
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
        self._wire_prefecture()
        prefecture_code = self._selected_prefecture()
        if "location" in self.fields:
            qs = LocalGovernment.objects.exclude(level=LocalGovernment.Level.PREFECTURE)
            self.fields["location"].queryset = (
                qs.filter(prefecture_id=prefecture_code) if prefecture_code else qs.none()
            )
            self.fields["location"].help_text = _(
                "Choose the prefecture first; the list shows its municipalities."
            )

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
    prefecture = ReferenceChoiceField(
        label=_("Prefecture"),
        required=False,
        queryset=Prefecture.objects.all(),
        empty_label=_("All prefectures"),
        reference_key="prefectures",
    )
    verified = forms.BooleanField(label=_("Verified only"), required=False)


# --- Postings ---------------------------------------------------------------------------


# The highest grade each kind of school has (a grade outside 1..this is refused).
MAX_GRADE = {
    SchoolKind.KINDERGARTEN: 3,
    SchoolKind.ELEMENTARY: 6,
    SchoolKind.JUNIOR_HIGH: 3,
    SchoolKind.COMPULSORY: 9,
    SchoolKind.HIGH: 4,  # part-time high schools have a 4th year
    SchoolKind.SECONDARY: 6,
    SchoolKind.SPECIAL_NEEDS: 12,
    SchoolKind.UNIVERSITY: 6,
    SchoolKind.JUNIOR_COLLEGE: 3,
    SchoolKind.TECHNICAL_COLLEGE: 5,
    SchoolKind.VOCATIONAL: 4,
}

ISSUE_FRAMING = ["situation", "desired_outcome", "constraints", "assets", "partnership_forms"]
STRENGTH_FRAMING = ["offer_what", "offer_for_whom", "conditions", "capacity"]
SCHOOL_FIELDS = ["school_year", "terms", "grade_from", "grade_to", "student_count", "class_hours"]
CALL_FIELDS = ["is_open_call", "call_budget", "call_deadline", "selection_criteria"]
PLACE_FIELDS = ["place_scope", "prefecture", "location", "online_ok"]
COMMON_POSTING_FIELDS = [
    "title",
    "body",
    "themes",
    *PLACE_FIELDS,
    "starts_on",
    "ends_on",
    "funding_route",
    "budget_min",
    "budget_max",
    "visibility",
    "wants_review",
]


class DateInput(forms.DateInput):
    input_type = "date"


class PostingForm(PlaceFieldsMixin, forms.ModelForm):
    """One form for issues and strengths; which framing questions it asks depends on the
    direction, and the school and municipality fields on the organisation's kind."""

    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.filter(is_active=True).order_by("kind", "position", "slug"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Themes and SDGs"),
    )
    terms = forms.MultipleChoiceField(
        choices=TermChoice.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Terms"),
    )

    class Meta:
        model = Posting
        fields = [
            *COMMON_POSTING_FIELDS,
            *ISSUE_FRAMING,
            *STRENGTH_FRAMING,
            *SCHOOL_FIELDS,
            "budget_status",
            *CALL_FIELDS,
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 5}),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in [*ISSUE_FRAMING, *STRENGTH_FRAMING, "selection_criteria"]
            },
            "starts_on": DateInput,
            "ends_on": DateInput,
            "call_deadline": DateInput,
        }

    def __init__(
        self, *args: Any, organisation: Organisation, direction: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.direction = direction
        drop = STRENGTH_FRAMING if direction == Direction.ISSUE else ISSUE_FRAMING
        if direction != Direction.ISSUE:
            drop = [*drop, *CALL_FIELDS]
        if organisation.kind != OrganisationKind.SCHOOL:
            drop = [*drop, *SCHOOL_FIELDS]
        if organisation.kind != OrganisationKind.MUNICIPALITY:
            drop = [*drop, "budget_status"]
        for name in drop:
            self.fields.pop(name, None)
        self._wire_prefecture()
        prefecture = self._selected_prefecture()
        self.fields["location"].queryset = (
            LocalGovernment.objects.filter(prefecture_id=prefecture).exclude(
                level=LocalGovernment.Level.PREFECTURE
            )
            if prefecture
            else LocalGovernment.objects.none()
        )
        if not self.is_bound and not self.instance.pk:
            # Start from the organisation's own place: most postings are about it.
            self.initial.setdefault("prefecture", organisation.prefecture_id)
            self.initial.setdefault("location", organisation.location_id)
            self.fields["location"].queryset = LocalGovernment.objects.filter(
                prefecture_id=organisation.prefecture_id
            ).exclude(level=LocalGovernment.Level.PREFECTURE)
        for name in ("title", "body"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse_lazy("partners:posting_similar"),
                    # "input" also catches paste, autofill and dictation.
                    "hx-trigger": "input changed delay:800ms",
                    "hx-target": "#similar-postings",
                    "hx-swap": "outerHTML",
                    "hx-include": "[name=title],[name=body]",
                }
            )
            if self.instance.pk:
                # Editing: the posting itself is not "similar".
                self.fields[name].widget.attrs["hx-vals"] = json.dumps(
                    {"exclude": self.instance.pk}
                )
        if "school_year" in self.fields:
            self.fields["school_year"].widget.attrs.update({"min": 2020, "max": 2100})

    @property
    def framing_fields(self) -> list[forms.BoundField]:
        """The framing questions for this direction, in template order."""
        return [self[name] for name in [*ISSUE_FRAMING, *STRENGTH_FRAMING] if name in self.fields]

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_school_year(self) -> int | None:
        year = self.cleaned_data.get("school_year")
        if year is not None and not 2020 <= year <= 2100:
            raise ValidationError(_("Enter the school year as a year such as 2027."))
        return year

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The period cannot end before it starts."))
        low, high = cleaned.get("budget_min"), cleaned.get("budget_max")
        if low is not None and high is not None and high < low:
            self.add_error("budget_max", _("The upper budget must not be below the lower."))
        self._clean_place(cleaned)
        self._clean_grades(cleaned)
        self._clean_call(cleaned)
        return cleaned

    def _clean_place(self, cleaned: dict[str, Any]) -> None:
        scope = cleaned.get("place_scope")
        if scope == PlaceScope.MUNICIPALITY:
            if not cleaned.get("location"):
                self.add_error("location", _("Choose the municipality."))
            elif cleaned.get("prefecture") and (
                cleaned["location"].prefecture_id != cleaned["prefecture"].pk
            ):
                self.add_error("location", _("This municipality is not in that prefecture."))
            else:
                cleaned["prefecture"] = cleaned["location"].prefecture
        elif scope == PlaceScope.PREFECTURE:
            if not cleaned.get("prefecture"):
                self.add_error("prefecture", _("Choose the prefecture."))
            cleaned["location"] = None
        elif scope in (PlaceScope.NATIONWIDE, PlaceScope.ONLINE):
            cleaned["prefecture"] = None
            cleaned["location"] = None
            if scope == PlaceScope.ONLINE:
                cleaned["online_ok"] = True

    def _clean_grades(self, cleaned: dict[str, Any]) -> None:
        if "grade_from" not in self.fields:
            return
        top = MAX_GRADE.get(self.organisation.school_kind, 12)
        for name in ("grade_from", "grade_to"):
            grade = cleaned.get(name)
            if grade is not None and not 1 <= grade <= top:
                self.add_error(
                    name,
                    _("This kind of school has grades 1 to %(top)d.") % {"top": top},
                )
        low, high = cleaned.get("grade_from"), cleaned.get("grade_to")
        if low and high and high < low:
            self.add_error("grade_to", _("The last grade must not be before the first."))
        if low and not high:
            cleaned["grade_to"] = low

    def _clean_call(self, cleaned: dict[str, Any]) -> None:
        if not cleaned.get("is_open_call"):
            return
        for name, message in (
            ("call_budget", _("An open call needs a budget.")),
            ("call_deadline", _("An open call needs a deadline for proposals.")),
            ("selection_criteria", _("An open call needs its selection criteria.")),
        ):
            if not cleaned.get(name):
                self.add_error(name, message)
        deadline = cleaned.get("call_deadline")
        if deadline and deadline < timezone.localdate():
            self.add_error("call_deadline", _("The deadline must be in the future."))

    def posting_data(self) -> dict[str, Any]:
        """Model fields for the service, without the themes."""
        data = {
            name: self.cleaned_data.get(name)
            for name in self.fields
            if name != "themes" and name in self._meta.fields
        }
        data["prefecture"] = self.cleaned_data.get("prefecture")
        data["location"] = self.cleaned_data.get("location")
        data["direction"] = self.direction
        for name in ("budget_status",):
            if name in data and data[name] is None:
                data[name] = ""
        return data


class PostingFilterForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=200)
    direction = forms.ChoiceField(
        label=_("Looking for"),
        required=False,
        choices=[("", _("Issues and strengths")), *Direction.choices],
    )
    kind = forms.ChoiceField(
        label=_("Posted by"),
        required=False,
        choices=[("", _("All kinds")), *OrganisationKind.choices],
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All regions")), *Region.choices]
    )
    prefecture = ReferenceChoiceField(
        label=_("Prefecture"),
        required=False,
        queryset=Prefecture.objects.all(),
        empty_label=_("All prefectures"),
        reference_key="prefectures",
    )
    theme = ReferenceChoiceField(
        label=_("Theme"),
        required=False,
        to_field_name="slug",
        queryset=Theme.objects.filter(is_active=True).order_by("kind", "position", "slug"),
        empty_label=_("All themes"),
        reference_key="active-themes",
    )
    funding = forms.ChoiceField(
        label=_("Funding route"),
        required=False,
        choices=[("", _("Any funding route")), *FundingRoute.choices],
    )
    grade = forms.IntegerField(label=_("School grade"), required=False, min_value=1, max_value=12)
    period_from = forms.DateField(label=_("Active from"), required=False, widget=DateInput)
    period_to = forms.DateField(label=_("Active until"), required=False, widget=DateInput)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("relevance", _("Relevance")),
            ("newest", _("Newest")),
            ("deadline", _("Deadline")),
        ],
    )

    def search_arguments(self) -> dict[str, Any]:
        """Valid filters only: a bad value in one filter is dropped, the rest still apply.

        Reads the form's own validation (run once: the page shows its errors too), so a
        prefecture or theme is looked up once a request, not twice."""
        if not self.is_bound:
            return {}
        self.is_valid()  # fills cleaned_data with the fields that passed
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class PostingReviewForm(VerificationDecisionForm):
    pass


class CallResponseForm(forms.ModelForm):
    class Meta:
        model = CallResponse
        fields = ["idea", "who", "when", "cost"]
        widgets = {
            "idea": forms.Textarea(attrs={"rows": 4}),
            "who": forms.Textarea(attrs={"rows": 2}),
            "when": forms.Textarea(attrs={"rows": 2}),
        }


class ContactForm(forms.Form):
    contact = forms.ModelChoiceField(queryset=None, label=_("Contact person"))  # type: ignore[arg-type]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from sankangaku.accounts.models import User

        self.fields["contact"].queryset = User.objects.filter(
            memberships__organisation=organisation
        ).order_by("display_name")
