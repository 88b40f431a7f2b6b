import re
import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.forms.boundfield import BoundField
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from sankangaku.forms import ListedChoiceIterator

from .models import Agreement, CompletionReport, Milestone, SafetyChecklist

# An organisation's profile address, as pasted from the browser (any host, with or without a
# language prefix): /organisations/123/ or …/organisations/123
_PROFILE_ADDRESS = re.compile(r"/organisations/(\d{1,12})(?:/|$|\?|#)")

# Field groups of unbound forms, per process: (form, field, language, value, choices) → HTML.
_field_groups: dict[tuple[Any, ...], SafeString] = {}
FIELD_GROUPS_MAX = 1000


def field_groups_forget() -> None:
    """Drop the process-local copies (tests)."""
    _field_groups.clear()


class RememberedBoundField(BoundField):
    """An unbound form's field group, rendered once per process for each language, initial
    value and set of choices: rendering the message form's four groups through the field
    templates was ≈ 3 ms of every thread request. Nothing else goes into that HTML (the
    CSRF token and errors are outside the group; a bound form is always rendered). Templates
    change only with a deploy, i.e. a restart; with DEBUG, where they are edited live, this
    remembers nothing."""

    def as_field_group(self) -> SafeString:
        if self.form.is_bound or settings.DEBUG:
            return super().as_field_group()
        choices = getattr(self.field, "choices", ())
        key = (
            type(self.form).__qualname__,
            self.html_name,
            self.auto_id,
            translation.get_language(),
            repr(self.value()),
            tuple((str(value), str(label)) for value, label in choices),
        )
        html = _field_groups.get(key)
        if html is None:
            html = super().as_field_group()
            if len(_field_groups) >= FIELD_GROUPS_MAX:
                _field_groups.clear()
            _field_groups[key] = html
        return html


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = list(Agreement.TEXT_FIELDS)
        widgets = {field: forms.Textarea(attrs={"rows": 3}) for field in Agreement.TEXT_FIELDS}


class SignForm(forms.Form):
    party = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ChecklistForm(forms.ModelForm):
    bound_field_class = RememberedBoundField  # the project page renders it unbound

    class Meta:
        model = SafetyChecklist
        fields = list(SafetyChecklist.ITEMS)


class MilestoneForm(forms.ModelForm):
    bound_field_class = RememberedBoundField  # the project page renders it unbound

    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}


class CancelForm(forms.Form):
    bound_field_class = RememberedBoundField  # the project page renders it unbound

    reason = forms.CharField(label=_("Why is the project cancelled?"), max_length=500)


