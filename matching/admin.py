from django.contrib import admin

from .models import MatchProposal, SignalWeights


@admin.register(MatchProposal)
class MatchProposalAdmin(admin.ModelAdmin):
    list_display = [
        "posting",
        "kind",
        "rank",
        "partner",
        "second_partner",
        "score",
        "state",
        "engine_version",
    ]
    list_filter = ["kind", "state", "engine_version"]
    search_fields = ["posting__title", "partner__name", "second_partner__name"]
    list_select_related = ["posting", "partner", "second_partner"]
    readonly_fields = ["breakdown", "computed_at", "created_at"]


@admin.register(SignalWeights)
class SignalWeightsAdmin(admin.ModelAdmin):
    list_display = ["version", "is_active", "labelled_pairs", "created_at"]
    readonly_fields = ["version", "weights", "metrics", "labelled_pairs", "created_at"]
