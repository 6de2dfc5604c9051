"""The idle timeout without a write on every request.

Staff sessions end ``SESSION_COOKIE_AGE`` seconds after the last request (the expiry is stored with
the session row, so it is enforced server-side). Django slides it with ``SESSION_SAVE_EVERY_REQUEST``,
which rewrites the session row, a transaction and a flush to disk, on every request, every page
view and every map tile of a dashboard included, and keeps a read replica's reader writing to the
primary. This middleware renews the expiry at most once a ``RENEW_EVERY`` seconds instead: a
session then ends between ``SESSION_COOKIE_AGE - RENEW_EVERY`` and ``SESSION_COOKIE_AGE`` seconds
after the last request (29 to 30 minutes by default), which no one can tell apart.
"""

import time

from django.contrib.sessions.middleware import SessionMiddleware

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
