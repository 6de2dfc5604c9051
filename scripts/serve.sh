#!/bin/sh
# Serve the project with gunicorn and run one background task worker beside it.
PORT=${1:-8000}
WORKERS=${2:-3}
BIN=.venv/bin
$BIN/python manage.py db_worker --queue-name '*' &
WORKER=$!
trap 'kill $WORKER 2>/dev/null' EXIT INT TERM
echo "善治 Shanzhi: http://127.0.0.1:$PORT/  (Ctrl-C to stop)"
$BIN/gunicorn shanzhi.wsgi:application --bind 127.0.0.1:$PORT --workers $WORKERS --access-logfile - --log-level warning \
    --logger-class shanzhi.core.accesslog.Logger  # no query strings, no phone or ID numbers in the log
