from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("proposals/", views.proposal_mine, name="proposal_mine"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/request/", views.request_introduction, name="request"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/respond/", views.proposal_respond, name="proposal_respond"),
    path("review/", views.review, name="review"),
    path("review/bulk/", views.review_bulk, name="review_bulk"),
    path("triads/", views.triads, name="triads"),
]
