import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shanzhi.core.models import AuditEvent

A = AuditEvent.Action
LOGIN = reverse("accounts:login")
PROFILE = reverse("accounts:profile")


def post_login(client, username, password, ip="10.20.30.40"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def events(action, username=None):
    qs = AuditEvent.objects.filter(action=action)
    return qs.filter(actor_username=username) if username else qs


def test_login_page_is_chinese_and_public(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "善治" in body and "登录" in body
    assert 'name="viewport"' in body


def test_pages_need_login(client, db):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_successful_login_is_audited_with_ip(client, cast):
    response = post_login(client, "wang_grid", cast.password)
    assert response.status_code == 302
    assert client.get(PROFILE).status_code == 200
    event = events(A.LOGIN, "wang_grid").get()
    assert event.ip == "10.20.30.40"
    assert event.actor_role == "grid_worker"
    assert event.actor_node == cast.grid.code


def test_failed_login_is_audited_with_username_and_ip(client, cast):
    response = post_login(client, "wang_grid", "Wrong#password1")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    event = events(A.LOGIN_FAILED, "wang_grid").get()
    assert event.outcome == AuditEvent.Outcome.FAILURE
    assert event.ip == "10.20.30.40"
    assert client.get(PROFILE).status_code == 302


def _comparable(body, username):
    body = re.sub(r"[A-Za-z0-9]{64}", "<csrf>", body)  # masked CSRF tokens differ on every render
    return body.replace(f'value="{username}"', 'value=""')


def test_unknown_user_and_wrong_password_get_the_same_answer(client, cast):
    known = post_login(client, "wang_grid", "Wrong#password1")
    unknown = post_login(client, "no_such_person", "Wrong#password1")
    assert known.status_code == unknown.status_code == 200
    assert _comparable(known.content.decode(), "wang_grid") == _comparable(
        unknown.content.decode(), "no_such_person"
    )


def test_disabled_account_gets_the_same_answer_as_a_wrong_password(client, cast):
    cast.wang.is_active = False
    cast.wang.save(update_fields=["is_active"])
    response = post_login(client, "wang_grid", cast.password)
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_five_failures_lock_the_account_and_the_right_password_is_then_refused(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "wang_grid", "Wrong#password1")
    response = post_login(client, "wang_grid", cast.password)
    assert response.status_code == 429
    body = response.content.decode()
    assert "锁定" in body and "15 分钟" in body and "安全管理员" in body
    assert client.get(PROFILE).status_code == 302
    assert not events(A.LOGIN, "wang_grid").exists()


def test_lockout_is_audited(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "wang_grid", "Wrong#password1")
    lockout = events(A.LOCKOUT, "wang_grid").get()
    assert lockout.outcome == AuditEvent.Outcome.DENIED
    assert lockout.ip == "10.20.30.40"
    assert events(A.LOGIN_FAILED, "wang_grid").count() == settings.AXES_FAILURE_LIMIT


def test_four_failures_do_not_lock(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, "wang_grid", "Wrong#password1")
    assert post_login(client, "wang_grid", cast.password).status_code == 302


def test_lockout_is_per_username(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "wang_grid", "Wrong#password1")
    assert post_login(client, "li_grid", cast.password).status_code == 302


def test_lockout_ends_after_the_cooloff(client, cast):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            post_login(client, "wang_grid", "Wrong#password1")
        assert post_login(client, "wang_grid", cast.password).status_code == 429
        traveller.shift(datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
        assert post_login(client, "wang_grid", cast.password).status_code == 302


def test_logout_needs_post_and_is_audited(client, cast):
    post_login(client, "wang_grid", cast.password)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(PROFILE).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(PROFILE).status_code == 302
    assert events(A.LOGOUT, "wang_grid").count() == 1


def test_idle_session_expires(client, cast):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        post_login(client, "wang_grid", cast.password)
        assert client.get(PROFILE).status_code == 200
        traveller.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60))
        response = client.get(PROFILE)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def _expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).expire_date


def test_a_session_is_over_at_its_expiry_to_the_microsecond(client, cast):
    """The store reads the row by its key and compares the expiry itself (core/sessions.py), as
    Django's ``expire_date__gt=now()`` does: a microsecond before it the session holds, at it not."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        post_login(client, "wang_grid", cast.password)
        assert client.get(PROFILE).status_code == 200
        traveller.move_to(_expiry(client) - datetime.timedelta(microseconds=1))
        assert client.get(PROFILE).status_code == 200  # and renewed: a full timeout from now
        traveller.move_to(_expiry(client))
        assert client.get(PROFILE).status_code == 302


@pytest.mark.parametrize("who", ["zhang", "nobody"])
def test_a_signed_in_page_reads_the_account_and_its_grants_in_one_statement(client, cast, who):
    """accounts/backends.py: the session's account comes with its grants (an account without any
    grant needs a second look at the account alone), and nothing asks for either again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(getattr(cast, who))
    client.get("/appeals/SZ20990101000001/")  # the first request after signing in renews the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/appeals/SZ20990101000001/").status_code == 404
    account = [q["sql"] for q in ctx.captured_queries if '"accounts_user"' in q["sql"]]
    grants = [q["sql"] for q in ctx.captured_queries if '"accounts_rolegrant"' in q["sql"]]
    if who == "zhang":
        assert len(account) == len(grants) == 1 and account == grants
    else:
        assert len(account) == 2 and len(grants) == 1
    assert sum('"django_session"' in q["sql"] for q in ctx.captured_queries) == 1


