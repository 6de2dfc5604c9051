from django.urls import path

from . import views

app_name = "datacentre"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.node, name="node"),
    path("<int:pk>/map.geojson", views.map_layer, name="map"),
    path("screen/<str:token>/", views.screen, name="screen"),
    path("screen/<str:token>/map.geojson", views.screen_map, name="screen_map"),
]
