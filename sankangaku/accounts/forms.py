from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth calls `signup` after creating the user)."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        help_text=_("Shown to partners, e.g. 山田 花子."),
    )

    def signup(self, request, user: User) -> None:  # allauth's hook, signature fixed
        user.display_name = self.cleaned_data["display_name"].strip()
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        user.preferred_language = language if language in dict(settings.LANGUAGES) else "ja"
        user.save(update_fields=["display_name", "preferred_language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language"]
