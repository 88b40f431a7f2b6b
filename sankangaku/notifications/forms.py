from django import forms

from .kinds import CONFIGURABLE_KINDS, Channel, Kind


class PreferencesForm(forms.Form):
    """One choice per kind; transactional kinds (invitation, verification) are not offered."""

    def __init__(self, *args, current: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Kind.choices)
        for kind in CONFIGURABLE_KINDS:
            self.fields[kind] = forms.ChoiceField(
                label=labels[kind], choices=Channel.choices, initial=current[kind]
            )

    def channels(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in CONFIGURABLE_KINDS}
