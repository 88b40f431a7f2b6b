from django.urls import path

from .views import bulk, postings
from .views import organisations as views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("organisations/", views.organisation_list, name="list"),
    path("organisations/new/", views.organisation_create, name="create"),
    path("organisations/switch/", views.organisation_switch, name="switch"),
    path("organisations/municipalities/", views.municipality_options, name="municipality_options"),
    path("organisations/<int:pk>/", views.organisation_detail, name="detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("organisations/<int:pk>/logo/", views.organisation_logo, name="logo"),
    path(
        "organisations/<int:pk>/verification/",
        views.organisation_request_verification,
        name="request_verification",
    ),
    path("organisations/<int:pk>/members/", views.organisation_members, name="members"),
    path("organisations/<int:pk>/members/invite/", views.invitation_create, name="invite"),
    path("organisations/<int:pk>/members/leave/", views.membership_leave, name="leave"),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/role/",
        views.membership_role,
        name="member_role",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/remove/",
        views.membership_remove,
        name="member_remove",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/make-admin/",
        views.membership_transfer_admin,
        name="transfer_admin",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_respond, name="invitation"),
    path("postings/", postings.posting_list, name="posting_list"),
    path("postings/new/", postings.posting_create, name="posting_create"),
    path("postings/mine/", postings.posting_mine, name="posting_mine"),
    path("postings/similar/", postings.posting_similar, name="posting_similar"),
    path("postings/<int:pk>/", postings.posting_detail, name="posting_detail"),
    path("postings/<int:pk>/edit/", postings.posting_edit, name="posting_edit"),
    path("postings/<int:pk>/publish/", postings.posting_publish, name="posting_publish"),
    path("postings/<int:pk>/close/", postings.posting_close, name="posting_close"),
    path("postings/<int:pk>/confirm/", postings.posting_confirm, name="posting_confirm"),
    path("postings/<int:pk>/contact/", postings.posting_contact, name="posting_contact"),
    path("postings/<int:pk>/respond/", postings.call_respond, name="call_respond"),
    path("postings/<int:pk>/responses/", postings.call_responses, name="call_responses"),
    path(
        "postings/<int:pk>/responses/<int:response_pk>/",
        postings.call_response_decide,
        name="call_response_decide",
    ),
    path("coordination/postings/", postings.posting_review_queue, name="posting_review_queue"),
    path(
        "coordination/postings/<int:pk>/",
        postings.posting_review_decide,
        name="posting_review_decide",
    ),
    path("coordination/verification/", views.verification_queue, name="verification_queue"),
    path(
        "coordination/verification/<int:pk>/", views.verification_decide, name="verification_decide"
    ),
    # CSV export and import (issue #7)
    path(
        "organisations/<int:pk>/postings.csv",
        bulk.organisation_postings_export,
        name="postings_export",
    ),
    path("coordination/bulk/", bulk.import_upload, name="bulk"),
    path(
        "coordination/export/organisations.csv",
        bulk.export_organisations,
        name="export_organisations",
    ),
    path("coordination/export/postings.csv", bulk.export_postings, name="export_postings"),
    path("coordination/export/proposals.csv", bulk.export_proposals, name="export_proposals"),
    path(
        "coordination/import/template/<str:kind>.csv", bulk.import_template, name="import_template"
    ),
    path("coordination/import/<int:pk>/", bulk.import_detail, name="import_detail"),
    path("coordination/import/<int:pk>/start/", bulk.import_start, name="import_start"),
    path("coordination/import/<int:pk>/status/", bulk.import_status, name="import_status"),
]
