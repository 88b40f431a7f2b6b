from django.contrib import admin

from .models import Agreement, HandoverMemo, Milestone, Project, ProjectParty, SafetyChecklist


class PartyInline(admin.TabularInline):
    model = ProjectParty
    extra = 0
    raw_id_fields = ["organisation", "contact"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    raw_id_fields = ["created_by"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "involves_minors", "created_at"]
    list_filter = ["state", "involves_minors"]
    search_fields = ["title"]
    raw_id_fields = ["proposal", "posting"]
    inlines = [PartyInline, MilestoneInline]


admin.site.register(Agreement)
admin.site.register(SafetyChecklist)
admin.site.register(HandoverMemo)
