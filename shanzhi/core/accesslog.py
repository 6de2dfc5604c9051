"""gunicorn's access log without query strings (issue 12 §5).

A search by ID number or phone is a POST, but a link or a careless client can still put one in a
URL (``?q=198+0502+2880``). The logged request line, path, query and referer therefore lose their
query string, and any other digit run long enough to be a phone or ID number is masked.
``scripts/serve.sh`` runs gunicorn with ``--logger-class shanzhi.core.accesslog.Logger``.
"""

import re
from urllib.parse import unquote_plus

from gunicorn.glogging import Logger as GunicornLogger

from .personal_numbers import mask_digit_runs

_URL_ATOMS = ("r", "U", "f", "{referer}i")
# A wall screen's address carries its token (it has no login): the log keeps only its prefix.
_PATH_TOKEN = re.compile(r"(scr_[A-Za-z0-9_-]{4})[A-Za-z0-9_-]+")


def scrub(text):
    """A logged URL or request line without its query string, with long digit runs masked."""
    if not isinstance(text, str):
        return text
    head, sep, rest = text.partition("?")
    if sep:
        # A request line goes on after its URL: keep " HTTP/1.1", drop the query.
        _query, space, tail = rest.partition(" ")
        text = head + "?" + space + tail
    return _PATH_TOKEN.sub(r"\1…", mask_digit_runs(unquote_plus(text)))


class Logger(GunicornLogger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["q"] = ""
        for key in _URL_ATOMS:
            if key in atoms:
                atoms[key] = scrub(atoms[key])
        return atoms
