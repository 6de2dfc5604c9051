"""Administration pages under /admin-tools/ (the system administrator's tools)."""

from django.urls import path

from .views import calendar as calendar_views

app_name = "admin_tools"
urlpatterns = [
    path("workdays/", calendar_views.workday_calendar, name="workdays"),
]
