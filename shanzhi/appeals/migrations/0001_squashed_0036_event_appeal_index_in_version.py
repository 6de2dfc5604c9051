"""The appeals app's schema as 0001-0036 left it, in one migration (a fresh database, the tests'
included, applies this; one that applied 0001-0036 has it already: ``replaces``).

Django re-renders every model related to the one an operation changes, at every operation: the
forty migrations cost 15 of a fresh migrate's 32 seconds, in every test process. The schema is
the models' own (written by ``makemigrations`` from an empty history); what the old migrations
did besides is kept where a fresh database needs it: the categories and invalid kinds they
seeded, the categories' reference-version triggers (0015) and the dropped LIKE indexes (0016).
Their backfills (rollup cells, month and day rows, note visibility) had nothing to fill in an
empty table and are left out. Checked: a fresh migrate through this and one through 0001-0036
give the same ``pg_dump`` (schema and data), columns aside, whose order differs.
"""

import datetime
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import shanzhi.core.fields
from shanzhi.core import refdata

# --- from 0002: a realistic starting taxonomy; administrators edit it afterwards --------------------
# Time limits follow the practice quoted in docs: emergencies on the clock in hours (12345: danger
# to life 2 h; water, power, gas 24 h), urgent cases in office hours (GB/T 30428 紧急工作时),
# general cases 3–5 working days, complex ones (disputes, construction, allowances) 10–15.

WD, WH, H = "workdays", "work_hours", "hours"
GRID, COMM, DEPT, PROP = "grid", "community", "department", "property"
N, U, E = "normal", "urgent", "emergency"

GENERIC = (
    "您反映的“{title}”（编号 {number}）已办理：【办理情况】。感谢您对社区工作的支持，欢迎对办理结果进行评价。"
)

# (code, name, value, unit, urgency, handler, auto_escalate, [children with the same fields])
TAXONOMY = [
    (
        "01",
        "物业服务",
        5,
        WD,
        N,
        PROP,
        False,
        [
            ("0101", "物业服务质量", 5, WD, N, PROP, False),
            ("0102", "电梯故障", 8, WH, U, PROP, True),
            ("0103", "电梯困人", 1, H, E, PROP, True),
            ("0104", "公共设施维修（楼道灯、门禁、单元门）", 3, WD, N, PROP, False),
            ("0105", "物业收费争议", 10, WD, N, PROP, False),
            ("0106", "小区绿化养护", 5, WD, N, PROP, False),
            ("0107", "二次供水设施", 3, WD, N, PROP, False),
        ],
    ),
    (
        "02",
        "停车管理",
        5,
        WD,
        N,
        COMM,
        False,
        [
            ("0201", "小区停车秩序", 5, WD, N, PROP, False),
            ("0202", "占用消防通道停车", 4, WH, U, COMM, True),
            ("0203", "僵尸车清理", 10, WD, N, COMM, False),
            ("0204", "充电桩安装", 15, WD, N, PROP, False),
            ("0205", "道路违停", 3, WD, N, DEPT, False),
        ],
    ),
    (
        "03",
        "噪音扰民",
        3,
        WD,
        N,
        COMM,
        False,
        [
            ("0301", "施工噪音", 3, WD, N, DEPT, True),
            ("0302", "商业经营噪音", 3, WD, N, DEPT, False),
            ("0303", "邻里生活噪音", 5, WD, N, GRID, False),
            ("0304", "广场舞噪音", 5, WD, N, COMM, False),
        ],
    ),
    (
        "04",
        "环境卫生",
        3,
        WD,
        N,
        COMM,
        False,
        [
            ("0401", "垃圾清运不及时", 2, WD, N, COMM, True),
            ("0402", "楼道堆物", 3, WD, N, GRID, False),
            ("0403", "垃圾分类", 5, WD, N, COMM, False),
            ("0404", "公厕卫生", 3, WD, N, DEPT, False),
            ("0405", "病媒生物（鼠患、蚊蝇）", 5, WD, N, COMM, False),
            ("0406", "污水外溢", 8, WH, U, DEPT, True),
        ],
    ),
    (
        "05",
        "消防隐患",
        1,
        WD,
        U,
        GRID,
        True,
        [
            ("0501", "电动车违规充电", 8, WH, U, GRID, True),
            ("0502", "消防设施损坏", 3, WD, N, PROP, True),
            ("0503", "楼道杂物堵塞", 1, WD, U, GRID, True),
            ("0504", "违规用火用电", 4, WH, U, GRID, True),
        ],
    ),
    (
        "06",
        "邻里纠纷",
        10,
        WD,
        N,
        GRID,
        False,
        [
            ("0601", "漏水纠纷", 10, WD, N, GRID, False),
            ("0602", "宠物饲养", 5, WD, N, GRID, False),
            ("0603", "采光通风与加装电梯纠纷", 15, WD, N, COMM, False),
            ("0604", "家庭矛盾", 10, WD, N, GRID, False),
            ("0605", "公共空间占用", 5, WD, N, GRID, False),
        ],
    ),
    (
        "07",
        "供暖",
        2,
        WD,
        U,
        DEPT,
        True,
        [
            ("0701", "暖气不热", 2, WD, U, DEPT, True),
            ("0702", "供暖管道漏水", 8, WH, U, DEPT, True),
            ("0703", "供暖收费", 10, WD, N, DEPT, False),
        ],
    ),
    (
        "08",
        "供水、供电、燃气",
        24,
        H,
        U,
        DEPT,
        True,
        [
            ("0801", "停水", 24, H, U, DEPT, True),
            ("0802", "水质问题", 3, WD, N, DEPT, False),
            ("0803", "停电", 24, H, U, DEPT, True),
            ("0804", "燃气泄漏", 2, H, E, DEPT, True),
            ("0805", "供水管道破裂", 4, H, E, DEPT, True),
            ("0806", "燃气、水电表计与缴费", 5, WD, N, DEPT, False),
        ],
    ),
    (
        "09",
        "养老服务",
        5,
        WD,
        N,
        COMM,
        False,
        [
            ("0901", "独居老人关爱", 3, WD, N, GRID, True),
            ("0902", "居家养老服务", 5, WD, N, COMM, False),
            ("0903", "高龄补贴", 10, WD, N, DEPT, False),
            ("0904", "老年助餐", 5, WD, N, COMM, False),
        ],
    ),
    (
        "10",
        "市容秩序",
        3,
        WD,
        N,
        DEPT,
        False,
        [
            ("1001", "占道经营", 3, WD, N, DEPT, False),
            ("1002", "乱贴乱画小广告", 3, WD, N, COMM, False),
            ("1003", "户外广告牌安全", 8, WH, U, DEPT, True),
            ("1004", "流动摊贩", 3, WD, N, DEPT, False),
        ],
    ),
    (
        "11",
        "违章建设",
        10,
        WD,
        N,
        DEPT,
        True,
        [
            ("1101", "私搭乱建", 10, WD, N, DEPT, True),
            ("1102", "装修破坏承重结构", 2, WD, U, DEPT, True),
            ("1103", "毁绿占绿", 10, WD, N, DEPT, False),
        ],
    ),
    (
        "12",
        "道路设施",
        5,
        WD,
        N,
        DEPT,
        False,
        [
            ("1201", "路面破损", 5, WD, N, DEPT, False),
            ("1202", "井盖缺失破损", 4, H, E, DEPT, True),
            ("1203", "路灯不亮", 3, WD, N, DEPT, False),
            ("1204", "道路积水", 8, WH, U, DEPT, True),
        ],
    ),
    (
        "13",
        "民政与社会保障",
        10,
        WD,
        N,
        COMM,
        False,
        [
            ("1301", "低保与救助", 10, WD, N, DEPT, False),
            ("1302", "残疾人服务", 5, WD, N, COMM, False),
            ("1303", "就业服务", 5, WD, N, COMM, False),
            ("1304", "退役军人服务", 5, WD, N, COMM, False),
        ],
    ),
    (
        "14",
        "治安安全",
        3,
        WD,
        N,
        DEPT,
        False,
        [
            ("1401", "治安隐患", 3, WD, N, DEPT, True),
            ("1402", "群租房", 5, WD, N, COMM, False),
        ],
    ),
    (
        "15",
        "咨询建议",
        3,
        WD,
        N,
        COMM,
        False,
        [
            ("1501", "政策咨询", 3, WD, N, COMM, False),
            ("1502", "意见建议", 5, WD, N, COMM, False),
        ],
    ),
    (
        "99",
        "其他",
        5,
        WD,
        N,
        COMM,
        False,
        [
            ("9901", "其他事项", 5, WD, N, COMM, False),
        ],
    ),
]


