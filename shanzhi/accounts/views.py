"""(being written)"""
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse

login_view = login_not_required(auth_views.LoginView.as_view(template_name="accounts/login.html"))
logout_view = auth_views.LogoutView.as_view()


def otp_verify(request):
    return HttpResponse("")


profile = password_change = otp_setup = user_list = otp_verify


def user_detail(request, pk):
    return HttpResponse("")


grant_revoke = user_detail
