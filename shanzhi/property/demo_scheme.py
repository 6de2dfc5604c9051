"""Demo data for red property: a district scheme of 16 items and 95 indicators (the size of
Saihan's Longfeng compound assessment), two half-year periods, every company inspected and rated,
both periods scored through the run, and the quarters since then published as disclosures.
Written through the services; deterministic for ``rng``."""

import datetime

from django.utils import timezone

from shanzhi.accounts.models import Role, RoleGrant
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import PropertyCompany

from .models import Disclosure, Indicator
from .services import disclosures, evaluations, lists, schemes

P, D, V = "points", "deduction", "veto"
# (item, [(indicator, rule, source, points)]): 86 staff-scored indicators of 1 point, three veto
# items, and 14 points from the appeal loop, the residents and the community: 100 in all.
ITEMS = [
    (
        "综合管理",
        [
            "物业服务合同备案",
            "项目负责人持证上岗",
            "管理制度健全",
            "服务档案完整",
            "员工统一着装",
            "服务中心公示信息",
            "年度服务计划",
            "服务质量自查记录",
        ],
    ),
    (
        "房屋管理",
        [
            "房屋外观完好",
            "共用部位巡查",
            "违章搭建及时劝阻上报",
            "屋面防水检查",
            "楼道无堆物",
            "门禁完好",
            "房屋维修及时",
        ],
    ),
    (
        "共用设施设备",
        [
            "供水设施运行正常",
            "排水管道通畅",
            "二次供水水质检测",
            "公共照明完好",
            "监控系统运行",
            "设备房管理规范",
            "设施设备台账",
            "维修资金使用公示",
        ],
    ),
    ("电梯管理", ["电梯年检合格", "维保记录完整", "电梯困人救援演练", "轿厢卫生整洁", "应急电话畅通"]),
    (
        "秩序维护",
        [
            "门岗24小时值守",
            "外来人员登记",
            "夜间巡逻记录",
            "监控值班记录",
            "快递外卖管理",
            "可疑情况报告",
            "出入口秩序良好",
        ],
    ),
    (
        "消防安全",
        [
            "消防通道畅通",
            "消防设施完好",
            "电动车集中充电管理",
            "消防演练每半年一次",
            "微型消防站配备",
            "消防巡查记录",
        ],
    ),
    (
        "保洁",
        [
            "公共区域日常保洁",
            "垃圾分类投放点管理",
            "垃圾日产日清",
            "楼道每周清洁",
            "化粪池定期清掏",
            "病媒生物防制",
        ],
    ),
    ("绿化", ["绿地养护", "树木修剪", "病虫害防治", "绿地无毁绿占绿", "补植补种"]),
    ("车辆停放", ["车辆有序停放", "充电设施管理", "僵尸车清理", "停车收费公示", "非机动车棚管理"]),
    ("装饰装修管理", ["装修登记", "装修巡查", "装修垃圾清运", "违规装修制止上报", "装修时间管理"]),
    (
        "收费公示",
        ["收费标准公示", "公共收益公示", "年度收支公示", "按合同标准收费", "催费方式文明", "物业费发票开具"],
    ),
    ("投诉处理", ["投诉渠道公示", "投诉记录完整", "回访记录"]),
    ("居民满意度", []),
    (
        "党建引领",
        [
            "成立党组织或党建联络员",
            "党员亮身份",
            "参与社区党建联席会议",
            "党员先锋岗",
            "红色物业服务站",
            "开展主题党日活动",
        ],
    ),
    ("社区共治", ["参加铁三角联席会议", "配合社区工作", "业委会沟通机制", "志愿服务活动"]),
    ("应急管理", ["应急预案", "防汛物资储备", "极端天气应对", "停水停电通知及时", "疫情等突发事件配合"]),
]
EXTRA = {
    "消防安全": [("重大消防安全责任事故", V, "inspection", "0")],
    "收费公示": [("违规收费被查处", V, "inspection", "0")],
    "投诉处理": [
        ("每百户投诉量", D, "complaints", "3"),
        ("按期办结率", P, "on_time", "3"),
        ("诉求满意率", P, "satisfaction", "3"),
    ],
    "居民满意度": [("居民评价", P, "residents", "3")],
    "社区共治": [("社区居委会意见", P, "opinion", "1"), ("业委会意见", P, "opinion", "1")],
    "应急管理": [("引发群体性事件", V, "inspection", "0")],
}


