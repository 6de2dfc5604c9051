"""``manage.py sweep``: yellow/red flags, escalation by policy, reminders. Run it from cron every
few minutes; two at once are safe (see services/sweep.py)."""

import json

from django.core.management.base import BaseCommand

from shanzhi.appeals.services import sweep


class Command(BaseCommand):
    help = "标记临期（黄牌）和超期（红牌）诉求，按分类策略自动升级，提醒未报到的部门。"
    # Run every few minutes from cron: the system checks (seconds of start-up, and the calendar
    # warning printed each time) belong to deploys and `manage.py check`, not to every pass.
    requires_system_checks = []

    def handle(self, *args, **options):
        result = sweep.run()
        self.stdout.write(json.dumps(result, ensure_ascii=False))
