from django.contrib import admin

from .models import MatchProposal


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
