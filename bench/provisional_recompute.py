"""How many provisional deadlines a completed holiday notice recomputes in the demo (not a test).

    .venv/bin/python bench/provisional_recompute.py            # its own SQLite file under var/bench/

The demo district (``seed_demo --scale small``) is seeded on 28 December 2026 at 10:00, when the
working-day calendar knows 2026 and not 2027: every deadline that reaches 2027 is provisional
(statutory holidays only, no swapped working days). Then a system administrator enters a 2027
notice and marks the year complete, as on /admin-tools/workdays/, and the recompute runs (as the
task worker runs it). Printed: the provisional appeals, summons and supervision marks before, how
many the run looked at and changed, and those still provisional after (0 expected).

The notice is a sample in the published format (元旦 1–3 January, 春节 5–11 February with 7 February
a working day), not the State Council's own text: the figures count the mechanism, not 2027.

Measured 2026-12-03 (SQLite, 2 cores): 122 appeals, 16 provisional deadlines; the run looked at 16
in 0.18 s and changed none (in January the sample notice gives the days the provisional calendar
already gave: 1 January off, 2 and 3 January a weekend; no demo deadline reaches February), and none
is provisional afterwards.
"""

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = ROOT / "var" / "bench" / "provisional.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DB}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
os.environ.setdefault("SHANZHI_DEMO", "1")

NOTICE = """2027-01-01 休 元旦
2027-01-02 休 元旦
2027-01-03 休 元旦
2027-02-05 休 春节
2027-02-06 休 春节
2027-02-07 班 春节调休
2027-02-08 休 春节
2027-02-09 休 春节
2027-02-10 休 春节
2027-02-11 休 春节
"""


def main():
    DB.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine
    from django.conf import settings
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from shanzhi.accounts.models import User
    from shanzhi.accounts.services import calendar
    from shanzhi.appeals.models import Appeal, Summons, Supervision
    from shanzhi.core.models import CalendarRecompute

    call_command("migrate", verbosity=0)
    moment = dt.datetime(2026, 12, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        started = time.monotonic()
        call_command("seed_demo", "--scale", "small", "--seed", "1", stdout=io.StringIO())
        seeded = time.monotonic() - started
        before = {
            "appeals": Appeal.objects.filter(deadline_provisional=True).count(),
            "summons": Summons.objects.filter(due_provisional=True).count(),
            "supervision": Supervision.objects.filter(due_provisional=True).count(),
        }
        admin = User.objects.filter(role_grants__role="system_admin").first()
        started = time.monotonic()
        calendar.import_notice(by=admin, year=2027, text=NOTICE, complete=True)
        recomputed = time.monotonic() - started
        job = CalendarRecompute.objects.filter(year=2027).order_by("-pk").first()
        after = Appeal.objects.filter(deadline_provisional=True).count()
    print(f"demo seeded on {moment:%Y-%m-%d %H:%M} in {seeded:.0f} s; appeals {Appeal.objects.count()}")
    print(f"provisional before: {before}")
    print(
        f"recompute: status {job.status}, looked at {job.total}, changed {job.changed} ({recomputed:.2f} s)"
    )
    print(f"appeals still provisional after: {after}")


if __name__ == "__main__":
    main()
