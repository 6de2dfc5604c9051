"""``manage.py import_hotline FILE --as USERNAME``: a 12345 batch file into the loop."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from shanzhi.accounts.models import User
from shanzhi.appeals.services.importing import HotlineFileRejected, import_file


class Command(BaseCommand):
    help = "导入 12345 热线工单（.xlsx 或 .csv）；重复导入同一文件不会新增诉求。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="以哪个工作人员账号导入（需有导入权限，位置须在其辖区内）",
        )

    def handle(self, *args, file, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有账号 {username}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        try:
            report = import_file(path.read_bytes(), path.name, by=user)
        except PermissionDenied as exc:
            raise CommandError(f"账号 {username} 没有导入热线工单的权限") from exc
        except HotlineFileRejected as exc:
            for e in exc.errors:
                self.stderr.write(f"第 {e['row']} 行 {e['column']}：{e['message']}")
            raise CommandError(exc.message) from exc
        self.stdout.write(f"新增 {len(report.created)} 件，已存在跳过 {len(report.skipped)} 件。")
