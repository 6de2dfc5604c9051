"""Post the expiry of points due by today (each earning carries the expiry date in force when it was
earned: the points rates page, or SHANZHI_POINTS_EXPIRE_MONTHS by default). Safe to run repeatedly
and concurrently: each account is locked and recomputed, so nothing expires twice."""

import datetime

from django.core.management.base import BaseCommand

from shanzhi.volunteering import rules
from shanzhi.volunteering.models import Movement
from shanzhi.volunteering.services import ledger


class Command(BaseCommand):
    help = "积分过期：将到期未使用的爱心积分转入过期账户（有效期按获得积分当天的标准）"

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, today=None, **options):
        if not rules.expiry_months() and not Movement.objects.filter(expires_on__isnull=False).exists():
            self.stdout.write("积分设置为永不过期，无需处理。")
            return
        posted = ledger.expire_due(today)
        self.stdout.write(f"过期积分：{len(posted)} 个账户，共 {sum(m.amount for m in posted)} 分。")
