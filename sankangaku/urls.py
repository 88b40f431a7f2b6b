from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from sankangaku.accounts import views as account_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("sankangaku.api.urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("sankangaku.accounts.urls")),
    path("language/", account_views.language_set, name="language_set"),
    path("matching/", include("matching.urls")),
    path("notifications/", include("sankangaku.notifications.urls")),
    path("projects/", include("projects.urls")),
    path("cases/", include("projects.case_urls")),
    path("coordination/dashboard/", include("sankangaku.dashboard.urls")),
    path("", include("partners.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
