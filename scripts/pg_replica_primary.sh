#!/bin/sh
# A throw-away PostgreSQL primary that allows replication connections, to run the read-replica
# test (shanzhi/datacentre/tests/test_replica.py) where the machine's own server refuses them.
# Its configuration is initdb's own (trust on loopback, replication allowed); nothing else is touched.
#
#   scripts/pg_replica_primary.sh start [PORT]   # default 5499; prints the DATABASE_URL to use
#   scripts/pg_replica_primary.sh stop
set -eu
BIN=${SHANZHI_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -r | head -n 1)}
DIR=${SHANZHI_PRIMARY_DIR:-/tmp/shanzhi-replica-primary}
PORT=${2:-5499}
as_server() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
start)
    if [ ! -d "$DIR" ]; then
        mkdir -p "$DIR"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
        as_server "$BIN/initdb" -D "$DIR" -A trust -U postgres >/dev/null
    fi
    as_server "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$DIR -c fsync=off" start >/dev/null
    echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/shanzhi"
    ;;
stop)
    as_server "$BIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null
    rm -rf "$DIR"
    ;;
*)
    echo "usage: $0 start [PORT] | stop" >&2
    exit 2
    ;;
esac
