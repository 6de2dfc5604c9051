from django.urls import path

from . import views

app_name = "volunteering"
urlpatterns = [
    # on the phone
    path("me/", views.me, name="me"),
    path("me/hours/", views.my_hours, name="my_hours"),
    path("scan/", views.scan_help, name="scan_help"),
    path("scan/<str:token>/", views.scan, name="scan"),
    # activities and their sessions
    path("activities/", views.activity_list, name="activities"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/sign-up/", views.activity_signup, name="activity_signup"),
    path("sign-ups/<int:pk>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/qr/", views.session_qr, name="session_qr"),
    path("attendance/<int:pk>/confirm/", views.attendance_confirm, name="attendance_confirm"),
    path("attendance/<int:pk>/reject/", views.attendance_reject, name="attendance_reject"),
    path("attendance/<int:pk>/check-out/", views.attendance_checkout, name="attendance_checkout"),
    # people and points
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path("volunteers/<int:pk>/award/", views.volunteer_award, name="volunteer_award"),
    path("movements/<int:pk>/reverse/", views.movement_reverse, name="movement_reverse"),
    path("shop/", views.shop, name="shop"),
    path("shop/<int:pk>/redeem/", views.item_redeem, name="item_redeem"),
    path("shop/<int:pk>/restock/", views.item_restock, name="item_restock"),
    path("redemptions/", views.redemption_list, name="redemptions"),
    path("redemptions/<int:pk>/hand-over/", views.redemption_hand_over, name="redemption_hand_over"),
    path("redemptions/<int:pk>/cancel/", views.redemption_cancel, name="redemption_cancel"),
    path("rankings/", views.rankings, name="rankings"),
    path("commendations/", views.commendations, name="commendations"),
    path("pairings/", views.pairing_list, name="pairings"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    # teams and the points standards
    path("teams/", views.team_list, name="teams"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/<slug:verb>/", views.team_action, name="team_action"),
    path("rates/", views.rates, name="rates"),
]