class HandoverForm(forms.Form):
    new_contact = forms.ModelChoiceField(label=_("New contact person"), queryset=None)
    memo = forms.CharField(
        label=_("Hand-over memo for the partners and your successor"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What has been agreed, what is open, whom to call, where the files are."),
    )

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_contact"].queryset = members
        self.fields["new_contact"].label_from_instance = lambda user: user.display_name


class CommitmentsForm(forms.Form):
    commitments = forms.CharField(
        label=_("What your organisation commits to"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "People, money, places, class hours or data you bring, and by when. "
            "Every organisation in the project reads this."
        ),
    )


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator


class MessageForm(forms.Form):
    bound_field_class = RememberedBoundField

    body = forms.CharField(
        label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_progress_note = forms.BooleanField(
        label=_("This is a progress note"),
        required=False,
        help_text=_("Progress notes are listed under “Progress”."),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("A PDF (up to 10 MB) or a JPEG, PNG or WebP image."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/jpeg,image/png,image/webp"}),
    )
    mentions = PeopleChoiceField(
        label=_("Notify specifically"),
        queryset=None,
        required=False,
        help_text=_("These people get a notice about this message."),
    )

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentions"].queryset = people
        self.fields["mentions"].label_from_instance = lambda user: user.display_name

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        from .attachments import prepare_attachment

        return prepare_attachment(upload, original_name=upload.name)


class ReportForm(forms.ModelForm):
    """One page, short fields; photos are handled beside it (three optional file inputs)."""

    photo_1 = forms.FileField(label=_("Photo"), required=False)
    photo_2 = forms.FileField(label=_("Photo"), required=False)
    photo_3 = forms.FileField(label=_("Photo"), required=False)

    PHOTO_FIELDS = ("photo_1", "photo_2", "photo_3")

    class Meta:
        model = CompletionReport
        fields = [
            "done",
            "students_involved",
            "events_held",
            "funds_used",
            "sdgs",
            "next_steps",
            "consent_public",
        ]
        widgets = {
            "done": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "sdgs": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "funds_used": _("For example: 200,000 yen from the city's budget, bus in kind."),
            "consent_public": _(
                "When every organisation agrees and the project is completed, a case study "
                "is published from the reports. Unticking it later unpublishes it."
            ),
        }

    def __init__(self, *args, may_consent: bool, photos_left: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from partners.models import Theme

        self.fields["sdgs"].queryset = Theme.objects.filter(kind=Theme.Kind.SDG, is_active=True)
        self.fields["sdgs"].label_from_instance = lambda theme: f"{theme.number}. {theme.name}"
        self.fields["students_involved"].widget.attrs["min"] = 0
        self.fields["events_held"].widget.attrs["min"] = 0
        if not may_consent:
            # Only an administrator commits the organisation to publishing.
            self.fields["consent_public"].disabled = True
            self.fields["consent_public"].help_text = _(
                "An administrator of your organisation decides on publishing."
            )
        for name in self.PHOTO_FIELDS[photos_left:]:
            del self.fields[name]
        for name in self.PHOTO_FIELDS[:photos_left]:
            self.fields[name].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
            self.fields[name].help_text = _("JPEG, PNG or WebP, up to %(mb)s MB.") % {
                "mb": settings.LOGO_MAX_BYTES // (1024 * 1024)
            }

    def photo_uploads(self) -> list:
        return [self.cleaned_data[n] for n in self.PHOTO_FIELDS if self.cleaned_data.get(n)]


class CaseStudyFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    prefecture = forms.ModelChoiceField(
        label=_("Prefecture"), queryset=None, required=False, empty_label=_("All prefectures")
    )
    sdg = forms.ModelChoiceField(
        label=_("SDG"), queryset=None, required=False, empty_label=_("All SDGs")
    )
    kind = forms.ChoiceField(label=_("Kind of organisation"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from partners.models import OrganisationKind, Prefecture, Theme

        self.fields["prefecture"].queryset = Prefecture.objects.all()
        self.fields["prefecture"].label_from_instance = lambda p: p.display_name
        self.fields["sdg"].queryset = Theme.objects.filter(kind=Theme.Kind.SDG)
        self.fields["sdg"].label_from_instance = lambda theme: f"{theme.number}. {theme.name}"
        self.fields["kind"].choices = [("", _("All kinds")), *OrganisationKind.choices]


class InviteForm(forms.Form):
    bound_field_class = RememberedBoundField  # the project page renders it unbound

    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=300,
        help_text=_(
            "Paste the address of its profile page (…/organisations/123/), or type its number "
            "(123) or its 13-digit corporate number."
        ),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_organisation(self):
        """The organisation named by its profile address, its number or its corporate number
        (full-width digits too: NFKC), so nobody has to dig a number out of an address."""
        from partners.models import Organisation

        text = unicodedata.normalize("NFKC", self.cleaned_data["organisation"]).strip()
        in_address = _PROFILE_ADDRESS.search(text)
        if in_address:
            found = Organisation.objects.filter(pk=int(in_address.group(1)))
        elif re.fullmatch(r"\d{13}", text):
            found = Organisation.objects.filter(corporate_number=text)
        elif re.fullmatch(r"\d{1,12}", text):
            found = Organisation.objects.filter(pk=int(text))
        else:
            raise forms.ValidationError(
                _(
                    "Paste the address of the organisation's profile page, or type its number "
                    "or its corporate number."
                )
            )
        organisation = found.first()
        if organisation is None:
            raise forms.ValidationError(_("There is no organisation with this address or number."))
        return organisation


class InvitationAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Join the project")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
