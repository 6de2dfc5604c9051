"""A request to Open311 or the API with no cookie at all passes by the browser's middleware
(``core.machines``); any cookie, or any other path, and it goes through all of it."""

import pytest
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.test import RequestFactory
from django_otp.middleware import OTPMiddleware

from shanzhi.accounts.middleware import SecondFactorMiddleware
from shanzhi.core import machines


def _request(path, cookie=None, method="get"):
    extra = {"HTTP_COOKIE": cookie} if cookie is not None else {}
    return getattr(RequestFactory(), method)(path, **extra)


@pytest.mark.parametrize(
    ("path", "cookie", "machine"),
    [
        ("/open311/v2/requests.json", None, True),
        ("/api/v1/appeals/", "", True),  # an empty header is no cookie
        ("/api/v1/appeals/", "sessionid=x", False),
        ("/open311/v2/requests.json", "csrftoken=y", False),
        ("/appeals/", None, False),
        ("/accounts/login/", None, False),
    ],
)
def test_what_a_machine_request_is(path, cookie, machine):
    assert machines.is_machine(_request(path, cookie)) is machine


def test_each_wrapper_is_what_it_wraps_in_the_settings():
    # Django's and the apps' checks look for these classes; they find their subclasses.
    for wrapper, wrapped in (
        (machines.Sessions, SessionMiddleware),
        (machines.Csrf, CsrfViewMiddleware),
        (machines.Authentication, AuthenticationMiddleware),
        (machines.Otp, OTPMiddleware),
        (machines.SecondFactor, SecondFactorMiddleware),
        (machines.Messages, MessageMiddleware),
    ):
        assert issubclass(wrapper, wrapped)
    named = [m for m in settings.MIDDLEWARE if m.startswith("shanzhi.core.machines.")]
    assert len(named) == 6


def test_a_machine_request_skips_them_and_is_anonymous(db):
    seen = []

    def view(request):
        seen.append(request)
        return HttpResponse("ok")

    chain = machines.Sessions(machines.Authentication(machines.Messages(view)))
    request = _request("/api/v1/appeals/")
    chain(request)
    (got,) = seen
    assert not hasattr(got, "session") and not hasattr(got, "_messages")
    assert got.user.is_anonymous
    # The same chain for a browser: a session, a lazy user, its messages.
    browser = _request("/api/v1/appeals/", cookie="sessionid=nothing")
    chain(browser)
    assert hasattr(seen[1], "session") and hasattr(seen[1], "_messages") and seen[1].user.is_anonymous


def test_the_hooks_step_aside_only_for_machines():
    csrf = machines.Csrf(lambda request: HttpResponse("ok"))

    def view(request):
        return HttpResponse("ok")

    # A browser's POST without the token is refused by the CSRF check, a machine's is not checked.
    browser = _request("/api/v1/appeals/", cookie="sessionid=x", method="post")
    csrf.process_request(browser)
    assert csrf.process_view(browser, view, (), {}).status_code == 403
    assert csrf.process_view(_request("/api/v1/appeals/", method="post"), view, (), {}) is None


def test_the_login_requirement_stays_for_machines(client):
    response = client.get("/api/v1/docs")  # a staff page: no cookie, still the login page
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
