from django.urls import path

from . import calendar_views

app_name = "core"
urlpatterns = [
    path("admin-tools/workdays/", calendar_views.workday_calendar, name="workdays"),
]
