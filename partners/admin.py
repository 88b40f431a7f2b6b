from django.contrib import admin

from .models import (
    AuditEvent,
    CallResponse,
    Coordinator,
    ImportJob,
    Invitation,
    LocalGovernment,
    Membership,
    Organisation,
    OrganisationStats,
    Posting,
    Prefecture,
    Theme,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "prefecture", "verification_status", "created_at"]
    list_filter = ["kind", "verification_status", "prefecture__region", "prefecture"]
    search_fields = [
        "name",
        "name_kana",
        "corporate_number",
        "school_code",
        "local_government__code",
    ]
    autocomplete_fields = ["location", "local_government"]
    readonly_fields = [
        "verified_at",
        "verified_by",
        "verification_method",
        "verification_requested_at",
        "created_at",
        "updated_at",
    ]
    filter_horizontal = ["themes"]
    inlines = [MembershipInline]
    list_select_related = ["prefecture"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__display_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "status", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token_hash", "created_at", "sent_at", "responded_at"]
    list_select_related = ["organisation"]


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):
    list_display = ["user", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["user__email", "user__display_name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["prefectures"]


@admin.register(Prefecture)
class PrefectureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "region"]
    list_filter = ["region"]
    search_fields = ["name", "kana", "name_en"]


@admin.register(LocalGovernment)
class LocalGovernmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "prefecture", "level"]
    list_filter = ["level", "prefecture"]
    search_fields = ["code", "name", "kana"]
    list_select_related = ["prefecture"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["slug", "kind", "number", "name_ja", "name_en", "color", "is_active"]
    list_filter = ["kind", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["slug", "name_ja", "name_en"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "organisation"]
    list_filter = ["action"]
    search_fields = ["action", "actor__email", "organisation__name"]
    list_select_related = ["actor", "organisation"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class CallResponseInline(admin.TabularInline):
    model = CallResponse
    fk_name = "call"
    extra = 0
    fields = ["organisation", "status", "cost", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["organisation"]


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organisation",
        "direction",
        "status",
        "visibility",
        "expires_on",
        "is_open_call",
    ]
    list_filter = [
        "direction",
        "status",
        "visibility",
        "is_open_call",
        "funding_route",
        "organisation__kind",
        "prefecture__region",
    ]
    search_fields = ["title", "body", "organisation__name"]
    autocomplete_fields = ["organisation", "location", "contact", "created_by"]
    filter_horizontal = ["themes"]
    readonly_fields = [
        "published_at",
        "closed_at",
        "last_confirmed_at",
        "reminded_at",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["organisation"]
    inlines = [CallResponseInline]
    date_hierarchy = "created_at"


@admin.register(CallResponse)
class CallResponseAdmin(admin.ModelAdmin):
    list_display = ["call", "organisation", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["call__title", "organisation__name"]
    autocomplete_fields = ["call", "organisation", "submitted_by"]
    list_select_related = ["call", "organisation"]


@admin.register(OrganisationStats)
class OrganisationStatsAdmin(admin.ModelAdmin):
    """Read-only: the rows are recomputed by `compute_trust_signals`."""

    list_display = [
        "organisation",
        "introductions",
        "answered",
        "median_response_hours",
        "completed_projects",
        "published_case_studies",
        "computed_at",
    ]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "filename", "created_by", "created_count", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]
    exclude = ["rows"]
    readonly_fields = [
        "created_by",
        "kind",
        "status",
        "filename",
        "encoding",
        "publish",
        "errors",
        "total",
        "processed",
        "created_count",
        "published_count",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        return False