def seed(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")

    def make(code, name, value, unit, urgency, handler, auto, parent=None, sort=0):
        return Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "deadline_value": value,
                "deadline_unit": unit,
                "urgency": urgency,
                "default_handler_kind": handler,
                "auto_escalate": auto,
                "parent": parent,
                "sort": sort,
                "response_template": GENERIC if parent is None else "",
                "duplicate_radius_m": 50 if handler == GRID else 100,
            },
        )[0]

    for i, (code, name, value, unit, urgency, handler, auto, children) in enumerate(TAXONOMY):
        parent = make(code, name, value, unit, urgency, handler, auto, sort=i)
        for j, child in enumerate(children):
            make(*child, parent=parent, sort=j)


def unseed(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")
    codes = [c[0] for parent in TAXONOMY for c in parent[7]]
    Category.objects.filter(code__in=codes).delete()
    Category.objects.filter(code__in=[p[0] for p in TAXONOMY]).delete()


# --- from 0008: the kinds of an appeal closed as invalid ----------------------------------------
INVALID_KINDS = [
    ("consult", "咨询已答复"),
    ("duplicate", "重复诉求"),
    ("out_of_scope", "不属于受理范围"),
    ("malicious", "恶意诉求"),
    ("no_content", "无实质内容"),
]


def seed_invalid_kinds(apps, schema_editor):
    kind = apps.get_model("appeals", "InvalidKind")
    for i, (code, name) in enumerate(INVALID_KINDS):
        kind.objects.get_or_create(code=code, defaults={"name": name, "sort": i})


# --- from 0016: PostgreSQL adds a varchar_pattern_ops copy of the index of every unique text
# column, for LIKE 'prefix%'. Appeal numbers and 12345 case numbers are only ever looked up whole:
# the unique index answers those, and the copies were the largest indexes of the table.
DROP_LIKE = [
    "DROP INDEX IF EXISTS appeals_appeal_number_e83993d1_like",
    "DROP INDEX IF EXISTS appeals_appeal_hotline_case_number_64783c46_like",
]


def drop_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The indexes of the tables above are created at the end of the migration (Django defers
        # them): made now, so that the copies exist to be dropped, as they did in 0016.
        for sql in schema_editor.deferred_sql:
            schema_editor.execute(sql)
        schema_editor.deferred_sql.clear()
        for sql in DROP_LIKE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("appeals", "0001_initial"),
        ("appeals", "0002_seed_categories"),
        ("appeals", "0003_delay_request_cancelled"),
        ("appeals", "0004_day_stats"),
        ("appeals", "0005_month_stats"),
        ("appeals", "0006_worklist_indexes"),
        ("appeals", "0007_provisional_deadlines"),
        ("appeals", "0008_homes_approval_steps"),
        ("appeals", "0008_loop_evidence_visibility"),
        ("appeals", "0008_metrics_assessment"),
        ("appeals", "0008_o311_unplaced_client"),
        ("appeals", "0008_vol_hotline_city"),
        ("appeals", "0009_merge_homes_o311"),
        ("appeals", "0010_merge_loop"),
        ("appeals", "0011_merge_vol"),
        ("appeals", "0012_event_verbs_after_merge"),
        ("appeals", "0013_merge_metrics"),
        ("appeals", "0014_event_verbs_after_metrics"),
        ("appeals", "0015_category_refversion"),
        ("appeals", "0016_index_review"),
        ("appeals", "0017_day_stat_path_indexes"),
        ("appeals", "0018_handling_histogram"),
        ("appeals", "0019_month_stat_due_counters"),
        ("appeals", "0020_day_totals_backlog"),
        ("appeals", "0021_month_stat_path_indexes"),
        ("appeals", "0022_day_total_path_indexes"),
        ("appeals", "0023_partial_assignee_indexes"),
        ("appeals", "0024_month_totals"),
        ("appeals", "0025_company_period_indexes"),
        ("appeals", "0026_backlog_cells_months"),
        ("appeals", "0027_department_months"),
        ("appeals", "0028_day_totals_filed_rows"),
        ("appeals", "0029_day_totals_no_category_index"),
        ("appeals", "0030_hotline_partial_unique_path_pattern_index"),
        ("appeals", "0031_day_total_indexes_by_category"),
        ("appeals", "0032_department_overdue_index"),
        ("appeals", "0033_department_due_day_index"),
        ("appeals", "0034_department_days"),
        ("appeals", "0035_day_stat_category_unindexed"),
        ("appeals", "0036_event_appeal_index_in_version"),
    ]

    dependencies = [
        ("core", "0013_reference_version"),
        ("registry", "0006_unit_names_refversion"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AppealCounter",
            fields=[
                ("day", models.DateField(primary_key=True, serialize=False)),
                ("value", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="AppealRollupMark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("community_id", models.PositiveIntegerField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "待刷新统计",
                "verbose_name_plural": "待刷新统计",
            },
        ),
        migrations.CreateModel(
            name="InvalidKind",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=24, unique=True, verbose_name="编码")),
                ("name", models.CharField(max_length=50, verbose_name="名称")),
                ("active", models.BooleanField(default=True, verbose_name="启用")),
                ("sort", models.PositiveIntegerField(default=0, verbose_name="排序")),
            ],
            options={
                "verbose_name": "无效诉求类型",
                "verbose_name_plural": "无效诉求类型",
                "ordering": ["sort", "code"],
            },
        ),
        migrations.CreateModel(
            name="MetricsRules",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "response_limit_hours",
                    models.PositiveSmallIntegerField(
                        default=8,
                        help_text="分类未设响应时限时使用：受理（或以无效类型不予受理）须在此工作时数内完成。",
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="响应时限(工作时)",
                    ),
                ),
                (
                    "visit_max_tries",
                    models.PositiveSmallIntegerField(
                        default=3,
                        help_text="联系不上的回访记录满此次数后，诉求以“回访联系不上”销号。",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(20),
                        ],
                        verbose_name="回访最多尝试次数",
                    ),
                ),
                (
                    "basic_weight",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("1"),
                        max_digits=3,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("1")),
                        ],
                        verbose_name="基本满意计入满意率的权重",
                    ),
                ),
                (
                    "min_cases",
                    models.PositiveSmallIntegerField(default=5, verbose_name="参与排名的最少有效诉求数"),
                ),
                (
                    "weight_response",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.20"),
                        max_digits=5,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="综合得分：响应率权重",
                    ),
                ),
                (
                    "weight_resolution",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.30"),
                        max_digits=5,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="综合得分：解决率权重",
                    ),
                ),
                (
                    "weight_satisfaction",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.30"),
                        max_digits=5,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="综合得分：满意率权重",
                    ),
                ),
                (
                    "weight_on_time",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.20"),
                        max_digits=5,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="综合得分：按期结案率权重",
                    ),
                ),
            ],
            options={
                "verbose_name": "考核规则",
                "verbose_name_plural": "考核规则",
            },
        ),
        migrations.CreateModel(
            name="Category",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=16, unique=True, verbose_name="编码")),
                ("name", models.CharField(max_length=50, verbose_name="名称")),
                ("deadline_value", models.PositiveIntegerField(default=5, verbose_name="办理时限")),
                (
                    "deadline_unit",
                    models.CharField(
                        choices=[("workdays", "工作日"), ("work_hours", "工作时"), ("hours", "自然小时")],
                        default="workdays",
                        max_length=16,
                        verbose_name="时限单位",
                    ),
                ),
                (
                    "urgency",
                    models.CharField(
                        choices=[("normal", "一般"), ("urgent", "紧急"), ("emergency", "特急")],
                        default="normal",
                        max_length=16,
                        verbose_name="紧急程度",
                    ),
                ),
                (
                    "default_handler_kind",
                    models.CharField(
                        choices=[
                            ("grid", "网格"),
                            ("community", "社区"),
                            ("department", "职能部门"),
                            ("property", "物业企业"),
                        ],
                        default="community",
                        max_length=16,
                        verbose_name="默认承办",
                    ),
                ),
                (
                    "response_limit_hours",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="留空则用考核规则中的默认值。",
                        null=True,
                        verbose_name="响应时限(工作时)",
                    ),
                ),
                ("response_template", models.TextField(blank=True, verbose_name="答复模板")),
                ("auto_escalate", models.BooleanField(default=False, verbose_name="超期自动升级")),
                ("evidence_required", models.BooleanField(default=False, verbose_name="办结须附佐证照片")),
                ("grid_self_handle", models.BooleanField(default=False, verbose_name="网格员可就地解决")),
                (
                    "duplicate_radius_m",
                    models.PositiveIntegerField(default=100, verbose_name="重复诉求提示半径(米)"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="启用")),
                ("sort", models.PositiveIntegerField(default=0, verbose_name="排序")),
                (
                    "default_department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="registry.department",
                        verbose_name="默认部门",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="appeals.category",
                        verbose_name="上级分类",
                    ),
                ),
            ],
            options={
                "verbose_name": "诉求分类",
                "verbose_name_plural": "诉求分类",
                "ordering": ["sort", "code"],
            },
        ),
        migrations.CreateModel(
            name="HotlineImportJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file", models.FileField(blank=True, upload_to="hotline/%Y/%m/")),
                ("original_name", models.CharField(max_length=200)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "排队中"),
                            ("validating", "校验中"),
                            ("importing", "导入中"),
                            ("done", "已完成"),
                            ("rejected", "有错误，未导入"),
                            ("failed", "失败"),
                        ],
                        default="queued",
                        max_length=16,
                    ),
                ),
                ("total_rows", models.PositiveIntegerField(default=0)),
                ("processed_rows", models.PositiveIntegerField(default=0)),
                ("created_numbers", models.JSONField(blank=True, default=list)),
                ("skipped", models.JSONField(blank=True, default=list)),
                ("errors", models.JSONField(blank=True, default=list)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "热线工单导入",
                "verbose_name_plural": "热线工单导入",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="AppealBacklogCell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("path", models.CharField(max_length=80)),
                ("due_day", models.DateField()),
                ("warn_day", models.DateField(blank=True, null=True)),
                ("open", models.PositiveIntegerField(default=0)),
                (
                    "community",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
            ],
            options={
                "verbose_name": "在办诉求单元统计",
                "verbose_name_plural": "在办诉求单元统计",
                "indexes": [models.Index(fields=["community", "day"], name="appeal_backlog_cell_cell")],
            },
        ),
        migrations.CreateModel(
            name="AppealBacklogMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("path", models.CharField(max_length=80)),
                ("due_month", models.DateField(help_text="first day of the month")),
                ("open", models.PositiveIntegerField(default=0)),
                ("refreshed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "community",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
            ],
            options={
                "verbose_name": "在办诉求月统计",
                "verbose_name_plural": "在办诉求月统计",
                "indexes": [
                    models.Index(fields=["community"], name="appeal_backlog_month_cell"),
                    models.Index(
                        fields=["path", "due_month"],
                        name="appeal_backlog_month_read",
                        opclasses=["varchar_pattern_ops", "date_ops"],
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AppealBacklogStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("path", models.CharField(max_length=80)),
                ("due_day", models.DateField()),
                ("warn_day", models.DateField(blank=True, null=True)),
                ("open", models.PositiveIntegerField(default=0)),
                ("refreshed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "community",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
            ],
            options={
                "verbose_name": "在办诉求统计",
                "verbose_name_plural": "在办诉求统计",
                "indexes": [
                    models.Index(fields=["community"], name="appeal_backlog_cell"),
                    models.Index(
                        fields=["path", "due_day"],
                        name="appeal_backlog_read",
                        opclasses=["varchar_pattern_ops", "date_ops"],
                    ),
                    models.Index(fields=["due_day", "path"], name="appeal_backlog_days"),
                ],
            },
        ),
        migrations.CreateModel(
            name="AppealDepartmentDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("received", models.PositiveIntegerField(default=0)),
                ("invalid", models.PositiveIntegerField(default=0)),
                ("accepted", models.PositiveIntegerField(default=0)),
                ("rejected", models.PositiveIntegerField(default=0)),
                ("responded", models.PositiveIntegerField(default=0)),
                ("resolved", models.PositiveIntegerField(default=0)),
                ("rated", models.PositiveIntegerField(default=0)),
                ("solved", models.PositiveIntegerField(default=0)),
                ("satisfied", models.PositiveIntegerField(default=0)),
                ("basic", models.PositiveIntegerField(default=0)),
                ("unreachable", models.PositiveIntegerField(default=0)),
                ("reworked", models.PositiveIntegerField(default=0)),
                ("handled_1d", models.PositiveIntegerField(default=0)),
                ("handled_3d", models.PositiveIntegerField(default=0)),
                ("handled_5d", models.PositiveIntegerField(default=0)),
                ("handled_10d", models.PositiveIntegerField(default=0)),
                ("handled_over_10d", models.PositiveIntegerField(default=0)),
                ("handling", models.DurationField(default=datetime.timedelta)),
                ("refreshed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("day", models.DateField()),
                ("due_day", models.DateField(blank=True, null=True)),
                ("due", models.PositiveIntegerField(default=0)),
                ("suspended", models.PositiveIntegerField(default=0)),
                ("on_time", models.PositiveIntegerField(default=0)),
                (
                    "community",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.department",
                    ),
                ),
            ],
            options={
                "verbose_name": "职能部门诉求日合计",
                "verbose_name_plural": "职能部门诉求日合计",
                "indexes": [
                    models.Index(fields=["community", "day"], name="appeal_dept_day_cell"),
                    models.Index(
                        condition=models.Q(("due_day", None)),
                        fields=["department", "day"],
                        name="appeal_dept_day_filed",
                    ),
                    models.Index(
                        condition=models.Q(("due__gt", 0)),
                        fields=["department", "due_day"],
                        name="appeal_dept_day_due",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AppealDepartmentMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("received", models.PositiveIntegerField(default=0)),
                ("invalid", models.PositiveIntegerField(default=0)),
                ("accepted", models.PositiveIntegerField(default=0)),
                ("rejected", models.PositiveIntegerField(default=0)),
                ("responded", models.PositiveIntegerField(default=0)),
                ("resolved", models.PositiveIntegerField(default=0)),
                ("rated", models.PositiveIntegerField(default=0)),
                ("solved", models.PositiveIntegerField(default=0)),
                ("satisfied", models.PositiveIntegerField(default=0)),
                ("basic", models.PositiveIntegerField(default=0)),
                ("unreachable", models.PositiveIntegerField(default=0)),
                ("reworked", models.PositiveIntegerField(default=0)),
                ("handled_1d", models.PositiveIntegerField(default=0)),
                ("handled_3d", models.PositiveIntegerField(default=0)),
                ("handled_5d", models.PositiveIntegerField(default=0)),
                ("handled_10d", models.PositiveIntegerField(default=0)),
                ("handled_over_10d", models.PositiveIntegerField(default=0)),
                ("handling", models.DurationField(default=datetime.timedelta)),
                ("refreshed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("month", models.DateField(help_text="first day of the month")),
                ("dimension", models.CharField(default="category", editable=False, max_length=12)),
                ("key", models.PositiveIntegerField(help_text="the category id")),
                ("due_month", models.DateField(blank=True, null=True)),
                ("due", models.PositiveIntegerField(default=0)),
                ("suspended", models.PositiveIntegerField(default=0)),
                ("on_time", models.PositiveIntegerField(default=0)),
                (
                    "community",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.department",
                    ),
                ),
            ],
            options={
                "verbose_name": "职能部门诉求月统计",
                "verbose_name_plural": "职能部门诉求月统计",
                "indexes": [
                    models.Index(fields=["community", "month"], name="appeal_dept_month_cell"),
                    models.Index(fields=["department", "month"], name="appeal_dept_month_read"),
                    models.Index(fields=["department", "due_month"], name="appeal_dept_month_due"),
                ],
            },
        ),
        migrations.CreateModel(
            name="AppealMonthStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("received", models.PositiveIntegerField(default=0)),
                ("invalid", models.PositiveIntegerField(default=0)),
                ("accepted", models.PositiveIntegerField(default=0)),
                ("rejected", models.PositiveIntegerField(default=0)),
                ("responded", models.PositiveIntegerField(default=0)),
                ("resolved", models.PositiveIntegerField(default=0)),
                ("rated", models.PositiveIntegerField(default=0)),
                ("solved", models.PositiveIntegerField(default=0)),
                ("satisfied", models.PositiveIntegerField(default=0)),
                ("basic", models.PositiveIntegerField(default=0)),
                ("unreachable", models.PositiveIntegerField(default=0)),
                ("reworked", models.PositiveIntegerField(default=0)),
                ("handled_1d", models.PositiveIntegerField(default=0)),
                ("handled_3d", models.PositiveIntegerField(default=0)),
                ("handled_5d", models.PositiveIntegerField(default=0)),
                ("handled_10d", models.PositiveIntegerField(default=0)),
                ("handled_over_10d", models.PositiveIntegerField(default=0)),
                ("handling", models.DurationField(default=datetime.timedelta)),
                ("refreshed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("month", models.DateField(help_text="first day of the month")),
                ("path", models.CharField(max_length=80)),
                ("street_path", models.CharField(blank=True, max_length=80)),
                (
                    "dimension",
                    models.CharField(
                        choices=[("grid", "网格"), ("category", "诉求分类"), ("department", "职能部门")],
                        max_length=12,
                    ),
                ),
                (
                    "key",
                    models.PositiveIntegerField(
                        blank=True, help_text="the grid, category or department id", null=True
                    ),
                ),
                ("due_month", models.DateField(blank=True, null=True)),
                ("due", models.PositiveIntegerField(default=0)),
                ("suspended", models.PositiveIntegerField(default=0)),
                ("on_time", models.PositiveIntegerField(default=0)),
                (
                    "community",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
            ],
            options={
                "verbose_name": "诉求月统计",
                "verbose_name_plural": "诉求月统计",
                "indexes": [
                    models.Index(fields=["community", "month"], name="appeal_month_stat_cell"),
                    models.Index(fields=["dimension", "month", "path"], name="appeal_month_stat_read"),
                    models.Index(
                        fields=["dimension", "due_month", "path"], name="appeal_month_stat_due_read"
                    ),
                    models.Index(
                        fields=["path", "dimension", "month"],
                        name="appeal_month_stat_path",
                        opclasses=["varchar_pattern_ops", "varchar_ops", "date_ops"],
                    ),
                    models.Index(
                        fields=["path", "dimension", "due_month"],
                        name="appeal_month_stat_path_due",
                        opclasses=["varchar_pattern_ops", "varchar_ops", "date_ops"],
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("due_month__isnull", False), ("key__isnull", False)),
                        fields=("month", "path", "dimension", "key", "due_month"),
                        name="appeal_month_stat_key",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("due_month__isnull", False), ("key__isnull", True)),
                        fields=("month", "path", "dimension", "due_month"),
                        name="appeal_month_stat_key_none",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("due_month__isnull", True), ("key__isnull", False)),
                        fields=("month", "path", "dimension", "key"),
                        name="appeal_month_stat_key_no_due",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("due_month__isnull", True), ("key__isnull", True)),
                        fields=("month", "path", "dimension"),
                        name="appeal_month_stat_key_none_no_due",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AppealMonthTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("received", models.PositiveIntegerField(default=0)),
                ("invalid", models.PositiveIntegerField(default=0)),
                ("accepted", models.PositiveIntegerField(default=0)),
                ("rejected", models.PositiveIntegerField(default=0)),
                ("responded", models.PositiveIntegerField(default=0)),
                ("resolved", models.PositiveIntegerField(default=0)),
                ("rated", models.PositiveIntegerField(default=0)),
                ("solved", models.PositiveIntegerField(default=0)),
                ("satisfied", models.PositiveIntegerField(default=0)),
                ("basic", models.PositiveIntegerField(default=0)),
                ("unreachable", models.PositiveIntegerField(default=0)),
                ("reworked", models.PositiveIntegerField(default=0)),
                ("handled_1d", models.PositiveIntegerField(default=0)),
                ("handled_3d", models.PositiveIntegerField(default=0)),
                ("handled_5d", models.PositiveIntegerField(default=0)),
                ("handled_10d", models.PositiveIntegerField(default=0)),
                ("handled_over_10d", models.PositiveIntegerField(default=0)),
                ("handling", models.DurationField(default=datetime.timedelta)),
                ("refreshed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("month", models.DateField(help_text="first day of the month")),
                ("path", models.CharField(max_length=80)),
                ("street_path", models.CharField(blank=True, max_length=80)),
                (
                    "dimension",
                    models.CharField(
                        choices=[
                            ("grid", "网格"),
                            ("category", "诉求分类"),
                            ("department", "职能部门"),
                            ("grid_category", "网格诉求分类"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "key",
                    models.PositiveIntegerField(
                        blank=True, help_text="the grid, category or department id", null=True
                    ),
                ),
                (
                    "community",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
            ],
            options={
                "verbose_name": "诉求月合计",
                "verbose_name_plural": "诉求月合计",
                "indexes": [
                    models.Index(fields=["community", "month"], name="appeal_month_total_cell"),
                    models.Index(fields=["dimension", "month", "path"], name="appeal_month_total_read"),
                    models.Index(
                        fields=["path", "dimension", "month"],
                        name="appeal_month_total_path",
                        opclasses=["varchar_pattern_ops", "varchar_ops", "date_ops"],
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("key__isnull", False)),
                        fields=("month", "path", "dimension", "key"),
                        name="appeal_month_total_key",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("key__isnull", True)),
                        fields=("month", "path", "dimension"),
                        name="appeal_month_total_key_none",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AppealDayTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("received", models.PositiveIntegerField(default=0)),
                ("invalid", models.PositiveIntegerField(default=0)),
                ("accepted", models.PositiveIntegerField(default=0)),
                ("rejected", models.PositiveIntegerField(default=0)),
                ("responded", models.PositiveIntegerField(default=0)),
                ("resolved", models.PositiveIntegerField(default=0)),
                ("rated", models.PositiveIntegerField(default=0)),
                ("solved", models.PositiveIntegerField(default=0)),
                ("satisfied", models.PositiveIntegerField(default=0)),
                ("basic", models.PositiveIntegerField(default=0)),
                ("unreachable", models.PositiveIntegerField(default=0)),
                ("reworked", models.PositiveIntegerField(default=0)),
                ("handled_1d", models.PositiveIntegerField(default=0)),
                ("handled_3d", models.PositiveIntegerField(default=0)),
                ("handled_5d", models.PositiveIntegerField(default=0)),
                ("handled_10d", models.PositiveIntegerField(default=0)),
                ("handled_over_10d", models.PositiveIntegerField(default=0)),
                ("handling", models.DurationField(default=datetime.timedelta)),
                ("refreshed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("day", models.DateField()),
                ("path", models.CharField(max_length=80)),
                ("street_path", models.CharField(blank=True, max_length=80)),
                ("due_day", models.DateField(blank=True, null=True)),
                ("due", models.PositiveIntegerField(default=0)),
                ("suspended", models.PositiveIntegerField(default=0)),
                ("on_time", models.PositiveIntegerField(default=0)),
                (
                    "community",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="appeals.category",
                    ),
                ),
            ],
            options={
                "verbose_name": "诉求日合计",
                "verbose_name_plural": "诉求日合计",
                "indexes": [
                    models.Index(fields=["community", "day"], name="appeal_day_total_cell"),
                    models.Index(
                        condition=models.Q(("due_day", None)),
                        fields=["category", "day", "path"],
                        name="appeal_day_total_filed",
                    ),
                    models.Index(
                        condition=models.Q(("due__gt", 0)),
                        fields=["category", "due_day", "path"],
                        name="appeal_day_total_due",
                    ),
                    models.Index(
                        condition=models.Q(("due_day", None)),
                        fields=["path", "day"],
                        name="appeal_day_total_filed_path",
                        opclasses=["varchar_pattern_ops", "date_ops"],
                    ),
                    models.Index(
                        condition=models.Q(("due__gt", 0)),
                        fields=["path", "due_day"],
                        name="appeal_day_total_path_due",
                        opclasses=["varchar_pattern_ops", "date_ops"],
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AppealDayStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("received", models.PositiveIntegerField(default=0)),
                ("invalid", models.PositiveIntegerField(default=0)),
                ("accepted", models.PositiveIntegerField(default=0)),
                ("rejected", models.PositiveIntegerField(default=0)),
                ("responded", models.PositiveIntegerField(default=0)),
                ("resolved", models.PositiveIntegerField(default=0)),
                ("rated", models.PositiveIntegerField(default=0)),
                ("solved", models.PositiveIntegerField(default=0)),
                ("satisfied", models.PositiveIntegerField(default=0)),
                ("basic", models.PositiveIntegerField(default=0)),
                ("unreachable", models.PositiveIntegerField(default=0)),
                ("reworked", models.PositiveIntegerField(default=0)),
                ("handled_1d", models.PositiveIntegerField(default=0)),
                ("handled_3d", models.PositiveIntegerField(default=0)),
                ("handled_5d", models.PositiveIntegerField(default=0)),
                ("handled_10d", models.PositiveIntegerField(default=0)),
                ("handled_over_10d", models.PositiveIntegerField(default=0)),
                ("handling", models.DurationField(default=datetime.timedelta)),
                ("refreshed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("day", models.DateField()),
                ("path", models.CharField(max_length=80)),
                ("street_path", models.CharField(blank=True, max_length=80)),
                ("due_day", models.DateField(blank=True, null=True)),
                ("due", models.PositiveIntegerField(default=0)),
                ("suspended", models.PositiveIntegerField(default=0)),
                ("on_time", models.PositiveIntegerField(default=0)),
                ("next_due_at", models.DateTimeField(blank=True, null=True)),
                (
                    "community",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.department",
                    ),
                ),
                (
                    "grid",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="appeals.category",
                    ),
                ),
            ],
            options={
                "verbose_name": "诉求日统计",
                "verbose_name_plural": "诉求日统计",
                "indexes": [
                    models.Index(fields=["community", "day"], name="appeal_day_stat_cell"),
                    models.Index(fields=["day", "path"], name="appeal_day_stat_read"),
                    models.Index(fields=["department", "day"], name="appeal_day_stat_department"),
                    models.Index(fields=["due_day", "path"], name="appeal_day_stat_due_day"),
                    models.Index(
                        condition=models.Q(("due__gt", 0)),
                        fields=["department", "due_day"],
                        name="appeal_day_stat_department_due",
                    ),
                    models.Index(
                        fields=["path", "day"],
                        name="appeal_day_stat_path",
                        opclasses=["varchar_pattern_ops", "date_ops"],
                    ),
                    models.Index(
                        fields=["path", "due_day"],
                        name="appeal_day_stat_path_due",
                        opclasses=["varchar_pattern_ops", "date_ops"],
                    ),
                    models.Index(
                        condition=models.Q(("next_due_at__isnull", False)),
                        fields=["next_due_at"],
                        name="appeal_day_stat_due",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("department__isnull", False), ("due_day__isnull", False)),
                        fields=("day", "path", "category", "department", "due_day"),
                        name="appeal_day_stat_key",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("department__isnull", True), ("due_day__isnull", False)),
                        fields=("day", "path", "category", "due_day"),
                        name="appeal_day_stat_key_no_department",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("department__isnull", False), ("due_day__isnull", True)),
                        fields=("day", "path", "category", "department"),
                        name="appeal_day_stat_key_no_due",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("department__isnull", True), ("due_day__isnull", True)),
                        fields=("day", "path", "category"),
                        name="appeal_day_stat_key_no_dept_due",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Appeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=24, unique=True, verbose_name="编号")),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("web", "居民网上反映"),
                            ("patrol", "网格巡查"),
                            ("home_visit", "入户走访"),
                            ("on_behalf", "代为登记(来电来访)"),
                            ("hotline", "12345热线"),
                            ("open311", "Open311接口"),
                            ("property", "物业投诉"),
                        ],
                        max_length=16,
                        verbose_name="来源",
                    ),
                ),
                (
                    "hotline_case_number",
                    models.CharField(blank=True, max_length=40, null=True, verbose_name="热线工单号"),
                ),
                (
                    "city_deadline",
                    models.DateTimeField(blank=True, null=True, verbose_name="市级平台办理时限"),
                ),
                ("city_return_reason", models.TextField(blank=True, verbose_name="退回市级平台理由")),
                ("idempotency_scope", models.CharField(blank=True, max_length=80)),
                ("idempotency_key", models.CharField(blank=True, max_length=80)),
                ("payload_digest", models.CharField(blank=True, max_length=64)),
                ("client", models.CharField(blank=True, max_length=80)),
                ("contact_name", models.CharField(blank=True, max_length=50, verbose_name="联系人")),
                (
                    "contact_phone",
                    shanzhi.core.fields.EncryptedTextField(blank=True, verbose_name="联系电话"),
                ),
                ("contact_phone_index", models.CharField(blank=True, editable=False, max_length=64)),
                ("title", models.CharField(max_length=100, verbose_name="标题")),
                ("description", models.TextField(verbose_name="诉求内容")),
                ("lng", models.FloatField(blank=True, null=True)),
                ("lat", models.FloatField(blank=True, null=True)),
                ("address", models.CharField(blank=True, max_length=200, verbose_name="地点")),
                ("path", models.CharField(max_length=80)),
                ("unplaced", models.BooleanField(default=False, verbose_name="待定位")),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("grid", "网格"),
                            ("community", "社区"),
                            ("street", "街道"),
                            ("district", "区"),
                        ],
                        default="community",
                        max_length=16,
                        verbose_name="响应层级",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("submitted", "待受理"),
                            ("accepted", "待派单"),
                            ("rejected", "不予受理"),
                            ("pooled", "待认领"),
                            ("dispatched", "已派单"),
                            ("returned", "已退单"),
                            ("in_progress", "处置中"),
                            ("resolved", "待核实"),
                            ("verified", "待回访"),
                            ("visited", "待销号"),
                            ("reopened", "重办"),
                            ("closed", "已销号"),
                            ("merged", "已并案"),
                            ("to_city", "已退回市级平台"),
                        ],
                        default="submitted",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                (
                    "assignee_kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "未指派"),
                            ("user", "个人"),
                            ("node", "社区/街道"),
                            ("department", "职能部门"),
                            ("company", "物业企业"),
                        ],
                        default="",
                        max_length=16,
                        verbose_name="承办类型",
                    ),
                ),
                ("accepted_at", models.DateTimeField(blank=True, null=True, verbose_name="受理时间")),
                ("clock_started_at", models.DateTimeField(blank=True, null=True)),
                ("deadline", models.DateTimeField(blank=True, null=True, verbose_name="办理时限")),
                ("warn_at", models.DateTimeField(blank=True, null=True)),
                ("deadline_provisional", models.BooleanField(default=False, verbose_name="时限暂定")),
                ("warned_at", models.DateTimeField(blank=True, null=True, verbose_name="黄牌预警")),
                ("overdue_at", models.DateTimeField(blank=True, null=True, verbose_name="红牌超期")),
                ("resolved_at", models.DateTimeField(blank=True, null=True, verbose_name="办结时间")),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="销号时间")),
                ("resolution", models.TextField(blank=True, verbose_name="办理结果")),
                ("reject_reason", models.TextField(blank=True, verbose_name="不予受理理由")),
                ("suspended", models.BooleanField(default=False, verbose_name="缓办")),
                ("suspended_until", models.DateTimeField(blank=True, null=True, verbose_name="缓办至")),
                ("supervised", models.BooleanField(default=False, verbose_name="督办")),
                (
                    "rating",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "未评价"),
                            ("satisfied", "满意"),
                            ("basic", "基本满意"),
                            ("unsatisfied", "不满意"),
                        ],
                        default="",
                        max_length=16,
                        verbose_name="评价",
                    ),
                ),
                ("rating_note", models.TextField(blank=True, verbose_name="评价意见")),
                (
                    "solved",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "未回答"),
                            ("solved", "已解决"),
                            ("partly", "部分解决"),
                            ("unsolved", "未解决"),
                        ],
                        default="",
                        max_length=16,
                        verbose_name="是否解决",
                    ),
                ),
                ("visit_tries", models.PositiveSmallIntegerField(default=0, verbose_name="回访未接通次数")),
                ("unreachable", models.BooleanField(default=False, verbose_name="回访联系不上")),
                ("responded_on_time", models.BooleanField(blank=True, null=True, verbose_name="按时响应")),
                ("ever_late", models.BooleanField(default=False, verbose_name="曾超期办结")),
                ("reopen_count", models.PositiveSmallIntegerField(default=0, verbose_name="重办次数")),
                ("rework_count", models.PositiveSmallIntegerField(default=0, verbose_name="返工次数")),
                ("return_count", models.PositiveSmallIntegerField(default=0, verbose_name="退单次数")),
                ("version", models.PositiveIntegerField(default=1)),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="提交时间"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "assignee_company",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.propertycompany",
                    ),
                ),
                (
                    "assignee_department",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.department",
                    ),
                ),
                (
                    "assignee_node",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
                (
                    "assignee_user",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "building",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.building",
                    ),
                ),
                (
                    "community",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
                (
                    "dispatched_by",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "grid",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.orgnode",
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.household",
                    ),
                ),
                (
                    "merged_into",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged",
                        to="appeals.appeal",
                        verbose_name="并入",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "submitter",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appeals",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appeals",
                        to="appeals.category",
                        verbose_name="分类",
                    ),
                ),
                (
                    "invalid_kind",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="appeals.invalidkind",
                        verbose_name="无效诉求类型",
                    ),
                ),
            ],
            options={
                "verbose_name": "诉求",
                "verbose_name_plural": "诉求",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("building__isnull", False)),
                        fields=["building"],
                        name="appeal_building",
                    ),
                    models.Index(
                        condition=models.Q(("household__isnull", False)),
                        fields=["household"],
                        name="appeal_household",
                    ),
                    models.Index(
                        condition=models.Q(("merged_into__isnull", False)),
                        fields=["merged_into"],
                        name="appeal_merged_into",
                    ),
                    models.Index(
                        condition=models.Q(("invalid_kind__isnull", False)),
                        fields=["invalid_kind"],
                        name="appeal_invalid_kind",
                    ),
                    models.Index(
                        condition=models.Q(("dispatched_by__isnull", False)),
                        fields=["dispatched_by"],
                        name="appeal_dispatched_by",
                    ),
                    models.Index(
                        condition=models.Q(("resolved_by__isnull", False)),
                        fields=["resolved_by"],
                        name="appeal_resolved_by",
                    ),
                    models.Index(
                        condition=models.Q(("entered_by__isnull", False)),
                        fields=["entered_by"],
                        name="appeal_entered_by",
                    ),
                    models.Index(
                        condition=models.Q(("contact_phone_index", ""), _negated=True),
                        fields=["contact_phone_index"],
                        name="appeal_phone",
                    ),
                    models.Index(fields=["path"], name="appeal_path", opclasses=["varchar_pattern_ops"]),
                    models.Index(fields=["status", "community"], name="appeal_status_community"),
                    models.Index(
                        condition=models.Q(("assignee_user__isnull", False)),
                        fields=["assignee_user", "status"],
                        name="appeal_assignee_user",
                    ),
                    models.Index(
                        condition=models.Q(("assignee_department__isnull", False)),
                        fields=["assignee_department", "status"],
                        name="appeal_assignee_dept",
                    ),
                    models.Index(
                        condition=models.Q(("assignee_company__isnull", False)),
                        fields=["assignee_company", "status"],
                        name="appeal_assignee_company",
                    ),
                    models.Index(
                        condition=models.Q(("assignee_node__isnull", False)),
                        fields=["assignee_node"],
                        name="appeal_assignee_node",
                    ),
                    models.Index(
                        condition=models.Q(("assignee_company__isnull", False)),
                        fields=["assignee_company", "created_at"],
                        name="appeal_company_filed",
                    ),
                    models.Index(
                        condition=models.Q(("assignee_company__isnull", False)),
                        fields=["assignee_company", "deadline"],
                        name="appeal_company_due",
                    ),
                    models.Index(
                        condition=models.Q(("submitter__isnull", False)),
                        fields=["submitter", "created_at"],
                        name="appeal_submitter",
                    ),
                    models.Index(fields=["category", "status", "lat"], name="appeal_nearby"),
                    models.Index(
                        condition=models.Q(("unplaced", True)), fields=["created_at"], name="appeal_unplaced"
                    ),
                    models.Index(
                        condition=models.Q(
                            (
                                "status__in",
                                ("accepted", "pooled", "dispatched", "returned", "in_progress", "reopened"),
                            ),
                            ("suspended", False),
                            ("warned_at__isnull", True),
                        ),
                        fields=["warn_at"],
                        name="appeal_sweep_warn",
                    ),
                    models.Index(
                        condition=models.Q(
                            ("overdue_at__isnull", True),
                            (
                                "status__in",
                                ("accepted", "pooled", "dispatched", "returned", "in_progress", "reopened"),
                            ),
                            ("suspended", False),
                        ),
                        fields=["deadline"],
                        name="appeal_sweep_overdue",
                    ),
                    models.Index(
                        condition=models.Q(("suspended", True)),
                        fields=["suspended_until"],
                        name="appeal_sweep_resume",
                    ),
                    models.Index(
                        condition=models.Q(
                            (
                                "status__in",
                                ("accepted", "pooled", "dispatched", "returned", "in_progress", "reopened"),
                            ),
                            ("suspended", False),
                        ),
                        fields=["deadline", "-id"],
                        include=("path", "warn_at"),
                        name="appeal_timed_deadline",
                    ),
                    models.Index(
                        condition=models.Q(
                            (
                                "status__in",
                                ("accepted", "pooled", "dispatched", "returned", "in_progress", "reopened"),
                            ),
                            ("suspended", False),
                        ),
                        fields=["warn_at"],
                        include=("path", "deadline"),
                        name="appeal_timed_warn",
                    ),
                    models.Index(
                        condition=models.Q(
                            (
                                "status__in",
                                ("accepted", "pooled", "dispatched", "returned", "in_progress", "reopened"),
                            ),
                            ("suspended", False),
                        ),
                        fields=["path", "deadline"],
                        name="appeal_timed_path",
                        opclasses=["varchar_pattern_ops", "timestamptz_ops"],
                    ),
                    models.Index(
                        condition=models.Q(
                            (
                                "status__in",
                                ("accepted", "pooled", "dispatched", "returned", "in_progress", "reopened"),
                            ),
                            ("suspended", False),
                            ("assignee_department__isnull", False),
                        ),
                        fields=["assignee_department", "deadline"],
                        name="appeal_timed_dept",
                    ),
                    models.Index(
                        condition=models.Q(
                            models.Q(("status__in", ("rejected", "closed", "merged")), _negated=True),
                            ("assignee_node__isnull", False),
                        ),
                        fields=["assignee_node", "deadline"],
                        name="appeal_open_node",
                    ),
                    models.Index(
                        condition=models.Q(
                            models.Q(("status__in", ("rejected", "closed", "merged")), _negated=True),
                            ("assignee_user__isnull", False),
                        ),
                        fields=["assignee_user", "deadline"],
                        name="appeal_open_user",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("idempotency_key", ""), _negated=True),
                        fields=("idempotency_scope", "idempotency_key"),
                        name="appeal_idempotency",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("hotline_case_number__isnull", False)),
                        fields=("hotline_case_number",),
                        name="appeal_hotline_case",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "merged"), _negated=True),
                            ("merged_into__isnull", False),
                            _connector="OR",
                        ),
                        name="appeal_merged_has_main",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AppealPhoto",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[("intake", "反映时"), ("resolution", "办结佐证"), ("verification", "核实")],
                        default="intake",
                        max_length=16,
                    ),
                ),
                ("file", models.FileField(upload_to="appeals/%Y/%m/")),
                ("content_type", models.CharField(max_length=32)),
                ("size", models.PositiveIntegerField()),
                ("width", models.PositiveIntegerField()),
                ("height", models.PositiveIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "appeal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="photos",
                        to="appeals.appeal",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "诉求照片",
                "verbose_name_plural": "诉求照片",
                "ordering": ["appeal_id", "id"],
            },
        ),
        migrations.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=32)),
                ("text", models.CharField(max_length=300)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                (
                    "appeal",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="appeals.appeal",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "通知",
                "verbose_name_plural": "通知",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["user", "read_at", "created_at"], name="notification_inbox")
                ],
            },
        ),
        migrations.CreateModel(
            name="Summons",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[("lead", "主办"), ("assist", "协办")], max_length=8, verbose_name="角色"
                    ),
                ),
                ("part", models.TextField(blank=True, verbose_name="承办内容")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("summoned", "待报到"),
                            ("reported", "已报到"),
                            ("done", "已完成"),
                            ("cancelled", "已撤回"),
                        ],
                        default="summoned",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("due_at", models.DateTimeField(verbose_name="报到时限")),
                ("due_workdays", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("due_provisional", models.BooleanField(default=False, verbose_name="时限暂定")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("reported_at", models.DateTimeField(blank=True, null=True)),
                ("done_at", models.DateTimeField(blank=True, null=True)),
                ("result", models.TextField(blank=True, verbose_name="办理情况")),
                ("reminded_at", models.DateTimeField(blank=True, null=True)),
                (
                    "appeal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="summonses",
                        to="appeals.appeal",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="summonses",
                        to="registry.department",
                    ),
                ),
                (
                    "reported_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "summoned_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "吹哨报到",
                "verbose_name_plural": "吹哨报到",
                "ordering": ["appeal_id", "id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("reminded_at__isnull", True), ("status", "summoned")),
                        fields=["due_at"],
                        name="summons_sweep_due",
                    ),
                    models.Index(fields=["department", "status"], name="summons_department"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "cancelled"), _negated=True),
                        fields=("appeal", "department"),
                        name="summons_one_per_department",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(
                            ("role", "lead"), models.Q(("status", "cancelled"), _negated=True)
                        ),
                        fields=("appeal",),
                        name="summons_one_lead",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Supervision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("note", models.TextField(verbose_name="督办意见")),
                ("due_at", models.DateTimeField(blank=True, null=True, verbose_name="督办时限")),
                ("due_days", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("due_provisional", models.BooleanField(default=False, verbose_name="时限暂定")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("reminded_at", models.DateTimeField(blank=True, null=True)),
                (
                    "appeal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="supervisions",
                        to="appeals.appeal",
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "督办",
                "verbose_name_plural": "督办",
                "ordering": ["appeal_id", "id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("reminded_at__isnull", True)),
                        fields=["due_at"],
                        name="supervision_sweep_due",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SuspensionRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(verbose_name="理由")),
                ("days", models.PositiveSmallIntegerField(verbose_name="工作日数")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "待审批"),
                            ("approved", "已同意"),
                            ("rejected", "已驳回"),
                            ("cancelled", "已撤销"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True, verbose_name="审批意见")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("waiting_path", models.CharField(blank=True, max_length=80)),
                ("waiting_role", models.CharField(blank=True, max_length=32)),
                ("escalate_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                (
                    "appeal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="appeals.appeal"
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "缓办申请",
                "verbose_name_plural": "缓办申请",
                "ordering": ["appeal_id", "id"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("appeal",),
                        name="suspension_one_pending",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AppealEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("actor_name", models.CharField(blank=True, max_length=150)),
                ("actor_role", models.CharField(blank=True, max_length=32)),
                (
                    "verb",
                    models.CharField(
                        choices=[
                            ("submit", "提交"),
                            ("accept", "受理"),
                            ("reject", "不予受理"),
                            ("dispatch", "派单"),
                            ("pool", "放入接单池"),
                            ("claim", "认领"),
                            ("return", "退单"),
                            ("start", "开始处置"),
                            ("resolve", "办结"),
                            ("verify", "核实通过"),
                            ("send_back", "返工"),
                            ("visit", "回访"),
                            ("visit_try", "回访未接通"),
                            ("rate", "评价"),
                            ("reopen", "重办"),
                            ("close", "销号"),
                            ("escalate", "升级"),
                            ("summon", "吹哨"),
                            ("report", "部门报到"),
                            ("finish_part", "完成承办部分"),
                            ("cancel_summons", "撤回吹哨"),
                            ("supervise", "督办"),
                            ("remind", "催办"),
                            ("merge", "并案"),
                            ("absorb", "合并重复诉求"),
                            ("request_extension", "申请延期"),
                            ("decide_extension", "审批延期"),
                            ("request_suspension", "申请缓办"),
                            ("decide_suspension", "审批缓办"),
                            ("cancel_request", "撤销延期/缓办申请"),
                            ("resume", "恢复办理"),
                            ("photo", "上传照片"),
                            ("warn", "黄牌预警"),
                            ("overdue", "红牌超期"),
                            ("summons_overdue", "部门报到超时"),
                            ("supervision_overdue", "督办到期"),
                            ("recompute", "时限重算"),
                            ("locate", "定位"),
                            ("return_to_city", "退回市级平台"),
                        ],
                        max_length=32,
                    ),
                ),
                ("from_status", models.CharField(blank=True, max_length=16)),
                ("to_status", models.CharField(blank=True, max_length=16)),
                ("note", models.TextField(blank=True)),
                (
                    "note_visibility",
                    models.CharField(
                        choices=[("internal", "内部"), ("resident", "居民可见")],
                        default="internal",
                        max_length=16,
                        verbose_name="备注可见范围",
                    ),
                ),
                ("data", models.JSONField(blank=True, default=dict)),
                ("version", models.PositiveIntegerField(help_text="the appeal's version after this event")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "appeal",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="appeals.appeal",
                    ),
                ),
            ],
            options={
                "verbose_name": "诉求办理记录",
                "verbose_name_plural": "诉求办理记录",
                "ordering": ["appeal_id", "id"],
                "indexes": [models.Index(fields=["appeal", "version"], name="appeal_event_version")],
            },
        ),
        migrations.CreateModel(
            name="ExtensionRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(verbose_name="理由")),
                ("days", models.PositiveSmallIntegerField(verbose_name="工作日数")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "待审批"),
                            ("approved", "已同意"),
                            ("rejected", "已驳回"),
                            ("cancelled", "已撤销"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True, verbose_name="审批意见")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("waiting_path", models.CharField(blank=True, max_length=80)),
                ("waiting_role", models.CharField(blank=True, max_length=32)),
                ("escalate_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                (
                    "appeal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="appeals.appeal"
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "延期申请",
                "verbose_name_plural": "延期申请",
                "ordering": ["appeal_id", "id"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("appeal",),
                        name="extension_one_pending",
                    )
                ],
            },
        ),
        migrations.RunPython(seed, unseed),
        migrations.RunPython(seed_invalid_kinds, migrations.RunPython.noop),
        refdata.install("appeals_category"),
        migrations.RunPython(drop_like, migrations.RunPython.noop),
    ]
