from django.urls import path

from . import case_views

app_name = "cases"

urlpatterns = [
    path("", case_views.case_list, name="list"),
    path("<int:pk>/", case_views.case_detail, name="detail"),
]
