"""Who hears about a move, and how it reaches them.

Services call ``send(kind, appeal, users, text)`` inside their transaction; it enqueues the
``deliver_notification`` task, which hands the message to every backend named in
``settings.SHANZHI_NOTIFICATION_BACKENDS`` (default: the in-app ``DatabaseBackend``). An SMS or
WeChat template-message backend is a class with the same ``send`` method.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from shanzhi.accounts.models import Role, RoleGrant, User
from shanzhi.core import taskrun

from .. import access, outbox
from ..models import Notification

logger = logging.getLogger(__name__)

DEFAULT_BACKENDS = ["shanzhi.appeals.services.notify.DatabaseBackend"]


class DatabaseBackend:
    """Writes rows the user sees in the UI (the bell, the inbox)."""

    def send(self, users, kind, appeal, text):
        Notification.objects.bulk_create(
            Notification(user=u, kind=kind, appeal=appeal, text=text[:300]) for u in users
        )


def backends():
    return [
        import_string(path)() for path in getattr(settings, "SHANZHI_NOTIFICATION_BACKENDS", DEFAULT_BACKENDS)
    ]


def send(kind, appeal, users, text, *, exclude=None):
    from ..tasks import deliver_notification

    ids = sorted({u.pk if isinstance(u, User) else int(u) for u in users if u is not None})
    if exclude is not None:
        ids = [i for i in ids if i != exclude.pk]
    if ids and not outbox.add_notice(kind, appeal.pk if appeal else None, ids, str(text)):
        deliver_notification.enqueue(kind, appeal.pk if appeal else None, ids, str(text))


def send_to_dispatchers(kind, appeal, text, *, exclude=None):
    """``send`` to ``dispatchers(appeal)``; inside ``outbox.gather`` they are looked up by the task
    as it delivers (moments later, so a grant ended meanwhile is not told), not by the move."""
    path = access.dispatch_path(appeal)
    exclude_id = exclude.pk if exclude is not None else None
    if path and outbox.add_notice(kind, appeal.pk, [], str(text), to_path=path, exclude_id=exclude_id):
        return
    send(kind, appeal, node_staff(path), text, exclude=exclude)


class DeliveryFailed(Exception):
    """One or more notification backends failed; the others have delivered."""


def deliver(kind, appeal_id, user_ids, text):
    """Hand the message to each backend on its own: an SMS gateway that is down must not keep the
    in-app notification from being written. A failure is logged and re-raised at the end, so the
    task worker records the task as failed."""
    from ..models import Appeal

    appeal = Appeal.objects.filter(pk=appeal_id).first() if appeal_id else None
    users = list(User.objects.filter(pk__in=user_ids, is_active=True))
    reached = _reached_by_earlier_attempt(kind, appeal_id, text)
    failed = []
    for backend in backends():
        name = type(backend).__name__
        targets = [u for u in users if u.pk not in reached] if isinstance(backend, DatabaseBackend) else users
        try:
            # A savepoint per backend: a database error in one leaves the others' rows standing.
            with transaction.atomic():
                backend.send(targets, kind, appeal, text)
        except Exception as e:
            # Backends put no personal data in their errors (the SMS one masks the numbers).
            logger.warning("notification %s for appeal %s: backend %s failed: %s", kind, appeal_id, name, e)
            failed.append(f"{name}: {e}")
    if failed:
        raise DeliveryFailed("; ".join(failed))
    return len(users)


def _reached_by_earlier_attempt(kind, appeal_id, text):
    """Users an earlier attempt of this very task already notified in the app (the worker lost its
    connection between writing them and marking the task done): not notified twice."""
    since = taskrun.retry_since()
    if since is None:
        return set()
    return set(
        Notification.objects.filter(
            kind=kind, appeal_id=appeal_id, text=text[:300], created_at__gte=since
        ).values_list("user_id", flat=True)
    )


# --- recipients ------------------------------------------------------------------------------


def _grant_users(**filters):
    return list(RoleGrant.objects.filter(**filters).values_list("user_id", flat=True).distinct())


def node_staff(path, roles=access.COMMUNITY_UP):
    return _grant_users(node__path=path, role__in=roles) if path else []


def dispatchers(appeal):
    """Staff of the node that coordinates the appeal at its current level."""
    return node_staff(access.dispatch_path(appeal))


def department_handlers(department_id):
    return _grant_users(department_id=department_id, role=Role.DEPARTMENT_HANDLER)


def assignees(appeal):
    kind = appeal.assignee_kind
    if kind == "user":
        return [appeal.assignee_user_id]
    if kind == "node":
        return _grant_users(node_id=appeal.assignee_node_id, role__in=access.COMMUNITY_UP)
    if kind == "department":
        return department_handlers(appeal.assignee_department_id)
    if kind == "company":
        return _grant_users(property_company_id=appeal.assignee_company_id, role=Role.PROPERTY_STAFF)
    return []


class Cached:
    """The same recipient lookups, remembered for one batch (the sweep notifies thousands of
    appeals that share a handful of coordinators and assignees)."""

    def __init__(self):
        self._memo = {}

    def _get(self, key, fn, appeal):
        if key not in self._memo:
            self._memo[key] = fn(appeal)
        return self._memo[key]

    def dispatchers(self, appeal):
        return self._get(("d", access.dispatch_path(appeal)), dispatchers, appeal)

    def assignees(self, appeal):
        key = (
            "a",
            appeal.assignee_kind,
            appeal.assignee_user_id,
            appeal.assignee_node_id,
            appeal.assignee_department_id,
            appeal.assignee_company_id,
        )
        return self._get(key, assignees, appeal)


def pool_claimers(appeal):
    community = appeal.path_at("community")
    return _grant_users(node__path__startswith=community, role__in=access.ACTIONS["appeals.claim"])


def grid_workers(appeal):
    return _grant_users(node_id=appeal.grid_id, role=Role.GRID_WORKER) if appeal.grid_id else []


def verifiers(appeal):
    return grid_workers(appeal) or node_staff(appeal.path_at("community"), access.COMMUNITY)


def submitter(appeal):
    return [appeal.submitter_id] if appeal.submitter_id else []


def system_admins():
    return _grant_users(role=Role.SYSTEM_ADMIN)


def mark_read(user, ids=None):
    """Mark the user's notifications read (all of them, or those with the given ids)."""
    from django.utils import timezone

    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
