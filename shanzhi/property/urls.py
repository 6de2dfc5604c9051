from django.urls import path

from . import views

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
    # public
    path("results/", views.results, name="results"),
    path("results/<int:pk>/", views.result_detail, name="result"),
]
