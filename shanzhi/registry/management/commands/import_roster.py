import time
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from shanzhi.accounts.models import User
from shanzhi.accounts.permissions import ACTIONS
from shanzhi.registry import importing
from shanzhi.registry.models import OrgNode


class Command(BaseCommand):
    help = (
        "导入居民台账（.xlsx 或 .csv，表头见 registry/importing/reading.py）。每一行都先校验；"
        "有任何错误则一行也不导入，并列出行号、列名和原因，退出码非 0。"
        "重复导入同一文件不会改变任何数据（按身份证号更新）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--scope", help="导入范围的组织编码；默认为 --user 的管辖节点，或系统中唯一的区")
        parser.add_argument("--user", help="以该账号的权限导入；不给则为系统导入")

    def handle(self, *args, file, scope, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        by = self._user(user)
        node = self._scope(scope, by)
        started = time.monotonic()
        try:
            counts = importing.import_file(path, path.name, by=by, scope=node, progress_for=self._progress)
        except (PermissionDenied, Http404) as exc:
            raise CommandError(f"账号 {by.username} 无权向“{node.name}”导入台账。") from exc
        except importing.RosterRejected as exc:
            self._report(exc.errors)
            raise CommandError(str(exc.message)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"已导入 {counts['rows']} 行到“{node.name}”：新增 {counts['created']} 人，更新 {counts['updated']} 人，"
            f"未变 {counts['unchanged']} 人，新建 {counts['households_created']} 户。"
        )
        self.stdout.write(f"用时 {elapsed:.1f} 秒，{counts['rows'] / max(elapsed, 1e-6):,.0f} 行/秒。")

    def _user(self, username):
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的有效账号。")
        return user

    def _scope(self, code, by):
        if code:
            node = OrgNode.objects.filter(code=code).first()
            if node is None:
                raise CommandError(f"没有编码为 {code} 的组织节点。")
            return node
        if by is not None:
            nodes = [g.node for g in by.grants() if g.node_id and g.role in ACTIONS["registry.import"]]
        else:
            nodes = list(OrgNode.objects.filter(level=OrgNode.Level.DISTRICT))
        if len(nodes) != 1:
            raise CommandError("请用 --scope 指定导入范围（组织编码）。")
        return nodes[0]

    def _report(self, errors):
        self.stdout.write(f"文件有 {len(errors)} 处错误，未导入任何数据：")
        for e in errors:
            where = f"第 {e['row']} 行" if e["row"] else "文件"
            column = f"【{e['column']}】" if e["column"] else ""
            self.stdout.write(f"  {where} {column}{e['reason']}")

    def _progress(self, total):
        """Progress on stderr for files big enough to wait for."""
        if total < importing.PROGRESS_EVERY:
            return None
        labels = {"validating": "校验", "importing": "导入"}
        tty = self.stderr.isatty()

        def show(phase, done):
            line = f"{labels[phase]} {done}/{total}（{100 * done // total}%）"
            if tty:
                self.stderr.write(f"\r{line}", ending="" if done < total else "\n")
            else:
                self.stderr.write(line)

        return show
