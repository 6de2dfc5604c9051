import datetime
from base64 import b32encode

import pyotp
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from shanzhi.core.models import AuditEvent

A = AuditEvent.Action
SETUP = reverse("accounts:otp_setup")
VERIFY = reverse("accounts:otp_verify")
PROFILE = reverse("accounts:profile")


def totp_for(device):
    return pyotp.TOTP(b32encode(device.bin_key).decode())


@pytest.fixture
def frozen():
    # Codes change every 30 s; a frozen clock makes "the current code" a fixed value.
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def zhang_device(cast):
    return TOTPDevice.objects.create(user=cast.zhang, name="phone", confirmed=True)


def test_setup_page_shows_an_inline_qr_code_and_the_secret(login, cast):
    response = login(cast.zhang).get(SETUP)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body
    device = TOTPDevice.objects.get(user=cast.zhang)
    assert not device.confirmed
    assert b32encode(device.bin_key).decode()[:4] in body
    assert "http" not in body.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")


def test_setup_page_reuses_the_pending_device(login, cast):
    client = login(cast.zhang)
    client.get(SETUP)
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=cast.zhang).count() == 1


def test_setup_confirms_the_device_with_a_good_code_and_is_audited(login, cast, frozen):
    client = login(cast.zhang)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=cast.zhang)
    response = client.post(SETUP, {"token": totp_for(device).now()})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    event = AuditEvent.objects.get(action=A.OTP_ENABLED)
    assert event.actor_username == "zhang_comm"
    # The session that proved possession is already verified.
    assert client.get(PROFILE).status_code == 200


def test_setup_refuses_a_wrong_code_and_leaves_the_device_unconfirmed(login, cast, frozen):
    client = login(cast.zhang)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=cast.zhang)
    wrong = f"{(int(totp_for(device).now()) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"token": wrong})
    assert response.status_code == 200
    assert "动态码不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not AuditEvent.objects.filter(action=A.OTP_ENABLED).exists()


def test_setup_page_says_enabled_once_confirmed(login, cast, zhang_device, frozen):
    client = login(cast.zhang)
    client.post(VERIFY, {"token": totp_for(zhang_device).now()})
    body = client.get(SETUP).content.decode()
    assert "已启用" in body and "<svg" not in body


def test_password_only_session_is_sent_to_the_otp_step(login, cast, zhang_device):
    response = login(cast.zhang).get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert "next=" in response["Location"]


def test_password_login_then_good_code_reaches_the_page(client, cast, zhang_device, frozen):
    response = client.post(reverse("accounts:login"), {"username": "zhang_comm", "password": cast.password})
    assert response.status_code == 302
    assert client.get(PROFILE)["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"token": totp_for(zhang_device).now(), "next": PROFILE})
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    assert client.get(PROFILE).status_code == 200


def test_wrong_code_is_refused_and_audited(login, cast, zhang_device, frozen):
    client = login(cast.zhang)
    wrong = f"{(int(totp_for(zhang_device).now()) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200
    assert "动态码不正确" in response.content.decode()
    event = AuditEvent.objects.get(action=A.OTP_FAILED)
    assert event.actor_username == "zhang_comm"
    assert event.outcome == AuditEvent.Outcome.FAILURE
    assert client.get(PROFILE).status_code == 302


def test_a_used_code_cannot_be_used_again(client, login, cast, zhang_device, frozen):
    code = totp_for(zhang_device).now()
    first = login(cast.zhang)
    assert first.post(VERIFY, {"token": code}).status_code == 302
    first.post(reverse("accounts:logout"))

    second = login(cast.zhang)
    response = second.post(VERIFY, {"token": code})
    assert response.status_code == 200
    assert second.get(PROFILE).status_code == 302
    assert AuditEvent.objects.filter(action=A.OTP_FAILED).count() == 1


def test_the_next_code_works_after_one_was_used(login, cast, zhang_device, frozen):
    client = login(cast.zhang)
    assert client.post(VERIFY, {"token": totp_for(zhang_device).now()}).status_code == 302
    client.post(reverse("accounts:logout"))
    frozen.shift(datetime.timedelta(seconds=30))
    client = login(cast.zhang)
    assert client.post(VERIFY, {"token": totp_for(zhang_device).now()}).status_code == 302


def test_repeated_failures_are_throttled_until_time_passes(login, cast, zhang_device, frozen):
    client = login(cast.zhang)
    client.post(VERIFY, {"token": "000000" if totp_for(zhang_device).now() != "000000" else "111111"})
    # Right after a failure even the right code waits (django-otp's exponential back-off).
    response = client.post(VERIFY, {"token": totp_for(zhang_device).now()})
    assert "过多" in response.content.decode()
    assert client.get(PROFILE).status_code == 302
    frozen.shift(datetime.timedelta(seconds=5))
    assert client.post(VERIFY, {"token": totp_for(zhang_device).now()}).status_code == 302


def test_next_pointing_elsewhere_is_ignored(login, cast, zhang_device, frozen):
    client = login(cast.zhang)
    response = client.post(VERIFY, {"token": totp_for(zhang_device).now(), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_residents_without_a_device_are_not_asked_for_a_code(login, cast):
    assert login(cast.jumin).get(PROFILE).status_code == 200


def test_unconfirmed_device_does_not_block_login(login, cast):
    TOTPDevice.objects.create(user=cast.zhang, name="pending", confirmed=False)
    assert login(cast.zhang).get(PROFILE).status_code == 200


def test_otp_step_without_a_device_just_moves_on(login, cast):
    assert login(cast.zhang).get(VERIFY).status_code == 302


def test_profile_shows_otp_status_and_grants(login, cast, zhang_device, frozen):
    client = login(cast.zhang)
    client.post(VERIFY, {"token": totp_for(zhang_device).now()})
    body = client.get(PROFILE).content.decode()
    assert "已启用" in body
    assert "社区工作者" in body and "东一社区" in body
    assert reverse("accounts:password_change") in body
