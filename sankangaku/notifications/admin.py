from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Digest, EmailState, Notification, Preference
from .services import notifications_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "email", "email_state", "attempts", "sent_at", "read_at"]
    list_filter = ["email_state", "kind", "channel"]
    search_fields = ["email", "idempotency_key"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "actor", "digest"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "secret_url"]
    exclude = ["secret_url"]
    actions = ["resend"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Resend the selected dead-lettered emails"))
    def resend(self, request, queryset) -> None:
        count = notifications_resend(
            notification_ids=queryset.filter(email_state=EmailState.DEAD).values_list(
                "pk", flat=True
            )
        )
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["idempotency_key", "recipient", "cadence", "created_at", "sent_at"]
    list_filter = ["cadence"]
    raw_id_fields = ["recipient"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "updated_at"]
    list_filter = ["kind", "channel"]
    raw_id_fields = ["user"]
