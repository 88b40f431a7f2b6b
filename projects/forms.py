from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Agreement, Milestone, SafetyChecklist


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = list(Agreement.TEXT_FIELDS)
        widgets = {field: forms.Textarea(attrs={"rows": 3}) for field in Agreement.TEXT_FIELDS}


class SignForm(forms.Form):
    party = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ChecklistForm(forms.ModelForm):
    class Meta:
        model = SafetyChecklist
        fields = list(SafetyChecklist.ITEMS)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}


class CancelForm(forms.Form):
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
