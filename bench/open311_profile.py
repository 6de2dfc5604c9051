"""Where a request's CPU goes (issue 11), not a test: cProfile around N requests of each kind
through Django's test client, DEBUG off, against a database that ``bench/open311.py --keep`` left.

    .venv/bin/python bench/open311_profile.py --db bench_o311_shanzhi_TAG [--n 200] [--top 25]

Prints, per kind, the wall time per request and the functions with the most cumulative and the
most own time. ``--cpu`` profiles nothing: it prints, per kind, the CPU milliseconds a request
costs this process and the PostgreSQL backend serving it (read from ``/proc``: the same machine),
and the statements it sends. On a machine shared with others those stay close to what the
request costs, where wall time does not.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--db", default="bench_o311_shanzhi")
    p.add_argument("--n", type=int, default=200, help="requests of each kind")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--only", default="", help="kinds, comma-separated (o311_post,api_post,list100,one)")
    p.add_argument("--sort", default="cumulative,tottime")
    p.add_argument(
        "--cpu", action="store_true", help="CPU per request (this process and PostgreSQL), no profile"
    )
    args = p.parse_args()
    os.environ["DATABASE_URL"] = f"{args.pg}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    os.environ["SHANZHI_DEBUG"] = "0"
    import django

    django.setup()
    from django.test import Client

    from bench import open311 as bench

    spec = bench.credentials()
    rng = random.Random(3)
    c = Client()

    def post(kind):
        method, path, body, headers, expect = bench.make_request(kind, spec, rng)
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"}
        r = c.post(path, body, headers["Content-Type"], **extra)
        assert r.status_code == expect, (r.status_code, r.content[:300])

    def get(path):
        r = c.get(path)
        assert r.status_code == 200, (r.status_code, r.content[:300])

    kinds = {
        "o311_post": lambda: post("o311_post"),
        "api_post": lambda: post("api_post"),
        "list100": lambda: get(f"/open311/v2/requests.json?{spec['window']}"),
        "one": lambda: get(f"/open311/v2/requests/{rng.choice(spec['numbers'])}.json"),
        "list1000": lambda: get("/open311/v2/requests.json"),
    }
    only = [k for k in args.only.split(",") if k] or [k for k in kinds if k != "list1000"]
    for kind in only:
        call = kinds[kind]
        for _ in range(5):
            call()  # warm: per-process caches, as a running server has them
        if args.cpu:
            cpu(kind, call, args.n)
            continue
        profiler = cProfile.Profile()
        t = time.perf_counter()
        profiler.enable()
        for _ in range(args.n):
            call()
        profiler.disable()
        ms = (time.perf_counter() - t) * 1000 / args.n
        print(f"\n=== {kind}: {ms:.2f} ms a request under the profiler ({args.n} requests)")
        for order in args.sort.split(","):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
            text = out.getvalue()
            print(text[text.find("   ncalls") :])


def cpu(kind, call, n):
    """CPU milliseconds per request of this process and of its PostgreSQL backend, statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    statements = len(ctx.captured_queries)
    # One connection for the whole run (no pool hand-back in between): its backend is the one to read.
    connection.ensure_connection()
    backend = Path(f"/proc/{connection.connection.info.backend_pid}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def backend_cpu():
        fields = backend.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    t, c, b = time.perf_counter(), time.process_time(), backend_cpu()
    for _ in range(n):
        call()
    wall, app, db = time.perf_counter() - t, time.process_time() - c, backend_cpu() - b
    print(
        f"{kind:<10} {statements:>3} statements  app CPU {app * 1000 / n:6.2f} ms  "
        f"PostgreSQL CPU {db * 1000 / n:6.2f} ms  wall {wall * 1000 / n:6.2f} ms  (load {os.getloadavg()[0]:.2f})",
        flush=True,
    )


if __name__ == "__main__":
    main()
