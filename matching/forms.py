from django import forms
from django.utils.translation import gettext_lazy as _


class IntroductionRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the coordinator (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
