"""URLs with a language prefix, which ``core.locale.LocaleMiddleware`` refuses (test_i18n.py)."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path

urlpatterns = i18n_patterns(path("x", lambda request: HttpResponse()))
