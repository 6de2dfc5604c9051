"""`make run`'s processes: the task worker is started again when it stops, and never autoreloads."""

import os
import signal
import subprocess
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _wait_for(predicate, limit=30):
    """Poll until ``predicate()``; the limit only guards against hanging, it is not measured."""
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_worker_that_dies_is_started_again_until_told_to_stop(tmp_path):
    runs = tmp_path / "runs"
    proc = subprocess.Popen(  # noqa: S603 - the project's own script, fixed arguments
        ["/bin/sh", "scripts/supervise.sh", "worker", "sh", "-c", f"echo run >> {runs}; exit 1"],
        cwd=ROOT,
        env={**os.environ, "SUPERVISE_FIRST_DELAY": "0"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: runs.exists() and len(runs.read_text().splitlines()) >= 3)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "supervise: worker exited with status 1; starting it again" in err


def _serve(tmp_path, **env):
    """Run scripts/serve.sh with stand-ins for python and gunicorn that record how they were called."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    (bin_dir / "python").write_text(f'#!/bin/sh\necho "python $*" >> {log}\nexec sleep 60\n')
    (bin_dir / "gunicorn").write_text(
        f'#!/bin/sh\necho "gunicorn $*" >> {log}\n'
        f"for i in $(seq 200); do grep -q '^python' {log} 2>/dev/null && exit 0; sleep 0.05; done\n"
    )
    for f in bin_dir.iterdir():
        f.chmod(0o755)
    subprocess.run(  # noqa: S603 - the project's own script, fixed arguments
        ["/bin/sh", "scripts/serve.sh", "8999", "1"],
        cwd=ROOT,
        env={**os.environ, "SHANZHI_BIN": str(bin_dir), **env},
        check=True,
        timeout=60,
        capture_output=True,
    )
    return log.read_text().splitlines()


def test_make_run_starts_the_reconnecting_worker_without_the_autoreloader(tmp_path):
    calls = _serve(tmp_path, SHANZHI_TASK_BACKEND="db")
    worker = next(c for c in calls if c.startswith("python"))
    assert worker.startswith("python manage.py run_worker --queue-name * --worker-id ")
    assert "db_worker" not in worker and "--reload" not in worker
    assert any(c.startswith("gunicorn shanzhi.wsgi:application") for c in calls)


def test_with_rq_selected_the_rq_worker_runs_the_tasks(tmp_path):
    calls = _serve(tmp_path, SHANZHI_TASK_BACKEND="rq")
    worker = next(c for c in calls if c.startswith("python"))
    assert worker.startswith(
        "python manage.py rqworker default --with-scheduler --job-class django_tasks_rq.backend.Job"
    )
