"""``manage.py issue_open311_key NAME``: a key for an Open311 client, printed once.

The key is an ``accounts.ApiToken`` of a dedicated user ``open311-NAME`` that holds no role: on
/api/v1/ it sees nothing, and on /open311/ it may only post requests under its own name."""

import re
import secrets

from django.core.management.base import BaseCommand, CommandError

from shanzhi.accounts.models import User
from shanzhi.accounts.services import create_user, issue_api_token
from shanzhi.appeals.views.open311 import CLIENT_PREFIX


class Command(BaseCommand):
    help = "发放 Open311 客户端密钥（api_key），只显示一次。"

    def add_arguments(self, parser):
        parser.add_argument("name", help="客户端名称（字母、数字、连字符）")

    def handle(self, *args, name, **options):
        if not re.fullmatch(r"[A-Za-z0-9-]{1,40}", name):
            raise CommandError("客户端名称只能由字母、数字和连字符组成（最多 40 个字符）。")
        username = f"{CLIENT_PREFIX}{name.lower()}"
        user = User.objects.filter(username=username).first()
        if user is None:
            # Nobody logs in as a client: a random password that is never shown.
            user = create_user(
                username=username, password=secrets.token_urlsafe(32), display_name=f"Open311 {name}"
            )
        key = issue_api_token(user, name="open311")
        self.stdout.write(key)
