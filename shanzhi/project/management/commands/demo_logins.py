"""``manage.py demo_logins``: the table of demo logins (``--markdown`` for the README)."""

import unicodedata

from django.core.management.base import BaseCommand

from shanzhi.registry.demo import demo_login_rows

HEADER = ("用户名", "角色", "范围", "密码")


def width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text, to):
    return text + " " * (to - width(text))


class Command(BaseCommand):
    help = "列出演示账号（用户名、角色、范围、密码）。"

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="输出 Markdown 表格（用于 README）")

    def handle(self, *args, markdown, **options):
        rows = demo_login_rows()
        if markdown:
            self.stdout.write("| " + " | ".join(HEADER) + " |")
            self.stdout.write("|" + "---|" * len(HEADER))
            for row in rows:
                self.stdout.write(
                    "| " + " | ".join(f"`{c}`" if i in (0, 3) else c for i, c in enumerate(row)) + " |"
                )
            return
        widths = [max(width(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
        self.stdout.write("演示账号（登录 http://127.0.0.1:8000/）：")
        for row in [HEADER, *rows]:
            self.stdout.write("  " + "  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)))
