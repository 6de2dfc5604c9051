from django.core.management.base import BaseCommand

from shanzhi.property.services import credit


class Command(BaseCommand):
    help = (
        "按来源（半年考核得分、监管措施、已发布的红黑榜）重新计算每家物业企业的信用记录；"
        "可重复运行，第二次不做任何改动。"
    )

    def handle(self, *args, **options):
        created, updated, deleted = credit.rebuild()
        self.stdout.write(f"created={created} updated={updated} deleted={deleted}")
