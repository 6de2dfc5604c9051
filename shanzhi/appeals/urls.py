from django.urls import path

from .views import actions, categories, metrics, pages

app_name = "appeals"

urlpatterns = [
    path("", pages.worklist, name="worklist"),
    path("new/", pages.submit, name="submit"),
    path("new/nearby/", pages.nearby, name="nearby"),
    path("mine/", pages.mine, name="mine"),
    path("bulk-dispatch/", actions.bulk_dispatch, name="bulk_dispatch"),
    path("notifications/", pages.notifications, name="notifications"),
    path("notifications/read/", pages.notifications_read, name="notifications_read"),
    path("photos/<int:pk>/", pages.photo, name="photo"),
    path("summons/<int:pk>/<slug:verb>/", actions.summons_act, name="summons_act"),
    path("metrics/", metrics.metrics_page, name="metrics"),
    path("metrics/export.xlsx", metrics.metrics_export, name="metrics_export"),
    path("metrics/definitions/", metrics.metrics_definitions, name="metrics_definitions"),
    path("public/", metrics.disclosure, name="disclosure"),
    path("categories/", categories.category_list, name="categories"),
    path("categories/new/", categories.category_new, name="category_new"),
    path("categories/<int:pk>/edit/", categories.category_edit, name="category_edit"),
    path("categories/<int:pk>/active/", categories.category_active, name="category_active"),
    path("<str:number>/", pages.detail, name="detail"),
    path("<str:number>/<slug:verb>/", actions.act, name="act"),
]
