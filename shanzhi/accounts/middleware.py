from django.shortcuts import redirect
from django.urls import reverse


class SecondFactorMiddleware:
    """A user who enabled TOTP must pass it before any page other than the OTP step and logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and request.path not in (reverse("accounts:otp_verify"), reverse("accounts:logout"))
            and not request.path.startswith(("/static/", "/api/", "/i18n/"))
            and user.totpdevice_set.filter(confirmed=True).exists()
        ):
            return redirect("accounts:otp_verify")
        return self.get_response(request)
