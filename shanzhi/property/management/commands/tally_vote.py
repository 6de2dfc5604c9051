import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shanzhi.property import tally


class Command(BaseCommand):
    help = (
        "独立复核一次业主大会表决：读入导出的表决文件 "
        '{"matter": "ordinary"|"major", "units": [{"unit", "owner", "area"}], "votes": {业主: "yes"|"no"|"abstain"}}，'
        "按《民法典》第二百七十八条计票，输出 JSON（面积为十进制字符串）。不读写数据库。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            # Areas may come as JSON numbers: read them as decimals, never through a float.
            data = json.loads(path.read_text(encoding="utf-8"), parse_float=str)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"不是有效的 JSON 文件：{exc}") from exc
        try:
            result = tally.tally(*tally.parse_file(data))
        except tally.TallyError as exc:
            raise CommandError(f"{exc.field}：{exc.message}") from exc
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
