"""The demo district: 枣庄市市中区 (370402), generated from a seed and written through the services.

``seed(scale=..., seed=...)`` first *plans* the whole district in memory (``plan.Planner``), then
*writes* the plan through the registry and accounts services (``writer.Writer``). The project's
``seed_demo`` command calls it, then each higher app's own ``demo.seed``, in one transaction.

``DEMO_USERS`` is the one list of demo logins: ``seed`` creates them, ``demo_logins`` prints them,
and the README table is printed by ``manage.py demo_logins --markdown``.
"""

import time
from collections import Counter

from shanzhi.accounts.models import User

from ..models import (
    Building,
    CareTag,
    Compound,
    Department,
    Household,
    NetworkPost,
    OrgNode,
    PartyMember,
    PartyOrg,
    PropertyCompany,
    Resident,
    Unit,
)
from .logins import DEMO_DEPARTMENT, DEMO_PASSWORD, DEMO_USERS, DemoUser, demo_login_rows
from .plan import SCALES, Planner, Scale
from .writer import ElectedCommittee, Writer

__all__ = [
    "DEMO_DEPARTMENT",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "SCALES",
    "DemoUser",
    "ElectedCommittee",
    "Planner",
    "Scale",
    "Writer",
    "demo_login_rows",
    "seed",
    "summary_counts",
]


def seed(*, scale="small", seed=1, households_per_grid=None, say=print):
    """Plan the district, then write it in the caller's transaction; returns the district node.

    The node carries ``elected_committees`` (``writer.ElectedCommittee``: who each compound's owners
    elected), plain data for the app above that keeps committees (red property's demo records them)."""
    started = time.monotonic()
    say(f"规划演示数据：规模 {scale}，种子 {seed} …")
    plan = Planner(SCALES[scale], seed, households_per_grid=households_per_grid).plan()
    say(f"  规划完成（{time.monotonic() - started:.1f} 秒），开始写入 …")
    writer = Writer(plan, seed, say)
    writer.write()
    writer.district.elected_committees = writer.elected_committees
    return writer.district


def summary_counts():
    levels = Counter(OrgNode.objects.values_list("level", flat=True))
    tags = {t.name: t.residents.count() for t in CareTag.objects.all()}
    return {
        "街道": levels["street"],
        "社区": levels["community"],
        "网格": levels["grid"],
        "小区": Compound.objects.count(),
        "楼栋": Building.objects.count(),
        "户": Household.objects.count(),
        "居民": Resident.objects.count(),
        "物业企业": PropertyCompany.objects.count(),
        "驻区单位": Unit.objects.count(),
        "职能部门": Department.objects.count(),
        "党组织": PartyOrg.objects.count(),
        "党员": PartyMember.objects.count(),
        "网格岗位": NetworkPost.objects.count(),
        "账号": User.objects.count(),
        "标签": tags,
    }
