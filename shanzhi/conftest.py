"""The named cast every test shares: a district with two streets, two communities each, two grids
each, and one account per role (王网格 and 李网格 are grid workers of neighbouring grids).

Test names describe behaviour, never people's data; all people are synthetic (Faker zh_CN).
"""

import types

import pytest
from django.conf import settings

from shanzhi.tests.cast import build_cast

PASSWORD = "Ceshi#2026pass"


def pytest_configure(config):
    # Fast hashing and tasks that run inline: the same code paths, without the waiting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _purge_append_only_tables_after_transactional_tests(request):
    """Transactional tests end with the test database being emptied; the append-only triggers
    would refuse that, so only then, and only on this connection, is the purge allowed."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    from django.db import connection

    from shanzhi.core import appendonly

    request.getfixturevalue("transactional_db")  # so this fixture's teardown runs before the flush
    appendonly.set_purge_allowed(connection, False)
    yield
    appendonly.set_purge_allowed(connection, True)


@pytest.fixture
def cast(db):
    return build_cast(password=PASSWORD)


@pytest.fixture
def login(client):
    """``login(user)`` returns the client logged in as that user (session auth, no OTP)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def ns():
    return types.SimpleNamespace
