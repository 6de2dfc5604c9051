"""Machine clients: a request to Open311 or the JSON API that carries no cookie at all (an
Open311 client with its key, an API client with its token) passes by the browser's middleware.

Each middleware wrapped here works on what a browser sends back: its session cookie, its CSRF
cookie, the account signed in through that session, its second factor, its flash messages.
For a request without any cookie they find nothing and change nothing, yet each
costs its calls on every request: together a tenth of an Open311 intake's CPU. ``browser_only``
makes one of them step aside for such a request (``is_machine``); the request gets what the
skipped authentication gives a cookieless request, an anonymous user, and nothing else differs.
A request with any cookie, and every other path, goes through all of them as before. The
middleware that stays for every request: security headers, the CSP, static files, the language,
the input guard, the login requirement (Open311's and the API's views are exempt, as before),
the failed-login lockout (it costs nothing), the replica pin (it sets its cookie after a write)
and the 503 on a lost database.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.module_loading import import_string

PREFIXES = ("/open311/", "/api/")
_HOOKS = ("process_view", "process_exception", "process_template_response")


def is_machine(request):
    """No cookie at all (an empty header counts as none), on Open311's or the API's paths."""
    return not request.META.get("HTTP_COOKIE") and request.path_info.startswith(PREFIXES)


def browser_only(path, *, authenticates=False):
    """A subclass of the middleware class at ``path`` (so that checks looking for it find it) that
    steps aside for ``is_machine`` requests. ``authenticates``: it is the one that sets
    ``request.user``, which a skipped request gets as anonymous."""
    inner = import_string(path)

    class BrowserOnly(inner):
        def __call__(self, request):
            if not is_machine(request):
                return super().__call__(request)
            if authenticates:
                request.user = AnonymousUser()
                request.auser = _anonymous
            return self.get_response(request)

    def skipped(method):
        def hook(self, request, *args, **kwargs):
            return None if is_machine(request) else method(self, request, *args, **kwargs)

        return hook

    for name in _HOOKS:  # Django calls a middleware's hooks itself, outside its __call__
        if hasattr(inner, name):
            setattr(BrowserOnly, name, skipped(getattr(inner, name)))
    BrowserOnly.__name__ = BrowserOnly.__qualname__ = f"BrowserOnly{inner.__name__}"
    BrowserOnly.__doc__ = f"``{path}``, stepping aside for a machine client's request (module docstring)."
    return BrowserOnly


async def _anonymous():
    return AnonymousUser()


# The settings name these in MIDDLEWARE, in the places of the middleware they wrap.
Sessions = browser_only("shanzhi.core.sessions.IdleTimeoutSessionMiddleware")
Csrf = browser_only("django.middleware.csrf.CsrfViewMiddleware")
Authentication = browser_only("django.contrib.auth.middleware.AuthenticationMiddleware", authenticates=True)
Otp = browser_only("django_otp.middleware.OTPMiddleware")
SecondFactor = browser_only("shanzhi.accounts.middleware.SecondFactorMiddleware")
Messages = browser_only("django.contrib.messages.middleware.MessageMiddleware")
