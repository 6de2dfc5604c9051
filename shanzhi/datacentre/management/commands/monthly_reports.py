"""``manage.py monthly_reports``: what the sweep does for the data centre, by hand: last month's
reports of every district, street, community and department, if the month's first working day
has come and they are not made yet (each once). Prints how many it queued."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from shanzhi.datacentre import services


class Command(BaseCommand):
    help = "从本月第一个工作日起，为每个区、街道、社区和部门生成上月报告（每个只生成一次）。"

    def handle(self, *args, **options):
        self.stdout.write(str(services.schedule_monthly(timezone.now())))
