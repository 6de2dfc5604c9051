import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import router
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from shanzhi.core import prepared

from .models import ADMIN_ROLES
from .permissions import STAFF

# Paths that must stay reachable while a step (second factor, password change) is pending.
_ALWAYS_OPEN_PREFIXES = ("/static/", "/api/", "/i18n/", "/healthz")


def password_is_due(user):
    """True when rotation is on and a staff account's password is older than allowed.

    Residents are never forced: rotation is a duty of those who handle other people's data.
    An unknown age (an account made outside the services) counts as due.
    """
    max_age = getattr(settings, "SHANZHI_PASSWORD_MAX_AGE_DAYS", 0)
    if not max_age or not user.is_authenticated:
        return False
    if not any(role in STAFF or role in ADMIN_ROLES for role in user.roles()):
        return False
    changed = user.password_changed_at
    return changed is None or timezone.now() - changed > datetime.timedelta(days=max_age)


def _confirmed_device(user_id):
    return TOTPDevice.objects.filter(user_id=user_id, confirmed=True).only("pk")[:1]


# Asked on every page of a session that has not passed the second step (most sessions: most
# accounts have no device), so compiled once per process (``core.prepared``), not per request.
_CONFIRMED_DEVICE = prepared.Compiled(_confirmed_device, 0)


def owes_second_factor(user):
    """Signed in with the password, but TOTP is on and this session has not passed it yet."""
    if user.is_verified():
        return False
    return bool(_CONFIRMED_DEVICE(user.pk, using=router.db_for_read(TOTPDevice, instance=user)))


def _with_next(url_name, request):
    url = reverse(url_name)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(url)


class SecondFactorMiddleware:
    """A user who enabled TOTP must pass it before any page other than the OTP step and logout;
    then, when password rotation is on and the password is too old, the password must change."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or request.path.startswith(_ALWAYS_OPEN_PREFIXES):
            return self.get_response(request)
        open_paths = (reverse("accounts:otp_verify"), reverse("accounts:logout"))
        if request.path not in open_paths and owes_second_factor(user):
            return _with_next("accounts:otp_verify", request)
        if request.path not in open_paths and request.path != reverse("accounts:password_change"):
            if password_is_due(user):
                return _with_next("accounts:password_change", request)
        return self.get_response(request)
