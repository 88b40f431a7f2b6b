from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("nudge/<str:item_type>/<int:pk>/", views.nudge, name="nudge"),
]
