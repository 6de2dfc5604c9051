"""Photos chosen on an intake form that the server refused for another reason (issue 13 §2).

A browser cannot re-render a file input with the file still chosen, so a refused form would lose
the photos. Instead the server keeps them: each upload is checked and re-encoded exactly as intake
does (``photos.clean``: type, size, EXIF dropped), written to the media store under ``pending/``
and listed in the session under the form's idempotency key. The re-rendered form lists them with
a "keep" box each; the next submission reattaches the kept ones. They belong to the session that
uploaded them (another user cannot name them), and are deleted once the appeal is filed, when
unticked, or (for a form never resubmitted) by the next pending save of the same user a day later.
"""

import datetime
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from shanzhi.core.errors import DomainError

from ..services import photos

SESSION_KEY = "appeal_pending_photos"
KEEP_FOR = datetime.timedelta(days=1)


def _entries(request, key):
    return list(request.session.get(SESSION_KEY, {}).get(key, []))


def listed(request, key):
    """The photos kept for the form ``key``: dicts with id and name."""
    return [{"id": e["id"], "name": e["name"]} for e in _entries(request, key)]


def chosen(request, key, ids):
    """The cleaned bytes of the kept photos whose ids the form ticked again."""
    ids = set(ids)
    out = []
    for e in _entries(request, key):
        if e["id"] in ids and default_storage.exists(e["path"]):
            with default_storage.open(e["path"], "rb") as f:
                out.append(f.read())
    return out


def keep(request, key, kept_ids, uploads):
    """After a refusal: keep the ticked photos and the new uploads (those that are photos at all).
    Returns the names of uploads that could not be kept because they are not acceptable photos."""
    kept_ids = set(kept_ids)
    entries, bad = [], []
    for e in _entries(request, key):
        if e["id"] in kept_ids:
            entries.append(e)
        else:
            default_storage.delete(e["path"])
    _sweep_old(request.user.pk)
    for upload in uploads:
        try:
            clean = photos.clean(upload)
        except DomainError:
            bad.append(getattr(upload, "name", ""))
            continue
        pid = uuid.uuid4().hex
        path = default_storage.save(f"pending/{request.user.pk}/{pid}.jpg", ContentFile(clean.content))
        entries.append({"id": pid, "name": (getattr(upload, "name", "") or pid)[-80:], "path": path})
    store = request.session.get(SESSION_KEY, {})
    store = {key: entries} if entries else {}  # one form at a time: an older form's are dropped
    request.session[SESSION_KEY] = store
    return bad


def discard(request, key):
    for e in _entries(request, key):
        default_storage.delete(e["path"])
    request.session.pop(SESSION_KEY, None)


def _sweep_old(user_pk):
    folder = f"pending/{user_pk}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    limit = timezone.now() - KEEP_FOR
    for name in files:
        path = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
