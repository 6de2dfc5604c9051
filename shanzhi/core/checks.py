"""Deployment checks (`manage.py check --deploy`): refuse to bless a production set-up that
would run on the demo secrets written under var/ by settings.py."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

REQUIRED_SECRETS = {
    "SHANZHI_SECRET_KEY": "shanzhi.E001",
    "SHANZHI_KEYRING": "shanzhi.E002",
    "SHANZHI_BLIND_INDEX_KEY": "shanzhi.E003",
}


@register(Tags.security, deploy=True)
def secrets_from_environment(app_configs=None, **kwargs):
    # `make run` serves the demo with DEBUG off (so errors show the friendly pages) on purpose
    # with the var/ secrets; SHANZHI_DEMO=1 says so, and only production hears the refusal.
    if settings.DEBUG or os.environ.get("SHANZHI_DEMO", "").lower() in ("1", "true", "yes", "on"):
        return []
    return [
        Error(
            f"{name} is not set in the environment.",
            hint=f"With DEBUG off, set {name}; otherwise a per-checkout demo secret under var/ is used, "
            "which is neither backed up with the database nor shared between servers.",
            id=check_id,
        )
        for name, check_id in REQUIRED_SECRETS.items()
        if not os.environ.get(name)
    ]


@register()
def calendar_runs_out(app_configs=None, **kwargs):
    """Warn while the holiday data ends within 45 days: past its end deadlines are provisional."""
    from django.db import DatabaseError

    from . import workdays

    try:
        out = workdays.running_out()
    except DatabaseError:  # not migrated yet (this runs before `migrate` too): the library alone
        out = workdays.running_out(cal=workdays.Calendar())
    if out is None:
        return []
    last, left = out
    nxt = last + 1
    return [
        Warning(
            f"The working-day calendar ends on {last}-12-31 ({max(left, 0)} days from today); deadlines "
            f"reaching {nxt} are provisional (statutory holidays only, no swapped workdays) until its notice "
            f"is entered, then recomputed.",
            hint=f"As a system administrator, open /admin-tools/workdays/?year={nxt}, paste the State Council's "
            f"{nxt} holiday notice (one line per day: '{nxt}-01-01 休 元旦', '{nxt}-02-07 班 春节调休') and mark "
            f"{nxt} complete; or upgrade the chinesecalendar package once it ships {nxt}.",
            id="shanzhi.W010",
        )
    ]
