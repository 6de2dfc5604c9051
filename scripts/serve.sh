#!/bin/sh
# Serve the project with gunicorn and one background task worker beside it, kept running by
# scripts/supervise.sh (a worker that dies is started again). The worker never autoreloads.
# SHANZHI_TASK_BACKEND=rq: the worker is RQ's (more can run on other machines, see the README).
PORT=${1:-8000}
WORKERS=${2:-3}
BIN=${SHANZHI_BIN:-.venv/bin}
# A stable id: a worker started again takes back the task it was running when it died.
WORKER_ID="$(hostname)-1"
if [ "${SHANZHI_TASK_BACKEND:-db}" = "rq" ]; then
    sh scripts/supervise.sh rqworker $BIN/python manage.py rqworker default --with-scheduler \
        --job-class django_tasks_rq.backend.Job --name "$WORKER_ID" &
else
    sh scripts/supervise.sh run_worker $BIN/python manage.py run_worker --queue-name '*' --worker-id "$WORKER_ID" &
fi
SUPERVISOR=$!
trap 'kill $SUPERVISOR 2>/dev/null' EXIT INT TERM
echo "善治 Shanzhi: http://127.0.0.1:$PORT/  (Ctrl-C to stop)"
$BIN/gunicorn shanzhi.wsgi:application --bind 127.0.0.1:$PORT --workers $WORKERS --access-logfile - --log-level warning \
    --logger-class shanzhi.core.accesslog.Logger  # no query strings, no phone or ID numbers in the log
