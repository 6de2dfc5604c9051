"""Deploy hygiene: the transport-security variables, the demo switch, and the error pages with DEBUG off."""

import runpy
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory, override_settings
from django.urls import reverse

from shanzhi.core import checks

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "settings.py"
SECURITY = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)
ENV = (
    "SHANZHI_HTTPS",
    "SHANZHI_BEHIND_PROXY",
    "SHANZHI_HSTS_SECONDS",
    "SHANZHI_HSTS_INCLUDE_SUBDOMAINS",
    "SHANZHI_HSTS_PRELOAD",
    "SHANZHI_DEBUG",
)


def load_settings(monkeypatch, tmp_path, **env):
    """The settings module as a fresh process would compute it from this environment."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHANZHI_VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def deploy_warnings(values):
    with override_settings(**{k: values[k] for k in SECURITY}):
        return {m.id for m in run_checks(include_deployment_checks=True, tags=["security"])}


def test_https_and_hsts_variables_silence_the_deploy_warnings(monkeypatch, tmp_path):
    values = load_settings(
        monkeypatch,
        tmp_path,
        SHANZHI_DEBUG="0",
        SHANZHI_HTTPS="1",
        SHANZHI_HSTS_SECONDS="31536000",
        SHANZHI_HSTS_INCLUDE_SUBDOMAINS="1",
        SHANZHI_HSTS_PRELOAD="1",
    )
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    ids = deploy_warnings(values)
    assert not ids & {"security.W004", "security.W008", "security.W012", "security.W016"}
    assert not ids & {"security.W005", "security.W021"}  # the subdomain and preload flags


def test_without_the_variables_the_deploy_check_still_warns(monkeypatch, tmp_path):
    values = load_settings(monkeypatch, tmp_path, SHANZHI_DEBUG="0")
    assert not values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] == 0
    assert {"security.W004", "security.W008"} <= deploy_warnings(values)


def test_secure_cookies_follow_https_not_debug(monkeypatch, tmp_path):
    # The demo runs with DEBUG off on http://127.0.0.1: Secure cookies would make logging in impossible.
    demo = load_settings(monkeypatch, tmp_path, SHANZHI_DEBUG="0")
    assert not demo["DEBUG"]
    assert not demo["SESSION_COOKIE_SECURE"] and not demo["CSRF_COOKIE_SECURE"]
    https = load_settings(monkeypatch, tmp_path, SHANZHI_DEBUG="1", SHANZHI_HTTPS="1")
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"]


def test_the_forwarded_proto_header_is_trusted_only_behind_a_proxy(monkeypatch, tmp_path):
    assert "SECURE_PROXY_SSL_HEADER" not in load_settings(monkeypatch, tmp_path, SHANZHI_HTTPS="1")
    behind = load_settings(monkeypatch, tmp_path, SHANZHI_HTTPS="1", SHANZHI_BEHIND_PROXY="1")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


# --- the demo switch --------------------------------------------------------------------------


@pytest.mark.parametrize("demo", ["", "0"])
def test_production_with_debug_off_still_hears_about_demo_secrets(monkeypatch, settings, demo):
    settings.DEBUG = False
    monkeypatch.setenv("SHANZHI_DEMO", demo)
    for name in checks.REQUIRED_SECRETS:
        monkeypatch.delenv(name, raising=False)
    assert {e.id for e in checks.secrets_from_environment()} == {
        "shanzhi.E001",
        "shanzhi.E002",
        "shanzhi.E003",
    }


def test_the_demo_switch_silences_the_demo_secret_refusal(monkeypatch, settings):
    # `make run` serves with DEBUG off on the var/ secrets and says so with SHANZHI_DEMO=1.
    settings.DEBUG = False
    monkeypatch.setenv("SHANZHI_DEMO", "1")
    for name in checks.REQUIRED_SECRETS:
        monkeypatch.delenv(name, raising=False)
    assert checks.secrets_from_environment() == []


def test_make_run_serves_the_demo_with_debug_off():
    makefile = (SETTINGS_FILE.parents[1] / "Makefile").read_text()
    assert "run: export SHANZHI_DEBUG ?= 0" in makefile
    assert "run: export SHANZHI_DEMO ?= 1" in makefile


# --- error pages with DEBUG off ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "signed in"])
def test_an_unknown_address_shows_the_friendly_404(client, cast, settings, who):
    settings.DEBUG = False
    if who == "signed in":
        client.force_login(cast.wang)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert f'href="{reverse("accounts:home")}"' in body and "返回首页" in body
    assert "页面不存在" in body and 'class="navbar' in body  # the base layout
    assert "Using the URLconf" not in body and "Page not found" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("view", "code", "title"),
    [
        ("bad_request", 400, "请求有误"),
        ("permission_denied", 403, "无权访问"),
        ("server_error", 500, "服务器出错了"),
    ],
)
def test_the_other_error_pages_extend_the_layout_and_link_home(rf: RequestFactory, view, code, title):
    from django.views import defaults

    request = rf.get("/x/")
    args = (request,) if view == "server_error" else (request, Exception())
    response = getattr(defaults, view)(*args)
    assert response.status_code == code
    body = response.content.decode()
    assert title in body and f'href="{reverse("accounts:home")}"' in body and 'class="navbar' in body
