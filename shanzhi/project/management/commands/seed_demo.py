"""``manage.py seed_demo --scale small --seed 1 [--if-empty]``: the demo district, from a seed."""

from django.core.management.base import BaseCommand, CommandError

from shanzhi.project.demo import seed_demo
from shanzhi.registry.demo import SCALES
from shanzhi.registry.models import OrgNode


class Command(BaseCommand):
    help = "生成演示数据（枣庄市市中区）：同一种子总是生成同样的数据，全部经由业务服务写入。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="small",
            help="small：一个街道约 9 个网格；medium：两个街道约 30 个网格；"
            "large：全区约 200 个网格、20 万居民（tiny 仅供测试）",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true", help="已有组织节点时什么也不做")
        parser.add_argument(
            "--households-per-grid",
            type=int,
            default=None,
            help="改变每个网格的户数（默认按规模取 300–500 户左右）",
        )

    def handle(self, *args, scale, seed, if_empty, households_per_grid, **options):
        if OrgNode.objects.exists():
            if if_empty:
                self.stdout.write("已有组织数据，跳过演示数据生成。")
                return
            raise CommandError("数据库中已有组织节点。演示数据只能写入空数据库（或加 --if-empty 跳过）。")
        if households_per_grid is not None and households_per_grid < 1:
            raise CommandError("--households-per-grid 必须是正整数。")
        counts = seed_demo(
            scale=scale, seed=seed, households_per_grid=households_per_grid, say=self.stdout.write
        )
        tags = counts.pop("标签")
        seconds = counts.pop("seconds")
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成，用时 {seconds} 秒："))
        self.stdout.write("  " + "，".join(f"{k} {v:,}" for k, v in counts.items()))
        residents = counts["居民"] or 1
        self.stdout.write(
            "  标签：" + "，".join(f"{k} {v:,}（{100 * v / residents:.1f}%）" for k, v in tags.items())
        )
        self.stdout.write("  登录账号见 manage.py demo_logins")
