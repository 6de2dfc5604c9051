#!/bin/sh
# Run a command and start it again whenever it stops, waiting longer each time it dies quickly
# (1 s doubling to 30 s; back to 1 s after a minute of running). TERM or INT stops the command
# and this script. Usage: scripts/supervise.sh NAME COMMAND [ARGS...]
NAME=$1; shift
FIRST=${SUPERVISE_FIRST_DELAY:-1}
child=
trap 'kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' INT TERM
delay=$FIRST
while :; do
    started=$(date +%s)
    "$@" &
    child=$!
    wait "$child"
    status=$?
    if [ $(( $(date +%s) - started )) -ge 60 ]; then delay=$FIRST; fi
    echo "supervise: $NAME exited with status $status; starting it again in ${delay}s" >&2
    sleep "$delay" &
    child=$!
    wait "$child"
    delay=$(( delay * 2 )); [ "$delay" -gt 30 ] && delay=30
done
