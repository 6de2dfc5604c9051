"""Background work of the appeals app. Enqueued inside the move's transaction, so it is durable
exactly when the move is (django-tasks-db stores the task in the same database)."""

import logging

from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """One or more notification backends failed; the others have delivered."""


@task()
def deliver_notification(kind, appeal_id, user_ids, text):
    """Hand the message to each backend on its own: an SMS gateway that is down must not keep the
    in-app notification from being written. A failure is logged and re-raised at the end, so the
    worker records the task as failed."""
    from shanzhi.accounts.models import User

    from .models import Appeal
    from .services import notify

    appeal = Appeal.objects.filter(pk=appeal_id).first() if appeal_id else None
    users = list(User.objects.filter(pk__in=user_ids, is_active=True))
    failed = []
    for backend in notify.backends():
        name = type(backend).__name__
        try:
            # A savepoint per backend: a database error in one leaves the others' rows standing.
            with transaction.atomic():
                backend.send(users, kind, appeal, text)
        except Exception as e:
            # Backends put no personal data in their errors (the SMS one masks the numbers).
            logger.warning("notification %s for appeal %s: backend %s failed: %s", kind, appeal_id, name, e)
            failed.append(f"{name}: {e}")
    if failed:
        raise DeliveryFailed("; ".join(failed))
    return len(user_ids)


@task()
def drain_rollups():
    """Refresh the metrics rollup cells that moves marked (see ``rollups``); safe to run at any time."""
    from . import rollups

    return rollups.drain()
