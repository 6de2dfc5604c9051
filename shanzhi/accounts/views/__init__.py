"""Signing in, the second factor, one's own account, and the security administrator's pages."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent

from .. import permissions, services
from ..forms import CreateUserForm, GrantForm, LoginForm, OtpTokenForm, PasswordChangeForm, add_domain_error
from ..middleware import password_is_due
from ..models import Role, RoleGrant, User

A = AuditEvent.Action
GRANT_RELATED = ("node", "department", "property_company", "unit", "resident")

login_view = login_not_required(
    auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm)
)
# Django's LogoutView answers POST only, so a link or an <img> elsewhere cannot sign anyone out.
logout_view = auth_views.LogoutView.as_view()


def _next_url(request, default="accounts:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# --- second factor ---------------------------------------------------------------------------


def _confirmed_device(user):
    return user.totpdevice_set.filter(confirmed=True).order_by("pk").first()


def _check_code(device, token):
    """Verify under a row lock, so two requests carrying the same code cannot both pass.

    django-otp keeps the last accepted time step and throttles after failures; both are
    written to the device row here. Returns an error message, or None when the code is good.
    """
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _info = locked.verify_is_allowed()
        if not allowed:
            return _("动态码错误次数过多，请稍等片刻再试。")
        if locked.verify_token(token):
            device.refresh_from_db()
            return None
    return _("动态码不正确或已经用过，请输入验证器上新出现的数字。")


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    device = _confirmed_device(request.user)
    if device is None or request.user.is_verified():
        return redirect(_next_url(request))
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = _check_code(device, form.cleaned_data["token"])
        if error is None:
            otp_login(request, device)
            return redirect(_next_url(request))
        audit.record(A.OTP_FAILED, request=request, outcome=AuditEvent.Outcome.FAILURE)
        form.add_error("token", error)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request, "")})


def _pending_device(user):
    """The unconfirmed device being set up; it does nothing until a code confirms it."""
    device = user.totpdevice_set.filter(confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_("善治动态码"), confirmed=False)


def _qr_svg(url):
    # Generated here, inline: the secret never goes to a third-party QR service.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=5, dark="#212529"))  # noqa: S308


def _grouped_secret(device):
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def otp_setup(request):
    if _confirmed_device(request.user) is not None:
        return render(request, "accounts/otp_setup.html", {"enabled": True})
    device = _pending_device(request.user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _check_code(device, form.cleaned_data["token"]) is None:
            _confirm_device(request, device)
            messages.success(request, _("双因素认证已启用。以后登录时，输入密码后还需输入动态验证码。"))
            return redirect("accounts:profile")
        form.add_error("token", _("动态码不正确，请确认手机时间准确后，输入验证器上当前的数字。"))
    context = {"form": form, "qr": _qr_svg(device.config_url), "secret": _grouped_secret(device)}
    return render(request, "accounts/otp_setup.html", context)


@transaction.atomic
def _confirm_device(request, device):
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # The code just typed proves possession: this session counts as verified.
    otp_login(request, device)
    audit.record(A.OTP_ENABLED, request=request, target=request.user)


# --- one's own account -----------------------------------------------------------------------


def profile(request):
    user = request.user
    context = {
        "grants": user.grants(),
        "otp_enabled": _confirmed_device(user) is not None,
        "tokens": user.api_tokens.filter(revoked=False).order_by("-created_at"),
        "password_due": password_is_due(user),
    }
    return render(request, "accounts/profile.html", context)


@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        _save_new_password(request, form)
        messages.success(request, _("密码已修改。"))
        return redirect(_next_url(request, "accounts:profile"))
    context = {"form": form, "password_due": password_is_due(request.user), "next": _next_url(request, "")}
    return render(request, "accounts/password_change.html", context)


@transaction.atomic
def _save_new_password(request, form):
    user = form.save(commit=False)
    user.password_changed_at = timezone.now()
    user.save()  # also records the new hash in the password history (HistoryValidator)
    audit.record(A.PASSWORD_CHANGE, request=request, target=user)
    # Other sessions of this account end (their auth hash no longer matches); this one stays.
    update_session_auth_hash(request, user)


# --- security administrator ------------------------------------------------------------------


def _grants_prefetch():
    return Prefetch("role_grants", queryset=RoleGrant.objects.select_related(*GRANT_RELATED))


def _with_otp_flag(users):
    from axes.models import AccessAttempt
    from django.conf import settings

    limit = getattr(settings, "AXES_FAILURE_LIMIT", 5)
    return users.annotate(
        otp_enabled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        locked_out=Exists(
            AccessAttempt.objects.filter(username=OuterRef("username"), failures_since_start__gte=limit)
        ),
    )


@require_http_methods(["GET", "POST"])
def user_list(request):
    permissions.require(request.user, "accounts.manage_users")
    form = CreateUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                username=data["username"],
                password=data["password1"],
                display_name=data["display_name"],
                by=request.user,
                request=request,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("账号“%(u)s”已创建，请为其授予角色。") % {"u": user.username})
            return redirect("accounts:user", pk=user.pk)
    q = request.GET.get("q", "").strip()
    users = permissions.visible(request.user, User).prefetch_related(_grants_prefetch())
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    page = Paginator(_with_otp_flag(users).order_by("username"), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/users.html", {"page": page, "q": q, "form": form})


@require_http_methods(["GET", "POST"])
def user_detail(request, pk):
    permissions.require(request.user, "accounts.manage_users")
    target = permissions.get_visible_or_404(request.user, User, pk=pk)
    form = GrantForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, "accounts.manage_grants")
        if form.is_valid():
            try:
                services.grant_role(target, by=request.user, request=request, **form.binding())
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("角色已授予。"))
                return redirect("accounts:user", pk=target.pk)
    target.otp_enabled = _confirmed_device(target) is not None
    target.locked_out = services.is_locked_out(target)
    context = {
        "target": target,
        "grants": target.role_grants.select_related(*GRANT_RELATED),
        "otp_enabled": target.otp_enabled,
        "locked_out": target.locked_out,
        "form": form,
    }
    return render(request, "accounts/user.html", context)


@require_POST
def grant_revoke(request, pk):
    permissions.require(request.user, "accounts.manage_grants")
    grant = permissions.get_visible_or_404(request.user, RoleGrant, pk=pk)
    if grant.user_id == request.user.pk and grant.role == Role.SECURITY_ADMIN:
        # Otherwise the last security administrator could leave the system with nobody to manage it.
        messages.error(request, _("不能撤销自己的安全管理员角色，请由另一名安全管理员操作。"))
    else:
        services.revoke_grant(grant, by=request.user, request=request)
        messages.success(request, _("角色已撤销。"))
    return redirect("accounts:user", pk=grant.user_id)


SECURITY_MOVES = {
    "disable": (services.disable_user, gettext_lazy("账号已停用。")),
    "enable": (services.enable_user, gettext_lazy("账号已启用。")),
    "reset_otp": (services.reset_second_factor, gettext_lazy("双因素认证已重置，本人下次登录后需重新绑定。")),
    "unlock": (services.unlock_user, gettext_lazy("登录锁定已解除。")),
}


@require_POST
def user_security(request, pk):
    """停用/启用, 重置双因素, 解除锁定: one POST with the move and the reason (audited)."""
    permissions.require(request.user, "accounts.manage_users")
    target = permissions.get_visible_or_404(request.user, User, pk=pk)
    move = SECURITY_MOVES.get(request.POST.get("op", ""))
    if move is None:
        messages.error(request, _("请选择要执行的操作。"))
    else:
        try:
            move[0](target, by=request.user, reason=request.POST.get("reason", ""), request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, move[1])
    back = request.POST.get("next", "")
    if back == "list":
        return redirect("accounts:users")
    return redirect("accounts:user", pk=target.pk)
