"""The RQ backend (SHANZHI_TASK_BACKEND=rq, run by CI with Redis): a task reaches Redis only once
the move that enqueued it has committed, and an RQ worker runs the project's tasks."""

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.skipif(settings.SHANZHI_TASK_BACKEND != "rq", reason="SHANZHI_TASK_BACKEND=rq (CI runs it)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def queue():
    import django_rq

    q = django_rq.get_queue("default", is_async=True)
    q.empty()
    yield q
    q.empty()


@pytest.fixture
def backend():
    from shanzhi.core.taskqueue import RQBackend

    return RQBackend("default", {"BACKEND": "shanzhi.core.taskqueue.RQBackend", "QUEUES": ["default"]})


def _check():
    from shanzhi.core.models import ChainCheck

    return ChainCheck.objects.create(by_username="auditor")


def _run_worker(queue):
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)


def test_a_rolled_back_move_queues_nothing_and_a_committed_one_runs_on_a_worker(backend, queue, monkeypatch):
    import django_rq
    from django.db import transaction

    from shanzhi.core.models import ChainCheck
    from shanzhi.core.tasks import verify_chains_task

    monkeypatch.setattr(
        django_rq,
        "get_queue",
        lambda *a, **kw: queue.__class__(
            "default", connection=queue.connection, job_class=kw.get("job_class"), is_async=True
        ),
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        backend.enqueue(verify_chains_task, [_check().pk], {})
        raise RuntimeError
    assert queue.count == 0  # rolled back: nothing was pushed
    with transaction.atomic():
        check = _check()
        result = backend.enqueue(verify_chains_task, [check.pk], {})
        assert queue.count == 0  # not before the commit
    assert queue.count == 1 and queue.job_ids == [result.id]
    _run_worker(queue)
    check = ChainCheck.objects.get(pk=check.pk)
    assert check.finished_at is not None
    assert backend.get_result(result.id).status == "SUCCESSFUL"
