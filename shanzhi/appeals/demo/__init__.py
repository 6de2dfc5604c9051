"""Demo appeals for ``seed_demo``, written through the services: ``seed(district, rng)``.

Per community, a fixed mix of stories (so every worklist tab and the metrics page have something
to show), shuffled by ``rng``: appeals still waiting to be accepted, rejected ones, pooled ones,
ones in hand (some overdue, some in the warning band, some with a pending or approved extension,
suspended, supervised, escalated, with a department summoned), resolved, verified, visited,
closed (satisfied or not, some reopened first) and merged duplicates. Deterministic for a given
``rng``, spread over the last ``days`` days.

Time: the services stamp ``timezone.now()`` and take no clock, and the demo must not travel in
time. So each story is played now and then *moved back* with queryset updates, in this module
only: its events get plausible times after the chosen filing moment (hours to accept, days to
fix …), every other timestamp of the appeal and its rows follows the event it was written with,
the deadline is recomputed from the moved clock start, and numbers are reissued for their filing
day. The rollup the metrics read is rebuilt for the period at the end. A deadline is computed
only at acceptance time *now* (then recomputed for an earlier start), and categories of at most
10 working days are used; one that reaches a year whose holiday notice is not entered is
provisional (暂定), like any other, so the demo seeds the same on every day of the year.
"""

import datetime as dt
from collections import Counter

from django.utils import timezone

from shanzhi.accounts.models import Role, RoleGrant
from shanzhi.core import workdays
from shanzhi.core.errors import DomainError
from shanzhi.registry.demo import DEMO_DEPARTMENT
from shanzhi.registry.models import OrgNode

from .. import rollups, services
from ..models import Appeal, AppealEvent, Category, InvalidKind, MetricsRules
from . import timeline
from .hotline import hotline_stories

H = dt.timedelta(hours=1)
# Reports from another system whose address the registry cannot place: they wait in the 待定位
# queue of the district's and streets' dispatchers (issue 12 §3).
UNPLACED = [
    ("0401", "光明路与振兴路路口公交站旁垃圾满溢", "公交站旁的垃圾桶满了两天，周边散落垃圾。"),
    ("0104", "龙山路北段桥下路灯不亮", "桥下一段路灯全部不亮，夜间行人看不清路。"),
]
PROBLEMS = [
    ("0402", "楼道堆放杂物", "单元楼道里堆满纸箱和旧家具，影响通行，存在消防隐患。"),
    ("0303", "楼上夜间噪音", "楼上住户每天夜里十二点后仍有很大的响动，影响休息。"),
    ("0401", "垃圾清运不及时", "小区垃圾桶已经满溢两天，无人清运，气味很大。"),
    ("0104", "楼道灯不亮", "三单元楼道灯坏了一周，老人晚上上下楼不方便。"),
    ("0203", "僵尸车长期占用车位", "一辆落满灰尘的轿车停在小区路边半年多无人挪动。"),
    ("0601", "楼上漏水", "卫生间顶棚渗水，楼上住户不配合检查。"),
    ("0602", "宠物扰民", "邻居家的狗经常在楼道便溺，多次沟通无果。"),
    ("0301", "工地夜间施工", "附近工地晚上十点后仍在施工，噪音很大。"),
    ("0501", "电动车楼道充电", "有住户从窗户拉线给楼道里的电动车充电。"),
    ("0205", "路口违停严重", "小区门口路口经常有车辆违停，早晚高峰堵塞。"),
    ("0403", "垃圾分类桶站脏乱", "分类桶站周边污水横流，没有定期清洗。"),
    ("0605", "公共空间被占用", "有住户在楼下公共绿地私自圈地种菜。"),
]
# The seeded taxonomy's entries PROBLEMS uses (code, name, working days, handler), for tests that
# run without the seeding migration's rows.
PROBLEMS_CATEGORIES = [
    ("0402", "楼道堆物", 3, "grid"),
    ("0303", "邻里生活噪音", 5, "grid"),
    ("0401", "垃圾清运不及时", 2, "community"),
    ("0104", "公共设施维修", 3, "property"),
    ("0203", "僵尸车清理", 10, "community"),
    ("0601", "漏水纠纷", 10, "grid"),
]
# Invalid refusals (kind code, the reason the resident reads).
INVALID_STORIES = [
    ("consult", "来电咨询垃圾分类时间，已当场答复。"),
    ("duplicate", "与已受理的同一问题重复反映，并入原诉求跟进。"),
]
# The return visit's two answers (是否解决, 满意度), most of them good, as in the districts' reports.
ANSWERS = [
    ("solved", "satisfied"),
    ("solved", "satisfied"),
    ("solved", "satisfied"),
    ("solved", "basic"),
    ("partly", "basic"),
    ("partly", "satisfied"),
]
# The mix per community at the base volume (30); larger volumes repeat it in proportion.
MIX = [
    ("submitted", 3),
    ("rejected", 1),
    ("invalid", 2),  # 不予受理 with an invalid kind: out of every denominator
    ("ruled_out", 1),  # accepted, then found out of scope (不予受理 after acceptance)
    ("accepted", 2),
    ("pooled", 2),
    ("dispatched", 2),
    ("overdue", 3),
    ("warning", 2),
    ("extension", 1),
    ("suspended", 1),
    ("supervised", 1),
    ("summoned", 1),
    ("escalated", 1),
    ("resolved", 2),
    ("verified", 1),
    ("visited", 1),
    ("closed", 5),
    ("unreachable", 1),  # the return visit reached nobody: closed as unreachable
    ("reopened", 1),
    ("merged", 1),
    ("self_handled", 2),
]
# Issue 13 §5 and §8: categories a grid worker may settle on the spot (网格发现、就地解决), and
# ones whose 办结 needs a photo of the fix. Set by the system administrator through the service.
SELF_HANDLE_CODES = ("0402", "0503", "1002")
EVIDENCE_CODES = ("0503", "1002", "1202", "0502")


