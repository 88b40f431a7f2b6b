from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("proposals/<int:pk>/request/", views.request_introduction, name="request"),
    path("triads/", views.triads, name="triads"),
]
