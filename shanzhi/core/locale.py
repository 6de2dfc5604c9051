"""The language of a request, chosen as Django's ``LocaleMiddleware`` chooses it, for a project
whose URLs carry no language prefix (no ``i18n_patterns``; checked when the middleware is made).

Django's middleware looks for a language prefix in the path twice per request, and for a path
such as ``/api/…`` each look raises and catches a ``LookupError`` inside Django's language
lookup; with the vary and language headers it was a thirtieth of an API intake's CPU. Without
prefixes those looks can find nothing, so this one skips them: the language comes from the
language cookie, then ``Accept-Language``, then ``LANGUAGE_CODE`` (Django's
``get_language_from_request``), and every response says it varies by ``Accept-Language`` and
which language it is in, as before (``core/tests/test_i18n.py``).
"""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.exceptions import ImproperlyConfigured
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(locale.LocaleMiddleware):
    """A subclass, so that anything looking for Django's middleware finds it (module docstring)."""

    async_capable = False  # its ``__call__`` is synchronous: under ASGI Django adapts it

    def __init__(self, get_response):
        super().__init__(get_response)
        if is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]:
            raise ImproperlyConfigured("shanzhi.core.locale.LocaleMiddleware: URLs with a language prefix")

    def __call__(self, request):
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if "Vary" in response:
            patch_vary_headers(response, ("Accept-Language",))
        else:
            response.headers["Vary"] = "Accept-Language"
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
