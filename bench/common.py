"""What the PostgreSQL benches share: the load average printed beside every figure (the machine
may be shared), ``psql`` against the bench's own server, and a percentile."""

import os
import shutil
import subprocess

PSQL = shutil.which("psql") or "/usr/bin/psql"


def load_avg():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def psql(server, sql, db="postgres"):
    """Run ``sql`` on database ``db`` of ``server`` (a URL without a database); its output, trimmed."""
    return subprocess.run(  # noqa: S603 - fixed command line, the bench's own statements
        [PSQL, "-tAq", "-v", "ON_ERROR_STOP=1", f"{server}/{db}", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")
