"""``manage.py appeal_rollups [--since DATE] [--until DATE]``: recompute the metrics rollup from the
appeals table. Run it after loading appeals outside the services (a bulk import, a restore) and
once after upgrading onto the release that introduced the rollup; otherwise moves and the sweep
keep it current. Safe while the site runs: each day is rebuilt in one transaction under its cells'
locks."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from shanzhi.appeals import rollups


def _date(value):
    day = parse_date(value) if value else None
    if value and day is None:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}")
    return day


class Command(BaseCommand):
    help = "按诉求表重算考核统计（日汇总表）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", help="first day of filing to recompute (YYYY-MM-DD); default: the first"
        )
        parser.add_argument("--until", help="last day of filing to recompute (YYYY-MM-DD); default: today")

    def handle(self, *args, since=None, until=None, **options):
        start, last = _date(since), _date(until)
        written = rollups.rebuild(start, last + dt.timedelta(days=1) if last else None)
        self.stdout.write(f"{written} rollup rows written")