def _first(role, **scope):
    grant = (
        RoleGrant.objects.filter(role=role, user__is_active=True, **scope)
        .select_related("user")
        .order_by("id")
    )
    return grant.first().user if grant.exists() else None


def _people(community, district):
    grids = list(OrgNode.objects.filter(parent=community, level="grid").order_by("path"))
    workers = {g.pk: _first(Role.GRID_WORKER, node=g) for g in grids}
    street = OrgNode.objects.get(pk=community.parent_id)
    handlers = RoleGrant.objects.filter(role=Role.DEPARTMENT_HANDLER, department__district=district)
    handlers = handlers.select_related("user", "department").order_by("id")
    handler = handlers.filter(department__name=DEMO_DEPARTMENT).first() or handlers.first()
    return {
        "grids": [g for g in grids if workers[g.pk] is not None],
        "workers": workers,
        "staff": _first(Role.COMMUNITY_STAFF, node=community),
        "secretary": _first(Role.COMMUNITY_SECRETARY, node=community),
        "street": _first(Role.STREET_STAFF, node=street),
        "leader": _first(Role.DISTRICT_LEADER, node=district),
        "handler": handler.user if handler else None,
        "department": handler.department if handler else None,
    }


def _play(kind, p, category, grid, rng, n, community, main=None):
    """One story through the services, now; returns the appeal."""
    staff, worker = p["staff"], p["workers"][grid.pk]
    code, title, text = n
    key = f"demo-{community.code}-{code}-{rng.random():.8f}"
    if kind == "self_handled" or rng.random() < 0.5:
        a = services.submit(
            by=worker,
            channel="patrol",
            title=title,
            description=text,
            category=category,
            node=grid,
            idempotency_key=key,
        )
    else:
        # A caller who cannot say which grid: the community dispatches (only for stories that do
        # not go to a grid worker, whose scope is the grid).
        unplaced = (
            kind in ("submitted", "rejected", "invalid", "accepted", "pooled", "merged")
            and rng.random() < 0.5
        )
        a = services.submit(
            by=staff,
            channel="on_behalf",
            title=title,
            description=text,
            category=category,
            node=community if unplaced else grid,
            contact_name="来电居民",
            contact_phone=f"139{rng.randrange(10**8):08d}",  # synthetic: 139 and eight random digits
            idempotency_key=key,
        )
    if kind == "submitted":
        return a
    if kind == "self_handled":
        a = services.self_handle(a, by=worker, result="巡查时发现，已当场清理，楼道恢复通畅。")
        return services.verify(a, by=staff, note="复查无误") if rng.random() < 0.5 else a
    if kind == "merged":
        return services.merge(a, into=main, by=staff, note="同一问题，并案办理")
    if kind == "rejected":
        return services.reject(a, by=staff, reason="经现场核实，反映情况不属实。")
    if kind == "invalid":
        code, reason = rng.choice(INVALID_STORIES)
        kind_row = InvalidKind.objects.filter(code=code, active=True).first()
        return services.reject(a, by=staff, reason=reason, kind=kind_row)
    a = services.accept(a, by=staff)
    if kind == "accepted":
        return a
    if kind == "pooled":
        return services.dispatch(a, by=staff, to_pool=True, note="全员接单")
    if kind == "summoned" and p["department"] is not None:
        summons = services.summon(
            a, by=staff, lead=p["department"], within_workdays=2, note="需部门协同处置"
        )[0]
        if rng.random() < 0.5:
            services.report(summons, by=p["handler"], note="已报到，安排人员现场查看")
        return Appeal.objects.get(pk=a.pk)
    # One note for the worker only, one the resident is told (issue 13 §7).
    a = services.dispatch(a, by=staff, to_user=worker, note="请尽快上门，反映人多次来电，注意沟通方式")
    if kind == "dispatched":
        return a
    if kind == "ruled_out":
        out_of_scope = InvalidKind.objects.filter(code="out_of_scope", active=True).first()
        if out_of_scope is not None:
            return services.reject(
                a, by=staff, reason="经核实属于市场监管部门职责，已告知反映人向其反映。", kind=out_of_scope
            )
        return a
    a = services.start(a, by=worker, note="已联系反映人，约定今天下午上门查看", public=True)
    if kind == "extension":
        req = services.request_extension(a, by=worker, days=3, reason="需协调多户住户，时间不够")
        if rng.random() < 0.5:
            services.decide_extension(req, by=p["secretary"], approve=True, note="同意延期")
        return a
    if kind == "suspended":
        req = services.request_suspension(a, by=worker, days=5, reason="需等待维修资金审批")
        services.decide_suspension(req, by=p["secretary"], approve=True, note="同意缓办")
        return a
    if kind == "supervised" and p["street"] is not None:
        return services.supervise(a, by=p["street"], note="请加快办理，群众多次反映", due_days=3)
    if kind == "escalated":
        return services.escalate(a, by=worker, reason="涉及多个小区，需街道统筹")
    if kind in ("overdue", "warning", "supervised", "summoned"):
        return a
    a = services.resolve(a, by=worker, result="已到现场处理完毕，并向反映人说明情况。")
    if kind == "resolved":
        return a
    a = services.verify(a, by=staff, note="现场核实，问题已解决")
    if kind == "verified":
        return a
    if kind == "unreachable":
        for _try in range(MetricsRules.current().visit_max_tries):
            a = services.visit(a, by=p["secretary"], unreachable=True, note="电话无人接听")
        return a
    if kind == "reopened":
        a = services.visit(a, by=p["secretary"], solved="unsolved", rating="unsatisfied", note="问题反复出现")
        a = services.start(a, by=worker)
        if rng.random() < 0.5:  # still in hand: the 不满意 answer stands in the figures for now
            return a
        a = services.resolve(a, by=worker, result="再次上门处理，加装了提示牌并约谈住户。")
        a = services.verify(a, by=staff, note="复查通过")
    solved, rating = rng.choice(ANSWERS)
    a = services.visit(a, by=p["secretary"], solved=solved, rating=rating, note="电话回访")
    if kind == "visited":
        return a
    return services.close(a, by=staff)


