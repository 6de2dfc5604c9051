from django.core.management.base import BaseCommand, CommandError

from shanzhi.accounts.models import ApiToken
from shanzhi.accounts.services import revoke_api_token


class Command(BaseCommand):
    help = "吊销接口令牌：manage.py revoke_api_token USERNAME [--prefix sz_xxxxx]（不给前缀则吊销该账号的全部令牌）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--prefix", default="")

    def handle(self, username, prefix, **options):
        tokens = ApiToken.objects.filter(user__username=username, revoked=False)
        if prefix:
            tokens = tokens.filter(prefix=prefix[:8])
        rows = list(tokens)
        if not rows:
            raise CommandError("没有找到可吊销的令牌。")
        for row in rows:
            revoke_api_token(row)
        self.stdout.write(f"已吊销 {len(rows)} 个令牌。")
