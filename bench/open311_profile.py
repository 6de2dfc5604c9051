"""Where a request's CPU goes (issue 11), not a test: cProfile around N requests of each kind
through Django's test client, DEBUG off, against a database that ``bench/open311.py --keep`` left.

    .venv/bin/python bench/open311_profile.py --db bench_o311_shanzhi_TAG [--n 200] [--top 25]

Prints, per kind, the wall time per request and the functions with the most cumulative and the
most own time. ``--cpu`` profiles nothing: it prints, per kind, the CPU milliseconds a request
costs this process and the PostgreSQL backends serving it (read from ``/proc``: the same machine),
and the statements it sends. On a machine shared with others those stay close to what the
request costs, where wall time does not. ``--wsgi`` sends the requests through the WSGI
application as gunicorn calls it, with production's connection pool, instead of the test client
(whose signals and response checks are its own cost). ``--callgrind``, run under
``valgrind --tool=callgrind --instr-atstart=no``, switches the instrumentation on around the
``--n`` requests of each kind only: their instructions, the same figure run after run whatever
else the machine is doing (``callgrind_annotate`` prints the total; divide by ``--n``). Set
``PYTHONHASHSEED=0`` and run old and new code from the same directory: string hashes change the
dict lookups, and so the count, by up to 2 % between runs.
"""

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import random
import shutil
import subprocess
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
    p.add_argument(
        "--wsgi", action="store_true", help="through the WSGI application, pool on (module docstring)"
    )
    p.add_argument(
        "--callgrind", action="store_true", help="under callgrind: instructions of the requests only"
    )
    args = p.parse_args()
    os.environ["DATABASE_URL"] = f"{args.pg}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    os.environ["SHANZHI_DEBUG"] = "0"
    if args.wsgi:
        os.environ.pop("PYTEST_VERSION", None)
        os.environ.setdefault("SHANZHI_DB_POOL", "1")
    import django

    django.setup()

    from bench import open311 as bench

    spec = bench.credentials()
    rng = random.Random(3)
    send = wsgi_sender() if args.wsgi else client_sender()

    def post(kind):
        method, path, body, headers, expect = bench.make_request(kind, spec, rng)
        status, content = send("POST", path, body, headers)
        assert status == expect, (status, content[:300])

    def get(path):
        status, content = send("GET", path, None, {})
        assert status == 200, (status, content[:300])

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
        if args.callgrind:  # instructions of the requests only: instrumentation on around them
            control = shutil.which("callgrind_control")  # valgrind's own, beside valgrind
            if control is None:
                sys.exit("--callgrind: callgrind_control is not on PATH (Debian's valgrind package)")
            subprocess.run([control, "--instr=on", str(os.getpid())], check=True)  # noqa: S603 - our own pid
            for _ in range(args.n):
                call()
            subprocess.run([control, "--instr=off", str(os.getpid())], check=True)  # noqa: S603
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


def client_sender():
    from django.test import Client

    c = Client()

    def send(method, path, body, headers):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"}
        if method == "GET":
            r = c.get(path)
        else:
            r = c.post(path, body, headers["Content-Type"], **extra)
        return r.status_code, r.content

    return send


def wsgi_sender():
    """Requests through the WSGI application, as a gunicorn sync worker calls it."""
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()

    def send(method, path, body, headers):
        path, _, query = path.partition("?")
        data = body.encode() if isinstance(body, str) else (body or b"")
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(data),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(data)),
        }
        for name, value in headers.items():
            if name == "Content-Type":
                environ["CONTENT_TYPE"] = value
            else:
                environ[f"HTTP_{name.upper().replace('-', '_')}"] = value
        status = []
        result = app(environ, lambda s, h, exc_info=None: status.append(int(s.split()[0])))
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return status[0], content

    return send


def cpu(kind, call, n):
    """CPU milliseconds per request of this process and of its PostgreSQL backends, statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    statements = len(ctx.captured_queries)
    # Every client backend of this database (this process's only, when nothing else is connected
    # to the bench's database, as it should be while this runs): a pool may hold more than one
    # connection and hand them out in turn, and one backend's CPU was then half the cost.
    ticks = os.sysconf("SC_CLK_TCK")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'"
        )
        backends = [Path(f"/proc/{pid}/stat") for (pid,) in cursor.fetchall()]
    if not any(backend.exists() for backend in backends):
        sys.exit("--cpu: PostgreSQL's processes are not on this machine (/proc), so their CPU is not seen")

    def backend_cpu():
        total = 0
        for backend in backends:
            with contextlib.suppress(FileNotFoundError):  # a backend that ended meanwhile
                fields = backend.read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

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