def test_the_idle_timeout_is_renewed_at_most_once_a_minute(client, cast):
    """A page view within a minute of the last renewal writes no session row (shanzhi.core.sessions);
    the first one after it moves the expiry to a full SESSION_COOKIE_AGE from now."""
    from shanzhi.core.sessions import RENEW_EVERY

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        post_login(client, "wang_grid", cast.password)
        assert client.get(PROFILE).status_code == 200
        first = _expiry(client)
        traveller.shift(datetime.timedelta(seconds=RENEW_EVERY - 1))
        response = client.get(PROFILE)
        assert response.status_code == 200 and settings.SESSION_COOKIE_NAME not in response.cookies
        assert _expiry(client) == first
        traveller.shift(datetime.timedelta(seconds=2))
        response = client.get(PROFILE)
        assert settings.SESSION_COOKIE_NAME in response.cookies
        assert _expiry(client) == timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_the_session_ends_within_the_idle_timeout_of_the_last_request(client, cast):
    """Renewed a minute at most before the last request, a session outlives that request by at
    least SESSION_COOKIE_AGE minus a minute, and never by more than SESSION_COOKIE_AGE."""
    from shanzhi.core.sessions import RENEW_EVERY

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        post_login(client, "wang_grid", cast.password)
        traveller.shift(datetime.timedelta(seconds=RENEW_EVERY - 1))
        assert client.get(PROFILE).status_code == 200  # not renewed: the login's expiry stands
        traveller.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - RENEW_EVERY))
        assert client.get(PROFILE).status_code == 200  # renewed
        traveller.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        assert client.get(PROFILE).status_code == 302


def test_activity_keeps_the_session_alive(client, cast):
    step = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE * 2 // 3)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        post_login(client, "wang_grid", cast.password)
        for _ in range(3):
            traveller.shift(step)
            assert client.get(PROFILE).status_code == 200


# --- passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password,code",
    [
        ("Ab#1xyz", "password_too_short"),
        ("abcdefghijk1", "password_too_simple"),  # two classes: lower case and digits
        ("ABCDEFGHIJKLM", "password_too_simple"),
        ("1234567890123", "password_entirely_numeric"),
    ],
)
def test_weak_passwords_are_refused(cast, password, code):
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password(password, cast.wang)
    assert code in [e.code for e in caught.value.error_list]


def test_strong_password_is_accepted(cast):
    password_validation.validate_password("Qingshan#River42", cast.wang)


def change_password(client, old, new):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_password_change_is_audited_and_keeps_the_session(client, cast):
    post_login(client, "wang_grid", cast.password)
    before = timezone.now()
    response = change_password(client, cast.password, "Qingshan#River42")
    assert response.status_code == 302
    cast.wang.refresh_from_db()
    assert cast.wang.check_password("Qingshan#River42")
    assert cast.wang.password_changed_at >= before
    assert events(A.PASSWORD_CHANGE, "wang_grid").count() == 1
    assert client.get(PROFILE).status_code == 200


def test_password_change_ends_the_other_sessions(client, cast, django_user_model):
    from django.test import Client

    other = Client()
    other.force_login(cast.wang)
    post_login(client, "wang_grid", cast.password)
    change_password(client, cast.password, "Qingshan#River42")
    assert other.get(PROFILE).status_code == 302


def test_weak_new_password_is_refused_and_nothing_changes(client, cast):
    post_login(client, "wang_grid", cast.password)
    response = change_password(client, cast.password, "abcdefghijk1")
    assert response.status_code == 200
    assert "至少 3 类" in response.content.decode()
    cast.wang.refresh_from_db()
    assert cast.wang.check_password(cast.password)
    assert not events(A.PASSWORD_CHANGE).exists()


def test_recent_password_cannot_be_reused(client, cast):
    post_login(client, "wang_grid", cast.password)
    assert change_password(client, cast.password, "Qingshan#River42").status_code == 302
    response = change_password(client, "Qingshan#River42", cast.password)
    assert response.status_code == 200
    assert "最近 5 次" in response.content.decode()
    cast.wang.refresh_from_db()
    assert cast.wang.check_password("Qingshan#River42")


def test_wrong_old_password_is_refused(client, cast):
    post_login(client, "wang_grid", cast.password)
    response = change_password(client, "Not#theRight1", "Qingshan#River42")
    assert response.status_code == 200
    cast.wang.refresh_from_db()
    assert cast.wang.check_password(cast.password)


def test_rotation_forces_staff_to_change_an_old_password(login, cast, settings):
    settings.SHANZHI_PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(timezone.now() + datetime.timedelta(days=91), tick=False):
        client = login(cast.wang)
        response = client.get(PROFILE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:password_change"))
        assert client.get(reverse("accounts:password_change")).status_code == 200
        assert change_password(client, cast.password, "Qingshan#River42").status_code == 302
        assert client.get(PROFILE).status_code == 200


def test_rotation_never_forces_residents(login, cast, settings):
    settings.SHANZHI_PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(timezone.now() + datetime.timedelta(days=400), tick=False):
        assert login(cast.jumin).get(PROFILE).status_code == 200


def test_rotation_leaves_a_recent_password_alone(login, cast, settings):
    settings.SHANZHI_PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(timezone.now() + datetime.timedelta(days=89), tick=False):
        assert login(cast.wang).get(PROFILE).status_code == 200


def test_rotation_is_off_by_default(login, cast):
    assert settings.SHANZHI_PASSWORD_MAX_AGE_DAYS == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=4000), tick=False):
        assert login(cast.wang).get(PROFILE).status_code == 200
