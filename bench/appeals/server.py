"""A real gunicorn on the bench database, and plain ``http.client`` clients against it.

No browser and no new dependency: threads with one keep-alive-less connection per request
(as many small clients would), cookies kept by hand, CSRF taken from the login form.
"""

import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class Gunicorn:
    """``gunicorn shanzhi.wsgi`` as scripts/serve.sh starts it, stopped on exit.

    DEBUG stays as the environment has it (on by default, as ``make run``): with DEBUG off,
    ``collectstatic`` stops at vendor/leaflet/leaflet.js, whose source-map reference points
    at a file the vendored copy lacks, so the pages could not render their static URLs."""

    def __init__(self, port, workers, log_path):
        self.port, self.workers, self.log_path = port, workers, log_path
        self.process = None

    def __enter__(self):
        env = dict(os.environ, SHANZHI_ALLOWED_HOSTS="127.0.0.1,localhost")
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(  # noqa: S603 - fixed command line
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "shanzhi.wsgi:application",
                "--chdir",
                str(ROOT),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            return self._wait()
        except BaseException:
            self.__exit__()
            raise

    def _wait(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                status, _h, _b = request(self.port, "GET", "/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer on port {self.port} within 60 s; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the master and its workers, nothing else
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def request(port, method, path, body=None, headers=None, timeout=300):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


class Session:
    """A logged-in browser, minus the browser: the session and CSRF cookies, sent back by hand."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def _keep(self, headers):
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _sep, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]

    def get(self, path):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, headers, body = request(self.port, "GET", path, headers={"Cookie": cookie})
        self._keep(headers)
        return status, body

    def login(self, username, password):
        status, body = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not token:
            raise SystemExit(f"login form: HTTP {status}, no CSRF token")
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password}
        )
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, headers, body = request(
            self.port,
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"http://127.0.0.1:{self.port}/accounts/login/",
            },
        )
        self._keep(headers)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login as {username}: HTTP {status}: {body[:300]!r}")
        return self


def time_get(fetch, path, n, max_seconds):
    """``n`` sequential GETs (fewer if ``max_seconds`` runs out); (median ms, p95 ms, count)."""
    status, body = fetch(path)  # warm: the worker's connection, template cache
    if status != 200:
        raise SystemExit(f"GET {path}: HTTP {status}: {body[:300]!r}")
    samples, started = [], time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        status, body = fetch(path)
        samples.append((time.perf_counter() - t) * 1000)
        if status != 200:
            raise SystemExit(f"GET {path}: HTTP {status}: {body[:300]!r}")
        if time.perf_counter() - started > max_seconds:
            break
    return statistics.median(samples), percentile(samples, 0.95), len(samples)


def hammer(port, make_request, total, clients):
    """``total`` requests from ``clients`` threads; (rps, median ms, p95 ms, errors, first error)."""
    latencies, errors, lock = [], [], threading.Lock()
    counter = iter(range(total))

    def worker():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            method, path, body, headers, expect = make_request(i)
            t = time.perf_counter()
            try:
                status, _h, payload = request(port, method, path, body=body, headers=headers, timeout=120)
            except OSError as exc:
                status, payload = None, repr(exc).encode()
            ms = (time.perf_counter() - t) * 1000
            with lock:
                latencies.append(ms)
                if status != expect:
                    errors.append(f"HTTP {status}: {payload[:500].decode(errors='replace')}")

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return (
        total / seconds,
        statistics.median(latencies),
        percentile(latencies, 0.95),
        len(errors),
        errors[0] if errors else "",
    )


def open311_request(api_key, codes, points):
    def make(i):
        lng, lat = points[i % len(points)]
        form = urllib.parse.urlencode(
            {
                "api_key": api_key,
                "service_code": codes[i % len(codes)],
                "lat": f"{lat:.6f}",
                "long": f"{lng:.6f}",
                "description": f"基准测试：Open311 上报的问题 {i}，井盖松动。",
                "first_name": "测试",
            }
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": uuid.uuid4().hex}
        return "POST", "/open311/v2/requests.json", form, headers, 201

    return make


def api_request(token, codes, points):
    import json

    def make(i):
        lng, lat = points[i % len(points)]
        body = json.dumps(
            {
                "channel": "on_behalf",
                "title": f"基准测试代为登记 {i}",
                "category": codes[i % len(codes)],
                "description": "居民来电反映楼道灯不亮。",
                "lng": lng,
                "lat": lat,
            },
            ensure_ascii=False,
        )
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": uuid.uuid4().hex,
        }
        return "POST", "/api/v1/appeals/", body.encode(), headers, 201

    return make


def manage(*args, **env):
    """``manage.py ARGS`` in a subprocess (``env`` added to the environment); its stdout, stripped."""
    command = [sys.executable, "manage.py", *args]
    out = subprocess.run(  # noqa: S603 - fixed command line
        command, cwd=ROOT, check=True, capture_output=True, text=True, env=dict(os.environ, **env)
    )
    return out.stdout.strip()
