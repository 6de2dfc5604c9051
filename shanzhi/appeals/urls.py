from django.urls import path

from .views import actions, categories, contact, hotline, locating, metrics, pages, worklist

app_name = "appeals"

urlpatterns = [
    path("", worklist.worklist, name="worklist"),
    path("export.xlsx", worklist.export, name="worklist_export"),
    path("map/", worklist.case_map, name="worklist_map"),
    path("new/", pages.submit, name="submit"),
    path("new/nearby/", pages.nearby, name="nearby"),
    path("mine/", pages.mine, name="mine"),
    path("bulk-dispatch/", actions.bulk_dispatch, name="bulk_dispatch"),
    path("notifications/", pages.notifications, name="notifications"),
    path("notifications/read/", pages.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", pages.notification_open, name="notification"),
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
    path("to-locate/", locating.queue, name="to_locate"),
    path("hotline-imports/", hotline.hotline_imports, name="hotline_imports"),
    path("hotline-imports/<int:pk>/", hotline.hotline_import, name="hotline_import"),
    path(
        "hotline-imports/<int:pk>/progress/", hotline.hotline_import_progress, name="hotline_import_progress"
    ),
    path("<str:number>/", pages.detail, name="detail"),
    path("<str:number>/locate/", locating.place, name="locate"),
    # Before "<verb>/": this is a read (with an audited POST), not a move.
    path("<str:number>/contact-phone/", contact.contact_phone, name="contact_phone"),
    path("<str:number>/<slug:verb>/", actions.act, name="act"),
]
