"""Where a POST's CPU goes under the bench's load, by process (issue 11), not a test.

    .venv/bin/python bench/open311_split.py                        # the three POSTs, 10 s each
    SHANZHI_DB_POOL_SIZE=1 .venv/bin/python bench/open311_split.py --kinds api_post,o311_post

Runs ``bench/open311.py``'s servers and clients (its databases, made or reused as ``--keep``
leaves them) one POST kind at a time, and records the whole machine with ``perf record -a`` during
each phase (root, Debian's ``linux-perf``). Prints req/s and, per command (gunicorn: the server's
workers; postgres: its backends; python: the clients; swapper: idle), its share of the two cores
and its CPU milliseconds per request. A bench ratio is decided by these: the POST's CPU of the
server and of PostgreSQL against the ceiling's, with the clients' the same for both. It also
prints how many PostgreSQL backends served the phase: one per sync worker, unless the pool grew
(``core/postgresql``'s ``_Pool``).
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import open311 as bench  # noqa: E402

COMMANDS = ("gunicorn", "postgres", "python", "swapper")


def shares(data, sort):
    """{key: percent of the samples} from ``perf report --sort sort``, for comm ``postgres`` when
    ``sort`` is pid."""
    command = ["perf", "report", "-i", str(data), "--sort", sort, "--stdio"]
    if sort == "pid":
        command += ["--comm", "postgres"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith("%") and not line.startswith("#"):
            found[parts[-1]] = float(parts[0].rstrip("%"))
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kinds", default="ceiling_post,o311_post,api_post")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--preload", type=int, default=100_000)
    args = p.parse_args()
    if not any((Path(d) / "perf").exists() for d in os.environ.get("PATH", "").split(":")):
        sys.exit("perf is not on PATH (Debian's linux-perf package)")
    sys.argv = [sys.argv[0], "--keep", "--preload", str(args.preload)]
    bench.ARGS = bench.parse_args()
    spec = bench.prepare_project(args.preload)
    from django.db import connections

    connections.close_all()  # the clients fork from here
    ceiling_env = bench.prepare_ceiling(args.preload)
    ceiling = {"codes": ["road", "light"], "points": spec["points"]}
    env = dict(
        os.environ,
        SHANZHI_DEBUG="0",
        SHANZHI_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="shanzhi.settings",
    )
    port = bench.ARGS.port
    cores = os.cpu_count()
    with (
        tempfile.TemporaryDirectory() as tmp,
        bench.Server("bench.ceiling.wsgi:application", ceiling_env, port),
        bench.Server("shanzhi.wsgi:application", env, port + 1),
    ):
        for kind in args.kinds.split(","):
            server, base = (port, ceiling) if kind.startswith("ceiling") else (port + 1, spec)
            bench.phase(server, kind, base, 3)  # warm
            data = Path(tmp) / f"{kind}.data"
            perf = subprocess.Popen(  # noqa: S603
                ["perf", "record", "-a", "-F", "997", "-o", str(data), "--", "sleep", str(args.seconds - 1)],  # noqa: S607
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            latencies, errors, seconds = bench.phase(server, kind, base, args.seconds)
            perf.wait()
            rps = len(latencies) / seconds
            by_command = shares(data, "comm")
            backends = [pid for pid, share in shares(data, "pid").items() if share >= 1.0]
            print(f"{kind}: {rps:,.0f} req/s, {errors} errors, {len(backends)} busy PostgreSQL backends")
            for command in COMMANDS:
                share = by_command.get(command, 0.0)
                per_request = (
                    "" if command == "swapper" else f"  {share / 100 * cores * 1000 / rps:.2f} ms a request"
                )
                print(f"  {command:<10} {share:5.1f} % of the cores{per_request}")


if __name__ == "__main__":
    main()