def _district_staff(district):
    grant = RoleGrant.objects.filter(node=district, role=Role.DISTRICT_STAFF).select_related("user").first()
    return grant.user if grant else None


def build_scheme(district, by, effective_from):
    version = schemes.create_scheme(
        district, name="物业服务质量考核（十六项九十五条）", effective_from=effective_from, by=by
    )
    for name, plain in ITEMS:
        item = schemes.add_item(version, name=name, by=by)
        for ind in plain:
            schemes.add_indicator(item, name=ind, rule=P, source="inspection", max_points="1", by=by)
        for ind, rule, source, points in EXTRA.get(name, []):
            extra = {"deduction": "0.5"} if rule == D else {}
            schemes.add_indicator(item, name=ind, rule=rule, source=source, max_points=points, by=by, **extra)
    return schemes.publish(version, by=by)


def seed(district, rng):
    by = _district_staff(district)
    if by is None:
        return {"companies": 0}
    today = timezone.localdate()
    current = datetime.date(today.year, 1 if today.month <= 6 else 7, 1)
    previous = (
        datetime.date(current.year - 1, 7, 1) if current.month == 1 else datetime.date(current.year, 1, 1)
    )
    version = build_scheme(district, by, datetime.date(previous.year, 1, 1))
    staff_inds = list(
        Indicator.objects.filter(item__version=version, source__in=("inspection", "opinion")).order_by("pk")
    )
    companies = list(PropertyCompany.objects.filter(district=district).order_by("pk"))
    residents = list(
        RoleGrant.objects.filter(role=Role.RESIDENT, resident__isnull=False).select_related("user")[:200]
    )
    out = {"indicators": len(staff_inds) + 8, "companies": len(companies)}
    for starts_on in (previous, current):
        period = evaluations.open_period(district, kind="half", starts_on=starts_on, by=by)
        for k, company in enumerate(companies):
            quality = rng.choice([0.97, 0.9, 0.82, 0.7, 0.5]) if k else 0.95
            for ind in staff_inds:
                if ind.rule == V:
                    value = "1" if (quality < 0.6 and ind.name.startswith("违规收费")) else "0"
                else:
                    value = "1" if rng.random() < quality else rng.choice(["0", "0.5"])
                evaluations.enter(company, period, ind, value=value, note="", by=by)
        for g in residents:
            try:
                evaluations.rate(period, stars=str(rng.choice([3, 4, 4, 5, 5])), by=g.user)
            except DomainError:  # a home without a property company has nobody to rate
                continue
        run = evaluations.start_run(period, by=by)
        evaluations.run(run)  # the worker would; a demo seed does not wait for one
    # Last half-year's red and black lists, proposed by the district and approved by a street;
    # this half-year's proposal waits for the street. The quarters are disclosed.
    lists.set_rules(
        district,
        red_top_n="3",
        red_min_score="85",
        black_bottom_n="2",
        black_below="70",
        veto_black=True,
        by=by,
    )
    approver = (
        RoleGrant.objects.filter(role=Role.STREET_STAFF, node__parent=district).select_related("user").first()
    )
    for starts_on in (previous, current):
        period = evaluations.open_period(district, kind="half", starts_on=starts_on, by=by)
        try:
            standing = lists.propose(period, by=by)
        except DomainError:
            continue
        if starts_on == previous and approver:
            lists.approve(standing, by=approver.user)
            out["lists"] = out.get("lists", 0) + 1
    # Quarterly disclosure: each quarter the demo has data for (from the previous half-year on)
    # that has ended is published, as the district (or the schedule) would have; this quarter is
    # open and unpublished.
    quarter = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    evaluations.open_period(district, kind="quarter", starts_on=quarter, by=by)
    q = previous
    while q < quarter:
        period = evaluations.open_period(district, kind="quarter", starts_on=q, by=by)
        if not Disclosure.objects.filter(period=period).exists():
            disclosures.publish(period, by=by)
            out["disclosures"] = out.get("disclosures", 0) + 1
        q = datetime.date(q.year + (q.month == 10), (q.month + 2) % 12 + 1, 1)
    return out
