from django.urls import path

from . import views

app_name = "coop"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("me/", views.me, name="me"),
    # the three lists
    path("resources/", views.resource_list, name="resources"),
    path("resources/<int:pk>/", views.resource_detail, name="resource"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/<slug:verb>/", views.resource_action, name="resource_action"),
    path("needs/", views.need_list, name="needs"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/<slug:verb>/", views.need_action, name="need_action"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/<slug:verb>/", views.order_action, name="order_action"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/<slug:verb>/", views.claim_action, name="claim_action"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/<slug:verb>/", views.project_action, name="project_action"),
    # 双报到
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("members/", views.member_list, name="members"),
    path("posts/", views.post_list, name="posts"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("posts/<int:pk>/<slug:verb>/", views.post_action, name="post_action"),
    # 一考双评一公示
    path("assessments/", views.period_list, name="periods"),
    path("assessments/<int:pk>/", views.period_detail, name="period"),
    path("units/<int:pk>/report.xlsx", views.unit_report, name="unit_report"),
    path("units/<int:pk>/report.pdf", views.unit_report_pdf, name="unit_report_pdf"),
    # public pages (no login, no personal data)
    path("public/projects/", views.public_projects, name="public_projects"),
    path("public/projects/<slug:slug>/", views.public_project, name="public_project"),
    path("public/assessments/<slug:slug>/", views.public_assessment, name="public_assessment"),
]
