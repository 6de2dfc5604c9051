from django.urls import include, path

from . import views
from .views import auditing as audit_views
from .views import home as home_views

app_name = "accounts"
_account_pages = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.password_change, name="password_change"),
    path("profile/otp/", views.otp_setup, name="otp_setup"),
    path("users/", views.user_list, name="users"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/security/", views.user_security, name="user_security"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
]

urlpatterns = [
    # Every role's home (the logo and the login land here).
    path("", home_views.home, name="home"),
    path("accounts/", include(_account_pages)),
    # The administrators' pages keep their addresses at the site's root.
    path("audit/", audit_views.audit_log, name="audit"),
    path("audit/chain/", audit_views.audit_chain, name="audit_chain"),
]
