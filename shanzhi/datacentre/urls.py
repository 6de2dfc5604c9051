from django.urls import path, re_path

from . import report_views, unit_views, views

app_name = "datacentre"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.node, name="node"),
    path("<int:pk>/map.geojson", views.map_layer, name="map"),
    path("screen/<str:token>/", views.screen, name="screen"),
    path("screen/<str:token>/map.geojson", views.screen_map, name="screen_map"),
    path("<int:pk>/points.json", views.map_points, name="points"),
    path("screen/<str:token>/points.json", views.screen_points, name="screen_points"),
    path("screens/", unit_views.screens, name="screens"),
    path("screens/<int:pk>/revoke/", unit_views.screen_revoke, name="screen_revoke"),
    path("department/<int:pk>/", unit_views.department, name="department"),
    path("company/<int:pk>/", unit_views.company, name="company"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/<int:pk>/", report_views.report_detail, name="report"),
    path("reports/<int:pk>/progress/", report_views.report_progress, name="report_progress"),
    re_path(
        r"^reports/(?P<pk>[0-9]+)/file\.(?P<kind>xlsx|pdf)$", report_views.report_file, name="report_file"
    ),
    path("public/", report_views.public_page, name="public"),
]