def _flag_categories():
    """The demo's category flags, set by the system administrator (skipped without one)."""
    admin = _first(Role.SYSTEM_ADMIN)
    if admin is None:
        return
    for c in Category.objects.filter(code__in=SELF_HANDLE_CODES + EVIDENCE_CODES).order_by("code"):
        try:
            services.update_category(
                c,
                by=admin,
                grid_self_handle=c.code in SELF_HANDLE_CODES,
                evidence_required=c.code in EVIDENCE_CODES,
            )
        except DomainError:
            # A row the service would not accept as it stands (a department category while no
            # default department is set) stays unflagged rather than stop the seed.
            continue


def seed(district, rng, *, per_community=30, communities=None, days=60):
    """The demo's appeals, each story played through the services. The rollup cells the stories
    touch are refreshed once at the end rather than after every move (the figures are the same)."""
    with rollups.batched():
        return _seed(district, rng, per_community=per_community, communities=communities, days=days)


def _seed(district, rng, *, per_community, communities, days):
    _flag_categories()
    categories = {
        c.code: c
        for c in Category.objects.filter(
            active=True, parent__isnull=False, deadline_unit="workdays", deadline_value__lte=10
        )
    }
    problems = [p for p in PROBLEMS if p[0] in categories]
    counts = Counter()
    if not problems:
        return {"诉求": 0}
    now = timezone.now()
    cal = workdays.calendar()
    nodes = OrgNode.objects.filter(level="community", path__startswith=district.path).order_by("path")
    made, banded = [], None
    for community in list(nodes)[:communities] if communities else nodes:
        p = _people(community, district)
        if not p["grids"] or p["staff"] is None or p["secretary"] is None:
            continue
        scale = max(1, round(per_community / 30))
        stories = [kind for kind, n in MIX for _i in range(n * scale)]
        rng.shuffle(stories)
        stories.sort(key=lambda k: k == "merged")  # duplicates come after the appeals they repeat
        open_mains = []
        for kind in stories:
            problem = rng.choice(problems)
            if kind == "warning":  # a short limit may have no warning band at this hour: take another
                if banded is None:  # the same for every story: ``now`` stands still while seeding
                    banded = [q for q in problems if timeline.warning_start(categories[q[0]], now, cal)]
                problem = problem if problem in banded or not banded else rng.choice(banded)
            if kind == "self_handled":
                own = [q for q in problems if categories[q[0]].grid_self_handle]
                if not own:
                    kind = "submitted"
                else:
                    problem = own[0]
            category = categories[problem[0]]
            grid = (
                p["grids"][0]
                if kind in ("overdue", "warning", "dispatched") and rng.random() < 0.5
                else (rng.choice(p["grids"]))
            )
            main = open_mains.pop() if kind == "merged" and open_mains else None
            if kind == "merged" and main is None:
                kind = "submitted"
            a = _play(kind, p, category, grid, rng, problem, community, main=main)
            clock_start = timeline.warning_start(category, now, cal) if kind == "warning" else None
            if kind == "merged":
                main_created = Appeal.objects.values_list("created_at", flat=True).get(pk=main.pk)
                created = min(main_created + dt.timedelta(hours=rng.uniform(2, 20)), now - 2 * H)
            elif clock_start is not None:
                created = clock_start - dt.timedelta(hours=rng.uniform(0.5, 3))
            elif kind in ("submitted", "accepted", "pooled", "dispatched"):
                created = now - dt.timedelta(hours=rng.uniform(2, 30))
            elif kind == "suspended":  # still within its 缓办 period
                created = now - dt.timedelta(days=rng.uniform(2, 4))
            elif kind == "overdue":
                created = now - dt.timedelta(days=rng.uniform(15, days))
            else:
                created = now - dt.timedelta(days=rng.uniform(1, days))
            timeline.backdate(a, created, now, rng, cal, clock_start)
            if kind == "merged":  # the main appeal's 合并 row goes with the duplicate's 并案
                merged_at = (
                    AppealEvent.objects.filter(appeal=a, verb="merge").values_list("at", flat=True).get()
                )
                absorb = AppealEvent.objects.filter(appeal=main, verb="absorb").order_by("-id").first()
                # Never before the main appeal's own earlier steps: its timeline stays in order.
                before = AppealEvent.objects.filter(appeal=main, pk__lt=absorb.pk).order_by("-id").first()
                at = max(merged_at, before.at + dt.timedelta(seconds=1)) if before else merged_at
                AppealEvent.objects.filter(pk=absorb.pk).update(at=at)
            if kind in ("accepted", "dispatched"):
                open_mains.append(a)
            made.append(a.pk)
            counts[kind] += 1
        for a in hotline_stories(p, community, problems, rng, now, cal):
            made.append(a.pk)
            counts["hotline"] += 1
    unplaced = _unplaced(district, categories)
    for a in unplaced:  # filed a few hours ago, like the other appeals still waiting
        timeline.backdate(a, now - dt.timedelta(hours=rng.uniform(2, 20)), now, rng, cal)
        made.append(a.pk)
    counts["待定位"] = len(unplaced)
    timeline.renumber(made)
    rollups.rebuild(start=timezone.localdate(now) - dt.timedelta(days=days + 1), now=now)
    counts["诉求"] = len(made) - len(unplaced)  # the stories; 待定位 is counted on its own
    return dict(counts)


def _unplaced(district, categories):
    """Two Open311 reports by address alone that no registry place matches."""
    made = []
    for code, address, text in UNPLACED:
        if code not in categories:
            continue
        appeal = services.submit(
            client="open311-demo",
            channel=Appeal.Channel.OPEN311,
            title=address[:30],
            description=text,
            category=categories[code],
            address=f"山东省枣庄市{district.name}{address}",
        )
        if appeal.unplaced:
            made.append(appeal)
    return made
