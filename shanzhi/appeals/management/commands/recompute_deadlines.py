"""``manage.py recompute_deadlines --year 2027``: recompute the provisional deadlines now, as the
task queued on completing a year's notice does (``services.recompute``). Safe to run again: only
rows still marked provisional are touched."""

from django.core.management.base import BaseCommand, CommandError

from shanzhi.appeals.services import recompute


class Command(BaseCommand):
    help = "按已录入的放假安排重算暂定的办理时限。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the year whose notice was entered")

    def handle(self, *args, year, **options):
        if not 1900 <= year <= 9999:
            raise CommandError(f"not a year: {year}")
        job = recompute.start(year)
        self.stdout.write(f"{job.total} appeals with provisional deadlines, {job.changed} changed")
