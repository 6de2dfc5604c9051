"""A realistic starting taxonomy; administrators edit it afterwards (the admin site, later a page).

Time limits follow the practice quoted in docs: emergencies on the clock in hours (12345: danger
to life 2 h; water, power, gas 24 h), urgent cases in office hours (GB/T 30428 紧急工作时),
general cases 3–5 working days, complex ones (disputes, construction, allowances) 10–15.
"""

from django.db import migrations

WD, WH, H = "workdays", "work_hours", "hours"
GRID, COMM, DEPT, PROP = "grid", "community", "department", "property"
N, U, E = "normal", "urgent", "emergency"

GENERIC = "您反映的“{title}”（编号 {number}）已办理：【办理情况】。感谢您对社区工作的支持，欢迎对办理结果进行评价。"

# (code, name, value, unit, urgency, handler, auto_escalate, [children with the same fields])
TAXONOMY = [
    ("01", "物业服务", 5, WD, N, PROP, False, [
        ("0101", "物业服务质量", 5, WD, N, PROP, False),
        ("0102", "电梯故障", 8, WH, U, PROP, True),
        ("0103", "电梯困人", 1, H, E, PROP, True),
        ("0104", "公共设施维修（楼道灯、门禁、单元门）", 3, WD, N, PROP, False),
        ("0105", "物业收费争议", 10, WD, N, PROP, False),
        ("0106", "小区绿化养护", 5, WD, N, PROP, False),
        ("0107", "二次供水设施", 3, WD, N, PROP, False),
    ]),
    ("02", "停车管理", 5, WD, N, COMM, False, [
        ("0201", "小区停车秩序", 5, WD, N, PROP, False),
        ("0202", "占用消防通道停车", 4, WH, U, COMM, True),
        ("0203", "僵尸车清理", 10, WD, N, COMM, False),
        ("0204", "充电桩安装", 15, WD, N, PROP, False),
        ("0205", "道路违停", 3, WD, N, DEPT, False),
    ]),
    ("03", "噪音扰民", 3, WD, N, COMM, False, [
        ("0301", "施工噪音", 3, WD, N, DEPT, True),
        ("0302", "商业经营噪音", 3, WD, N, DEPT, False),
        ("0303", "邻里生活噪音", 5, WD, N, GRID, False),
        ("0304", "广场舞噪音", 5, WD, N, COMM, False),
    ]),
    ("04", "环境卫生", 3, WD, N, COMM, False, [
        ("0401", "垃圾清运不及时", 2, WD, N, COMM, True),
        ("0402", "楼道堆物", 3, WD, N, GRID, False),
        ("0403", "垃圾分类", 5, WD, N, COMM, False),
        ("0404", "公厕卫生", 3, WD, N, DEPT, False),
        ("0405", "病媒生物（鼠患、蚊蝇）", 5, WD, N, COMM, False),
        ("0406", "污水外溢", 8, WH, U, DEPT, True),
    ]),
    ("05", "消防隐患", 1, WD, U, GRID, True, [
        ("0501", "电动车违规充电", 8, WH, U, GRID, True),
        ("0502", "消防设施损坏", 3, WD, N, PROP, True),
        ("0503", "楼道杂物堵塞", 1, WD, U, GRID, True),
        ("0504", "违规用火用电", 4, WH, U, GRID, True),
    ]),
    ("06", "邻里纠纷", 10, WD, N, GRID, False, [
        ("0601", "漏水纠纷", 10, WD, N, GRID, False),
        ("0602", "宠物饲养", 5, WD, N, GRID, False),
        ("0603", "采光通风与加装电梯纠纷", 15, WD, N, COMM, False),
        ("0604", "家庭矛盾", 10, WD, N, GRID, False),
        ("0605", "公共空间占用", 5, WD, N, GRID, False),
    ]),
    ("07", "供暖", 2, WD, U, DEPT, True, [
        ("0701", "暖气不热", 2, WD, U, DEPT, True),
        ("0702", "供暖管道漏水", 8, WH, U, DEPT, True),
        ("0703", "供暖收费", 10, WD, N, DEPT, False),
    ]),
    ("08", "供水、供电、燃气", 24, H, U, DEPT, True, [
        ("0801", "停水", 24, H, U, DEPT, True),
        ("0802", "水质问题", 3, WD, N, DEPT, False),
        ("0803", "停电", 24, H, U, DEPT, True),
        ("0804", "燃气泄漏", 2, H, E, DEPT, True),
        ("0805", "供水管道破裂", 4, H, E, DEPT, True),
        ("0806", "燃气、水电表计与缴费", 5, WD, N, DEPT, False),
    ]),
    ("09", "养老服务", 5, WD, N, COMM, False, [
        ("0901", "独居老人关爱", 3, WD, N, GRID, True),
        ("0902", "居家养老服务", 5, WD, N, COMM, False),
        ("0903", "高龄补贴", 10, WD, N, DEPT, False),
        ("0904", "老年助餐", 5, WD, N, COMM, False),
    ]),
    ("10", "市容秩序", 3, WD, N, DEPT, False, [
        ("1001", "占道经营", 3, WD, N, DEPT, False),
        ("1002", "乱贴乱画小广告", 3, WD, N, COMM, False),
        ("1003", "户外广告牌安全", 8, WH, U, DEPT, True),
        ("1004", "流动摊贩", 3, WD, N, DEPT, False),
    ]),
    ("11", "违章建设", 10, WD, N, DEPT, True, [
        ("1101", "私搭乱建", 10, WD, N, DEPT, True),
        ("1102", "装修破坏承重结构", 2, WD, U, DEPT, True),
        ("1103", "毁绿占绿", 10, WD, N, DEPT, False),
    ]),
    ("12", "道路设施", 5, WD, N, DEPT, False, [
        ("1201", "路面破损", 5, WD, N, DEPT, False),
        ("1202", "井盖缺失破损", 4, H, E, DEPT, True),
        ("1203", "路灯不亮", 3, WD, N, DEPT, False),
        ("1204", "道路积水", 8, WH, U, DEPT, True),
    ]),
    ("13", "民政与社会保障", 10, WD, N, COMM, False, [
        ("1301", "低保与救助", 10, WD, N, DEPT, False),
        ("1302", "残疾人服务", 5, WD, N, COMM, False),
        ("1303", "就业服务", 5, WD, N, COMM, False),
        ("1304", "退役军人服务", 5, WD, N, COMM, False),
    ]),
    ("14", "治安安全", 3, WD, N, DEPT, False, [
        ("1401", "治安隐患", 3, WD, N, DEPT, True),
        ("1402", "群租房", 5, WD, N, COMM, False),
    ]),
    ("15", "咨询建议", 3, WD, N, COMM, False, [
        ("1501", "政策咨询", 3, WD, N, COMM, False),
        ("1502", "意见建议", 5, WD, N, COMM, False),
    ]),
    ("99", "其他", 5, WD, N, COMM, False, [
        ("9901", "其他事项", 5, WD, N, COMM, False),
    ]),
]


def seed(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")

    def make(code, name, value, unit, urgency, handler, auto, parent=None, sort=0):
        return Category.objects.get_or_create(code=code, defaults={
            "name": name, "deadline_value": value, "deadline_unit": unit, "urgency": urgency,
            "default_handler_kind": handler, "auto_escalate": auto, "parent": parent, "sort": sort,
            "response_template": GENERIC if parent is None else "",
            "duplicate_radius_m": 50 if handler == GRID else 100,
        })[0]

    for i, (code, name, value, unit, urgency, handler, auto, children) in enumerate(TAXONOMY):
        parent = make(code, name, value, unit, urgency, handler, auto, sort=i)
        for j, child in enumerate(children):
            make(*child, parent=parent, sort=j)


def unseed(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")
    codes = [c[0] for parent in TAXONOMY for c in parent[7]]
    Category.objects.filter(code__in=codes).delete()
    Category.objects.filter(code__in=[p[0] for p in TAXONOMY]).delete()


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
