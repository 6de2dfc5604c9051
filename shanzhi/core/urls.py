from django.urls import path

from . import calendar_views, views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("admin-tools/workdays/", calendar_views.workday_calendar, name="workdays"),
]
