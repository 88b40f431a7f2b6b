from django.contrib import admin

from .models import (
    Agreement,
    CaseStudy,
    CompletionReport,
    HandoverMemo,
    Milestone,
    Project,
    ProjectMessage,
    ProjectParty,
    ReportPhoto,
    SafetyChecklist,
)


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


@admin.register(ProjectMessage)
class ProjectMessageAdmin(admin.ModelAdmin):
    list_display = ["project", "author", "is_progress_note", "created_at"]
    list_filter = ["is_progress_note"]
    raw_id_fields = ["project", "author", "party", "mentions"]


class ReportPhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 0
    fields = ["image", "thumbnail"]
    readonly_fields = ["image", "thumbnail"]


@admin.register(CompletionReport)
class CompletionReportAdmin(admin.ModelAdmin):
    list_display = ["party", "consent_public", "updated_at"]
    list_filter = ["consent_public"]
    raw_id_fields = ["party", "updated_by"]
    inlines = [ReportPhotoInline]


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    """Read-mostly: case studies are generated from the reports and the parties' consent."""

    list_display = ["title", "prefecture", "is_published", "published_at"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    raw_id_fields = ["project", "organisations", "sdgs", "photos"]
