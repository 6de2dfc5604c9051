"""Work that is due by the calendar rather than by a user's move (a monthly report), run by the
sweep (``manage.py sweep``, cron every few minutes).

The sweep lives in the appeals app, below the apps that have such work, so they register a job
here from their ``AppConfig.ready()``; the sweep calls ``run(now)`` on each pass. A job must be
idempotent: it is called every few minutes and decides from ``now`` whether anything is due
(typically by a unique row per period, so two sweeps never do it twice)."""

_JOBS = {}


def register(name, fn):
    """``fn(now) -> int`` (how many things it started; 0 when nothing is due)."""
    _JOBS[name] = fn


def run(now):
    return {name: fn(now) for name, fn in _JOBS.items()}
