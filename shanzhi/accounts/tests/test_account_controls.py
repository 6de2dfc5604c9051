"""The security administrator's account controls: disable/enable, reset the second factor, clear a
lockout. Each needs a reason and is audited; nobody else may use them."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from shanzhi.accounts import services
from shanzhi.accounts.services import issue_api_token, user_for_token
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent

A = AuditEvent.Action


def security(client, user, op, reason="工作调动", next="detail"):
    return client.post(
        reverse("accounts:user_security", args=[user.pk]), {"op": op, "reason": reason, "next": next}
    )


def failed_logins(username, n):
    client = Client(REMOTE_ADDR="10.20.30.40")
    for _ in range(n):
        client.post(
            reverse("accounts:login"),
            {"username": username, "password": "Wrong#password1"},
            REMOTE_ADDR="10.20.30.40",
        )
    return client


def test_disable_ends_sessions_and_tokens_and_enable_brings_the_account_back(cast, login):
    wang_session = login(cast.wang)
    token = issue_api_token(cast.wang)
    admin = Client()
    admin.force_login(cast.anquan)
    assert security(admin, cast.wang, "disable", reason="").status_code == 302  # refused: no reason
    cast.wang.refresh_from_db()
    assert cast.wang.is_active and not AuditEvent.objects.filter(action=A.USER_DISABLED).exists()

    assert security(admin, cast.wang, "disable", reason="离职").status_code == 302
    cast.wang.refresh_from_db()
    assert not cast.wang.is_active
    assert wang_session.get(reverse("accounts:profile")).status_code == 302  # signed out
    assert user_for_token(token) is None
    row = AuditEvent.objects.get(action=A.USER_DISABLED)
    assert (row.actor_username, row.target_id, row.detail["reason"]) == ("anquan", str(cast.wang.pk), "离职")

    assert security(admin, cast.wang, "enable", reason="返岗").status_code == 302
    cast.wang.refresh_from_db()
    assert cast.wang.is_active and AuditEvent.objects.filter(action=A.USER_ENABLED).exists()


def test_reset_second_factor_removes_the_device(cast):
    TOTPDevice.objects.create(user=cast.zhang, name="手机", confirmed=True)
    with pytest.raises(DomainError) as err:
        services.reset_second_factor(cast.zhang, by=cast.anquan, reason=" ")
    assert err.value.field == "reason" and TOTPDevice.objects.filter(user=cast.zhang).exists()
    services.reset_second_factor(cast.zhang, by=cast.anquan, reason="手机遗失")
    assert not TOTPDevice.objects.filter(user=cast.zhang).exists()
    assert AuditEvent.objects.get(action=A.OTP_RESET).detail == {"reason": "手机遗失", "devices": 1}
    with pytest.raises(DomainError):  # nothing left to reset
        services.reset_second_factor(cast.zhang, by=cast.anquan, reason="再次")


def test_unlock_clears_the_lockout(cast, login):
    client = failed_logins("wang_grid", settings.AXES_FAILURE_LIMIT)
    assert (
        client.post(
            reverse("accounts:login"),
            {"username": "wang_grid", "password": cast.password},
            REMOTE_ADDR="10.20.30.40",
        ).status_code
        == 429
    )
    admin = login(cast.anquan)
    page = admin.get(reverse("accounts:users")).content.decode()
    assert "已锁定" in page and 'value="unlock"' in page
    assert security(admin, cast.wang, "unlock", reason="本人来电核实", next="list").url == reverse(
        "accounts:users"
    )
    assert AuditEvent.objects.get(action=A.UNLOCK).detail["reason"] == "本人来电核实"
    response = client.post(
        reverse("accounts:login"),
        {"username": "wang_grid", "password": cast.password},
        REMOTE_ADDR="10.20.30.40",
    )
    assert response.status_code == 302


def test_the_administrator_cannot_disable_themself(cast):
    with pytest.raises(DomainError):
        services.disable_user(cast.anquan, by=cast.anquan, reason="测试")
    cast.anquan.refresh_from_db()
    assert cast.anquan.is_active


@pytest.mark.parametrize("who", ["xitong", "shenji", "zhao", "sun", "wang", "nobody"])
def test_only_the_security_admin_may(cast, login, who):
    client = login(getattr(cast, who))
    assert security(client, cast.li, "disable").status_code == 403
    cast.li.refresh_from_db()
    assert cast.li.is_active and not AuditEvent.objects.filter(action=A.USER_DISABLED).exists()
