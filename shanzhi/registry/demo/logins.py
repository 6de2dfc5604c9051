"""The demo logins: ``seed_demo`` creates them, ``demo_logins`` prints them."""

from dataclasses import dataclass

from shanzhi.accounts.models import Role, User

DEMO_PASSWORD = "Shanzhi@2026"  # noqa: S105 - the published demo password, shown on the login table


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    scope: str  # what the account is bound to, resolved against the seeded district
    scope_hint: str  # the same in words, for the table printed before anything is seeded


# Bound to the first street (the whole "small" scale), so every login sees the same place.
DEMO_USERS = (
    DemoUser("jumin", "", Role.RESIDENT, "resident", "第一网格的一位居民"),
    DemoUser("wangwangge", "王网格", Role.GRID_WORKER, "grid:0", "第一社区第一网格"),
    DemoUser("liwangge", "李网格", Role.GRID_WORKER, "grid:1", "第一社区第二网格"),
    DemoUser("zhangshequ", "张社区", Role.COMMUNITY_STAFF, "community:0", "第一社区"),
    DemoUser("zhaoshuji", "赵书记", Role.COMMUNITY_SECRETARY, "community:0", "第一社区"),
    DemoUser("liujiedao", "刘街道", Role.STREET_STAFF, "street:0", "第一街道"),
    DemoUser("sunqu", "孙区干部", Role.DISTRICT_STAFF, "district", "全区"),
    DemoUser("wuquzhang", "吴区长", Role.DISTRICT_LEADER, "district", "全区"),
    DemoUser("zhengbumen", "郑部门", Role.DEPARTMENT_HANDLER, "department", "区城管局"),
    DemoUser("fengwuye", "冯物业", Role.PROPERTY_STAFF, "property_company", "第一个小区的物业企业"),
    DemoUser("hedanwei", "何单位", Role.UNIT_MEMBER, "unit", "第一社区的驻区单位"),
    DemoUser("mazhiyuan", "马志愿", Role.VOLUNTEER, "community:0", "第一社区"),
    DemoUser("xitong", "系统管理员", Role.SYSTEM_ADMIN, "", "全系统"),
    DemoUser("anquan", "安全管理员", Role.SECURITY_ADMIN, "", "全系统"),
    DemoUser("shenji", "审计管理员", Role.AUDIT_ADMIN, "", "全系统"),
)
DEMO_DEPARTMENT = "区城管局"


def demo_login_rows():
    """(username, role in Chinese, scope, password) for every demo login, scopes as seeded if seeded."""
    users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS])}
    rows = []
    for demo in DEMO_USERS:
        user = users.get(demo.username)
        grant = user.primary_grant() if user else None
        scope = grant.scope_label() if grant else demo.scope_hint
        if demo.role == Role.RESIDENT and grant and grant.resident_id:
            scope = f"{grant.node.name}（{user.display_name}）"
        rows.append((demo.username, str(Role(demo.role).label), str(scope), DEMO_PASSWORD))
    return rows
