from django.urls import path

from . import views
from .views import exports, periods

app_name = "property"
urlpatterns = [
    path("votes/", views.vote_list, name="votes"),
    path("votes/new/", views.vote_new, name="vote_new"),
    path("votes/<int:pk>/", views.vote_detail, name="vote"),
    path("votes/<int:pk>/open/", views.vote_open, name="vote_open"),
    path("votes/<int:pk>/close/", views.vote_close, name="vote_close"),
    path("votes/<int:pk>/ballot/", views.vote_cast, name="vote_cast"),
    path("votes/<int:pk>/paper/", views.vote_paper, name="vote_paper"),
    path("votes/<int:pk>/paper/<int:ballot_pk>/confirm/", views.ballot_confirm, name="ballot_confirm"),
    path("votes/<int:pk>/export.json", views.vote_export, name="vote_export"),
    # red property: companies, schemes, evaluations
    path("companies/", views.company_list, name="companies"),
    path("companies/<int:pk>/", views.company_detail, name="company"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("companies/<int:pk>/contacts/", views.company_contact, name="company_contact"),
    path("companies/<int:pk>/contracts/", views.company_contract, name="company_contract"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/versions/<int:pk>/", views.version_detail, name="scheme_version"),
    path("schemes/versions/<int:pk>/items/", views.version_item, name="version_item"),
    path("schemes/versions/<int:pk>/indicators/", views.version_indicator, name="version_indicator"),
    path("schemes/versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("schemes/versions/<int:pk>/new/", views.version_new, name="version_new"),
    path("evaluations/", views.evaluation_list, name="evaluations"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:period>/<int:company>/inspect/", views.inspect, name="inspect"),
    path("evaluations/<int:period>/run/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("rate/", views.rate, name="rate"),
    path("companies/<int:pk>/supervise/", views.supervise, name="supervise"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision"),
    path("supervision/<int:pk>/note/", views.supervision_note, name="supervision_note"),
    path("supervision/<int:pk>/close/", views.supervision_close, name="supervision_close"),
    path("evaluations/<int:period>/export.xlsx", views.evaluations_export, name="evaluations_export"),
    path("lists/", views.list_staff, name="lists"),
    path("lists/rules/", views.list_rules, name="list_rules"),
    path("lists/<int:period>/propose/", views.list_propose, name="list_propose"),
    path("lists/approve/<int:pk>/", views.list_approve, name="list_approve"),
    path("public/lists/", views.public_lists, name="public_lists"),
    path("public/disclosure/", views.public_disclosure, name="public_disclosure"),
    # public
    path("results/", views.results, name="results"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    # opening a period; a closed vote's tally (.xlsx) and sealed result (PDF)
    path("evaluations/periods/new/", periods.period_new, name="period_new"),
    path("votes/<int:pk>/tally.xlsx", exports.vote_tally_xlsx, name="vote_tally_xlsx"),
    path("votes/<int:pk>/sealed.pdf", exports.vote_sealed_pdf, name="vote_sealed_pdf"),
]
