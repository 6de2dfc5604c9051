"""A real PostgreSQL physical standby of the test database's server, for the read-replica test.

``pg_basebackup -R`` copies the primary's cluster (the test database included) into a temporary
directory, and ``pg_ctl`` starts it as a hot standby on a free port of 127.0.0.1, run as the
``postgres`` user when the tests run as root (the server refuses root). Nothing of the primary's
configuration is changed: where the primary refuses replication connections (``pg_hba.conf``,
``wal_level``, ``max_wal_senders``), where the binaries are missing, or where its cluster is too
big to copy quickly, ``start`` skips the test with the reason. ``scripts/pg_replica_primary.sh``
starts a throw-away primary that allows replication, to run the test against.
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connections

MAX_CLUSTER_BYTES = 2 * 1024**3  # a bigger cluster takes too long to copy for a test
TIMEOUT = 60  # seconds for each of: the copy, the start, catching up
# A standby needs at least the primary's value of these (PostgreSQL refuses to start otherwise).
AT_LEAST_PRIMARY = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def binaries():
    """The directory holding ``pg_basebackup`` and ``pg_ctl`` (newest Debian version first)."""
    candidates = [os.environ.get("SHANZHI_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    which = shutil.which("pg_ctl")
    candidates += [os.path.dirname(which)] if which else []
    for d in candidates:
        if (
            d
            and os.path.exists(os.path.join(d, "pg_basebackup"))
            and os.path.exists(os.path.join(d, "pg_ctl"))
        ):
            return d
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(args):
    """The command line, run as ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return args
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--", *args]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(args)]


def _run(args, timeout=TIMEOUT):
    return subprocess.run(_as_server_user(args), capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603


def _show(cursor, name):
    cursor.execute(f"SHOW {name}")
    return cursor.fetchone()[0]


def _primary_facts():
    primary = connections["default"]
    with primary.cursor() as cursor:
        facts = {n: _show(cursor, n) for n in ("wal_level", "max_wal_senders", *AT_LEAST_PRIMARY)}
        cursor.execute("SELECT sum(pg_database_size(oid)) FROM pg_database")
        facts["size"] = int(cursor.fetchone()[0])
    return facts


class Standby:
    def __init__(self):
        self.dir, self.port, self.bin, self.started = None, None, None, False

    def start(self):
        if connections["default"].vendor != "postgresql":
            pytest.skip("a physical standby needs PostgreSQL (this run uses SQLite)")
        self.bin = binaries()
        if self.bin is None:
            pytest.skip("pg_basebackup/pg_ctl not found (set SHANZHI_PG_BIN)")
        if os.geteuid() == 0 and not shutil.which("runuser") and not shutil.which("su"):
            pytest.skip("running as root and no runuser/su to start PostgreSQL as postgres")
        facts = _primary_facts()
        if facts["wal_level"] not in ("replica", "logical") or int(facts["max_wal_senders"]) < 1:
            pytest.skip(f"the primary allows no replication (wal_level={facts['wal_level']})")
        if facts["size"] > MAX_CLUSTER_BYTES:
            pytest.skip(
                f"the primary's cluster is {facts['size'] / 1024**3:.1f} GiB: too big to copy in a test"
            )
        main = connections["default"].settings_dict
        host, port, user = main["HOST"] or "127.0.0.1", str(main["PORT"] or 5432), main["USER"] or "postgres"
        self.dir = tempfile.mkdtemp(prefix="shanzhi-standby-")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        os.chmod(self.dir, 0o700)
        copy = _run(
            [f"{self.bin}/pg_basebackup", "-h", host, "-p", port, "-U", user, "-D", self.dir]
            + ["-R", "-X", "stream", "-c", "fast", "--no-sync"]
        )
        if copy.returncode != 0:
            reason = (copy.stderr.strip().splitlines() or ["no output"])[-1]
            pytest.skip(f"the primary refuses a base backup (its configuration is left alone): {reason}")
        self.port = _free_port()
        conf = [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.dir}'",
            "hot_standby = on",
            "shared_buffers = 32MB",
            "fsync = off",
            *(f"{n} = {facts[n]}" for n in AT_LEAST_PRIMARY),
        ]
        # Debian keeps the configuration outside the data directory: the copy has none of its own.
        Path(self.dir, "postgresql.conf").write_text("\n".join(conf) + "\n")
        Path(self.dir, "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        Path(self.dir, "pg_ident.conf").write_text("")
        if os.geteuid() == 0:
            for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
                shutil.chown(Path(self.dir, name), "postgres", "postgres")
        started = _run(
            [
                f"{self.bin}/pg_ctl",
                "-D",
                self.dir,
                "-l",
                f"{self.dir}/server.log",
                "-w",
                "-t",
                str(TIMEOUT),
                "start",
            ]
        )
        self.started = started.returncode == 0
        if not self.started:
            log = Path(self.dir, "server.log")
            tail = log.read_text()[-500:] if log.exists() else started.stderr
            raise RuntimeError(f"the standby did not start: {tail}")
        return self

    def alias_settings(self):
        """The default alias's settings, pointing at the same database on the standby's port."""
        return {**connections["default"].settings_dict, "HOST": "127.0.0.1", "PORT": str(self.port)}

    def stop(self):
        if self.started:
            _run([f"{self.bin}/pg_ctl", "-D", self.dir, "-m", "immediate", "-w", "stop"])
            self.started = False
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


def catch_up(replica):
    """Wait until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + TIMEOUT
    with replica.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.1)
    raise AssertionError("the standby did not catch up within the time allowed")


@contextlib.contextmanager
def replay_paused(replica):
    """The standby keeps receiving WAL but applies none of it: what the primary writes now stays
    invisible there until the block ends."""
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            if cursor.fetchone()[0] == "paused":
                break
            time.sleep(0.05)
    try:
        yield
    finally:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
