"""One task row per transaction: the notifications a move sends and its metrics rollup nudge,
gathered while the move runs and enqueued as one task just before it commits.

A move used to enqueue one ``deliver_notification`` task per ``notify.send`` and a
``drain_rollups`` task for its rollup mark: two or three task rows per intake, each an INSERT
into the task table and a pick-up by the worker. Inside ``gather()`` (``base.move`` and
``intake.submit`` open it inside their transaction) they are collected instead and written as one
``deliver_notifications`` task at the end of the block, in the same transaction, so the outbox
stays durable exactly when the move is. A send made in a savepoint that is rolled back is dropped
with it: each one leaves a marker in the transaction's on-commit list, which Django prunes with
the savepoint, and only sends whose marker is still there are delivered.
Outside ``gather()`` (or outside any transaction) everything is enqueued at once, as before.

``collect()`` gathers the same way where there is no transaction to gather in: a write that is
one statement in autocommit (an intake on PostgreSQL, ``services.numbering``) puts the one task
row into that statement itself, so it is durable exactly when the write is.
"""

import threading
from contextlib import contextmanager

from django.db import transaction

_state = threading.local()


class _Box:
    def __init__(self, detached=False):
        self.detached = detached  # ``collect``: no transaction, no markers
        self.notices = []  # (marker, (kind, appeal_id, user_ids, text, to_path, exclude_id))
        self.drain = []  # markers of rollup marks

    def gathered(self):
        """``collect``'s notices, each (kind, appeal_id, user_ids, text, to_path, exclude_id)."""
        return [notice for _mark, notice in self.notices]


def current():
    """The open box of this thread's transaction (or of ``collect``), or None."""
    box = getattr(_state, "box", None)
    if box is not None and (box.detached or transaction.get_connection().in_atomic_block):
        return box
    return None


def _marker(box):
    if box.detached:
        return None

    def marker():
        """Only a marker in the on-commit list (dropped with a rolled-back savepoint)."""

    transaction.on_commit(marker)
    return marker


def add_notice(kind, appeal_id, user_ids, text, *, to_path="", exclude_id=None):
    """Queue a notice in the open box; False when there is none (the caller enqueues it itself).
    ``to_path``: also the staff of that node, looked up when the task delivers (minus ``exclude_id``)."""
    box = current()
    if box is None:
        return False
    box.notices.append((_marker(box), (kind, appeal_id, list(user_ids), text, to_path, exclude_id)))
    return True


def add_drain():
    box = current()
    if box is None:
        return False
    box.drain.append(_marker(box))
    return True


@contextmanager
def gather():
    """Collect the block's notices and rollup nudges; enqueue them as one task when it ends
    normally (call inside the transaction). Nested blocks join the outermost one."""
    if getattr(_state, "box", None) is not None or not transaction.get_connection().in_atomic_block:
        yield
        return
    box = _state.box = _Box()
    try:
        yield
    except BaseException:
        _state.box = None
        raise
    _state.box = None
    _flush(box)


@contextmanager
def collect():
    """A box for a write that is one statement without a transaction (module docstring): the
    block's sends are gathered, nothing is enqueued; the caller reads ``box.gathered()`` and
    writes the one task row in its statement. Only where no box is open."""
    if getattr(_state, "box", None) is not None:
        raise RuntimeError("outbox.collect inside an open box")
    box = _state.box = _Box(detached=True)
    try:
        yield box
    finally:
        _state.box = None


def _flush(box):
    from . import rollups
    from .tasks import deliver_notifications

    live = {id(entry[1]) for entry in transaction.get_connection().run_on_commit}
    notices = [notice for marker, notice in box.notices if id(marker) in live]
    drain = any(id(marker) in live for marker in box.drain)
    if notices:
        deliver_notifications.enqueue(notices, drain)
    elif drain:
        rollups.nudge()
