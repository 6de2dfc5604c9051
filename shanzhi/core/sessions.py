"""The idle timeout without a write on every request.

Staff sessions end ``SESSION_COOKIE_AGE`` seconds after the last request (the expiry is stored with
the session row, so it is enforced server-side). Django slides it with ``SESSION_SAVE_EVERY_REQUEST``,
which rewrites the session row, a transaction and a flush to disk, on every request, every page
view and every map tile of a dashboard included, and keeps a read replica's reader writing to the
primary. This middleware renews the expiry at most once a ``RENEW_EVERY`` seconds instead: a
session then ends between ``SESSION_COOKIE_AGE - RENEW_EVERY`` and ``SESSION_COOKIE_AGE`` seconds
after the last request (29 to 30 minutes by default), which no one can tell apart.

``SessionStore`` is the ``SESSION_ENGINE``: Django's database store, reading a session through a
statement compiled once per process.
"""

import time

from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import router
from django.utils import timezone

from . import prepared

RENEW_EVERY = 60  # seconds
KEY = "_renewed"  # when the session's expiry was last moved (epoch seconds)


class IdleTimeoutSessionMiddleware(SessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            renewed = session.get(KEY)
            # A renewal in the future (a clock set back) renews at once rather than never.
            if not isinstance(renewed, int) or not 0 <= now - renewed < RENEW_EVERY:
                session[KEY] = now  # modified: saved with a new expiry, and its cookie sent again
        return super().process_response(request, response)


def _session(key):
    from django.contrib.sessions.models import Session

    return Session.objects.filter(session_key=key)


# The session row by its key, a statement compiled once per process (``core.prepared``): Django's
# store compiles its query on every request a browser makes, as much as reading the row costs.
_SESSION = prepared.Compiled(_session, "k")


class SessionStore(db.SessionStore):
    """``SESSION_ENGINE``: Django's database store (the same table and rows), which reads a session
    through ``_SESSION`` and checks its expiry here, as Django's ``expire_date__gt=now()`` does."""

    def _get_session_from_db(self):
        rows = _SESSION(self.session_key, using=router.db_for_read(self.model))
        if rows and rows[0].expire_date > timezone.now():
            return rows[0]
        self._session_key = None
        return None
