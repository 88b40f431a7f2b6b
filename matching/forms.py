from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Posting, PostingStatus, Prefecture

from .models import MatchProposal, ReasonCode


class IntroductionRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the coordinator (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class _ReasonMixin(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Reason"), choices=[("", "---------"), *ReasonCode.choices], required=False
    )
    reason_text = forms.CharField(label=_("Reason in your words"), max_length=500, required=False)

    def _require_reason(self) -> None:
        code = self.cleaned_data.get("reason_code")
        if not code:
            self.add_error("reason_code", _("Please choose a reason."))
        elif code == ReasonCode.OTHER and not self.cleaned_data.get("reason_text", "").strip():
            self.add_error("reason_text", _("Please say briefly what the other reason is."))


class DecisionForm(_ReasonMixin):
    """A coordinator's decision on a requested introduction; a rejection needs a reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the organisations"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = ["decision", "note", "reason_code", "reason_text"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == "reject":
            self._require_reason()
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class BulkDecisionForm(DecisionForm):
    proposals = forms.TypedMultipleChoiceField(
        label=_("Requests"), coerce=int, choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, proposal_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(pk, pk) for pk in proposal_ids]
        self.fields["proposals"].error_messages["required"] = _("Tick at least one request.")


class ResponseForm(_ReasonMixin):
    """A party's answer; declining needs a reason, which the requester sees."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )

    field_order = ["answer", "reason_code", "reason_text"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("answer") == "decline":
            self._require_reason()
        return cleaned

    @property
    def accept(self) -> bool:
        return self.cleaned_data["answer"] == "accept"


class ReviewFilterForm(forms.Form):
    prefecture = forms.ModelChoiceField(
        label=_("Prefecture"), queryset=Prefecture.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *MatchProposal.Kind.choices], required=False
    )
    older_than = forms.IntegerField(
        label=_("Waiting at least (days)"), min_value=0, max_value=365, required=False
    )

    def __init__(self, *args, prefecture_codes: set[int] | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        prefectures = Prefecture.objects.order_by("code")
        if prefecture_codes is not None:
            prefectures = prefectures.filter(code__in=prefecture_codes)
        self.fields["prefecture"].queryset = prefectures


class ManualProposalForm(forms.Form):
    """A coordinator proposes postings to each other by their numbers (shown on each
    posting's page as No. 123)."""

    posting = forms.IntegerField(label=_("Posting number (the issue)"), min_value=1)
    partner_posting = forms.IntegerField(label=_("Partner's posting number"), min_value=1)
    second_partner_posting = forms.IntegerField(
        label=_("Second partner's posting number (for a three-way proposal)"),
        min_value=1,
        required=False,
    )
    note = forms.CharField(
        label=_("Note to the organisations"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, coordinator, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.coordinator = coordinator

    def _posting(self, name: str):
        from partners.access import coordinator_covers

        number = self.cleaned_data.get(name)
        if number is None:
            return None
        posting = (
            Posting.objects.select_related("organisation")
            .filter(pk=number, status=PostingStatus.OPEN)
            .first()
        )
        if posting is None:
            self.add_error(name, _("There is no open posting with this number."))
        elif name == "posting" and not coordinator_covers(self.coordinator, posting.organisation):
            self.add_error(name, _("This posting is outside your region."))
            return None
        return posting

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in ("posting", "partner_posting", "second_partner_posting"):
            cleaned[f"{name}_object"] = self._posting(name)
        return cleaned
