from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.csv", views.project_export, name="export"),
    path("calendar/<str:token>.ics", views.user_calendar, name="user_calendar"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/agreement/", views.agreement_edit, name="agreement"),
    path("<int:pk>/sign/", views.agreement_sign, name="sign"),
    path("<int:pk>/checklist/", views.checklist_update, name="checklist"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/done/", views.milestone_done, name="milestone_done"
    ),
    path("<int:pk>/complete/", views.project_complete, name="complete"),
    path("<int:pk>/cancel/", views.project_cancel, name="cancel"),
    path("<int:pk>/parties/<int:party_pk>/handover/", views.party_handover, name="handover"),
    path(
        "<int:pk>/parties/<int:party_pk>/commitments/",
        views.party_commitments,
        name="commitments",
    ),
    path("<int:pk>/calendar.ics", views.project_calendar, name="calendar"),
    path("<int:pk>/invite/", views.project_invite, name="invite"),
    path("invitations/<int:pk>/", views.invitation_answer, name="invitation"),
    path("<int:pk>/messages/", views.message_list, name="messages"),
    path(
        "<int:pk>/messages/<int:message_pk>/attachment/",
        views.message_attachment,
        name="message_attachment",
    ),
    path("<int:pk>/reports/<int:party_pk>/", views.report_edit, name="report"),
]
