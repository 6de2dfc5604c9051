"""The demo district: 枣庄市市中区 (370402), generated from a seed and written through the services.

``seed_demo(scale=..., seed=...)`` first *plans* the whole district in memory (streets, communities,
grid polygons, compounds, buildings, households, people, posts, party organisations) from one
``random.Random(seed)`` and one Faker zh_CN seeded with the same number, drawing in a fixed order,
so a seed always gives the same district. Then it *writes* the plan through the registry and
accounts services; residents go in through the roster import (``importing.import_rows``), so
the demo exercises the real import path.

``DEMO_USERS`` is the one list of demo logins: ``seed_demo`` creates them, ``demo_logins``
prints them, and the README table is printed by ``manage.py demo_logins --markdown``.
"""

import datetime
import itertools
import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from faker import Faker
from faker.providers.person.zh_CN import Provider as ZhNames
from pypinyin import lazy_pinyin
from stdnum.cn import ric, uscc

from shanzhi.accounts import services as accounts
from shanzhi.accounts.models import Role, User
from shanzhi.core import crypto

from . import importing, services
from .models import (
    Building,
    CareTag,
    Compound,
    Department,
    Household,
    NetworkPost,
    OrgNode,
    OwnersCommittee,
    PartyMember,
    PartyOrg,
    PropertyCompany,
    Resident,
    Unit,
)

DEMO_PASSWORD = "Shanzhi@2026"  # noqa: S105 - the published demo password, shown on the login table
DISTRICT = ("370402", "市中区")
CENTER = (117.55, 34.86)
# Ages are counted at a fixed day, not today, so that a seed gives the same ID numbers every year.
REFERENCE_DAY = datetime.date(2026, 7, 1)


# --- the demo logins ----------------------------------------------------------------------------


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


# --- scales ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    streets: int
    communities: int  # per street
    grids: tuple  # grids per community, cycled over the communities of the district
    band: tuple = (300, 460)  # households per grid for most grids (the 300–500 band)


SCALES = {
    "tiny": Scale(streets=1, communities=2, grids=(2,), band=(14, 22)),  # for tests only
    "small": Scale(streets=1, communities=3, grids=(3,), band=(300, 420)),
    "medium": Scale(streets=2, communities=3, grids=(6, 4)),
    "large": Scale(streets=7, communities=4, grids=(6, 8, 9, 6)),
}


# --- names and places of Zaozhuang ----------------------------------------------------------------

STREETS = [
    ("001", "光明路街道"), ("002", "龙山路街道"), ("003", "文化路街道"), ("004", "中心街街道"),
    ("005", "矿区街道"), ("006", "垎塔埠街道"), ("100", "税郭镇"),
]
COMMUNITIES = [
    "建华", "振兴", "青檀", "龙庭", "华山", "君山", "峨山", "东湖", "立新", "和平", "红旗", "解放", "民生",
    "永兴", "新华", "光华", "文苑", "书院", "龙首", "金泰", "荆山", "鑫昌", "安城", "锦屏", "凤鸣", "西昌",
    "兴仁", "翠屏", "太平", "泉源", "汇泉", "枣园", "桃园", "榴园", "新城", "北安", "南马道", "坊上",
]
ROADS = [
    "光明路", "龙山路", "文化路", "振兴路", "建华路", "君山路", "华山路", "青檀路", "解放路", "和平路",
    "民生路", "胜利路", "立新路", "西昌路", "北安路", "龙头路", "枣庄路", "台儿庄路", "鲁班路", "建设路",
]
COMPOUND_WORDS = [
    "龙山", "光明", "君山", "青檀", "金色", "阳光", "锦绣", "翰林", "书香", "御景", "枫林", "丽景", "东湖",
    "泰山", "荆河", "凤凰", "幸福", "和谐", "盛世", "华府", "金泰", "鑫城", "福泽", "安泰", "润泽", "银座",
    "恒泰", "天衢", "怡馨", "康居", "紫薇", "玉兰", "秀水", "龙泉", "文昌", "嘉禾", "东城", "西城", "福源",
    "滨湖", "祥和", "桂园", "月亮湾", "香港街", "世纪", "新华", "香榭", "水岸",
]
COMPOUND_SUFFIXES = ["花园", "小区", "家园", "苑", "新村", "名苑", "华庭", "嘉园"]
OLD_COMPOUNDS = [
    "矿务局宿舍", "煤建公司家属院", "化肥厂宿舍", "纺织厂家属院", "供电公司宿舍", "水泥厂宿舍",
    "运输公司家属院", "粮食局宿舍", "机床厂宿舍", "造纸厂家属院",
]
PROPERTY_WORDS = [
    "龙润", "中兴", "鲁南", "金地", "恒安", "安居", "顺和", "诚信", "宜家", "佳和", "瑞丰", "中成",
    "华鑫", "祥泰", "君泰", "福满", "盛泰", "康泰", "德润", "同创",
]
DEPARTMENTS = [
    "区公安分局", "区城管局", "区住建局", "区民政局", "区卫健局", "区市场监管局", "区生态环境分局",
    "区应急管理局", "区水务局", "区交通运输局", "区人社局", "区教体局", "区司法局", "区信访局",
]
UNITS = [
    ("{road}派出所", "government"), ("市中区{short}小学", "school"), ("枣庄{road}幼儿园", "school"),
    ("{short}社区卫生服务站", "institution"), ("枣庄市立医院{short}分院", "hospital"),
    ("中国建设银行枣庄{road}支行", "enterprise"), ("国网枣庄市中供电中心{short}供电所", "enterprise"),
    ("中国邮政枣庄{short}营业所", "enterprise"), ("市中区税务局{short}税务所", "government"),
    ("{short}社区志愿者协会", "social"), ("{short}社会工作服务站", "social"),
]
# (name pattern, PartyOrg kind): one of each kind across any three communities.
PARTY_EXTRAS = [
    ("{short}社区志愿服务党支部", "interest"), ("{short}社区文体爱好者党支部", "hobby"),
    ("{short}社区退休教师党支部", "work"), ("{short}社区流动党员党支部", "functional"),
    ("{short}社区快递物流行业党支部", "industry"), ("{short}社区“红色e家”网络党支部", "online"),
]
# Where ID numbers were issued: mostly this district, then the rest of Zaozhuang and Shandong.
ID_REGIONS = (
    ["370402"] * 70 + ["370403"] * 6 + ["370404"] * 5 + ["370405"] * 3 + ["370406"] * 4 + ["370481"] * 6
    + ["370102", "370211", "370811", "371302", "370883", "371502"]
)
PHONE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "191", "198", "199",
]
# Building styles: floors, units per building, flats per floor per unit, share of flats lived in,
# buildings per compound.
STYLES = {
    "old": ((5, 6), (2, 4), (2, 2), 0.93, (6, 16)),
    "mid": ((7, 11), (2, 3), (2, 2), 0.88, (5, 10)),
    "high": ((18, 26), (1, 2), (2, 4), 0.80, (3, 7)),
}
# Given names by generation (born before 1970, 1970–1994, from 1995), mixed with Faker's own, so
# that 200,000 residents are not a few thousand 王伟s.
GIVEN_CHARS = {
    ("M", 0): "建国军华明德福成永志庆春海山林保全忠文平东兴贵良",
    ("F", 0): "秀桂玉英兰凤珍芳霞莲琴翠梅淑花荣云香",
    ("M", 1): "伟强磊勇军杰涛斌超鹏刚辉亮峰宁晓建新海波立东俊",
    ("F", 1): "丽静敏燕艳娟霞红玲芳莉慧洁琳婷晓雪丹晶萍",
    ("M", 2): "浩宇子轩梓睿博文泽俊一铭皓晨辰豪航瑞嘉奕锦",
    ("F", 2): "梓涵欣怡子萱雨诗可馨思佳悦语梦琪一诺妍若",
}
SURNAMES = list(ZhNames.last_names)
SURNAME_WEIGHTS = list(itertools.accumulate(ZhNames.last_names.values()))
HOUSEHOLD_SIZES = ([1, 2, 3, 4, 5], list(itertools.accumulate([15, 28, 30, 17, 10])))
CN_DIGITS = "零一二三四五六七八九"
FAMILY, HEAD, PREV = "family", "head", "prev"


def cn_number(n):
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (grid names: 第一网格 …)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "")


# --- the plan -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Person:
    name: str
    gender: str
    age: int
    relation: str
    id_number: str = ""
    phone: str = ""
    tags: list = field(default_factory=list)


@dataclass(slots=True)
class Home:
    unit_no: str
    room: str
    people: list


@dataclass(slots=True)
class CompoundPlan:
    name: str
    address: str
    style: str
    company: int | None  # index into Plan.companies
    buildings_left: int
    next_no: int = 1
    committee: bool = False


@dataclass(slots=True)
class BuildingPlan:
    compound: CompoundPlan
    name: str
    floors: int
    homes: list
    lng: float = 0.0
    lat: float = 0.0


@dataclass(slots=True)
class GridPlan:
    code: str
    name: str
    polygon: list  # the outer ring, closed, counter-clockwise
    target: int
    buildings: list = field(default_factory=list)
    # (kind, holder Person, [BuildingPlan] covered, [Home] covered, BuildingPlan of those homes)
    posts: list = field(default_factory=list)


@dataclass(slots=True)
class CommunityPlan:
    code: str
    name: str
    short: str
    grids: list
    compounds: list = field(default_factory=list)
    units: list = field(default_factory=list)  # (name, kind, address, contact name, contact phone)
    party_extras: list = field(default_factory=list)  # (name, kind)


@dataclass(slots=True)
class StreetPlan:
    code: str
    name: str
    communities: list


@dataclass
class Plan:
    streets: list
    companies: list  # (name, credit code, contact name, contact phone)
    staff: dict  # node code or department name → (display name, username)


class Planner:
    """Draws the whole district from (rng, fake) in a fixed order. Touches no database."""

    def __init__(self, scale, seed, households_per_grid=None):
        self.scale = scale
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.draw = self.fake.random  # Faker's own seeded generator, for the names
        self.households_per_grid = households_per_grid
        self.id_prefixes = set()
        self.compound_names = set()
        self.usernames = {d.username for d in DEMO_USERS}

    def plan(self):
        rng = self.rng
        n_communities = self.scale.streets * self.scale.communities
        n_companies = min(20, max(3, round(n_communities * 0.8)))
        words = rng.sample(PROPERTY_WORDS, n_companies)
        companies = [self._company(w) for w in words]
        names = rng.sample(COMMUNITIES, n_communities)
        streets, index = [], 0
        for suffix, street_name in STREETS[: self.scale.streets]:
            code = DISTRICT[0] + suffix
            communities = []
            for c in range(self.scale.communities):
                grids_here = self.scale.grids[index % len(self.scale.grids)]
                communities.append(self._community(code + f"{c + 1:03d}", names[index], grids_here, index))
                index += 1
            streets.append(StreetPlan(code, street_name, communities))
        self._place(streets)
        self._set_targets([g for st in streets for cm in st.communities for g in cm.grids])
        for street in streets:
            for community in street.communities:
                self._fill_community(community, len(companies))
        staff = self._staff(streets)
        return Plan(streets=streets, companies=companies, staff=staff)

    # organisations

    def _company(self, word):
        org = "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        body = "91370402" + org
        name = f"枣庄市{word}物业服务有限公司"
        return name, body + uscc.calc_check_digit(body), self._name(), self._phone()

    def _community(self, code, short, n_grids, index):
        grids = [GridPlan(code=code + f"{g + 1:03d}", name=f"{short}第{cn_number(g + 1)}网格", polygon=[],
                          target=0) for g in range(n_grids)]
        community = CommunityPlan(code=code, name=f"{short}社区", short=short, grids=grids)
        for pattern, kind in self.rng.sample(UNITS, self.rng.randint(3, 5)):
            road = self.rng.choice(ROADS)
            community.units.append((pattern.format(road=road, short=short), kind,
                                    f"{road}{self.rng.randint(1, 300)}号", self._name(), self._phone()))
        community.party_extras = [
            (PARTY_EXTRAS[k % 6][0].format(short=short), PARTY_EXTRAS[k % 6][1]) for k in (2 * index, 2 * index + 1)
        ]
        return community

    def _staff(self, streets):
        staff = {}
        for street in streets:
            staff[street.code] = self._staff_member()
            for community in street.communities:
                staff[community.code] = self._staff_member()
                staff[community.code + ":staff"] = self._staff_member()
                for grid in community.grids:
                    staff[grid.code] = self._staff_member()
        for department in DEPARTMENTS:
            staff[department] = self._staff_member()
        return staff

    def _staff_member(self):
        name = self._name()
        base = "".join(lazy_pinyin(name))
        username, n = base, 1
        while username in self.usernames:
            n += 1
            username = f"{base}{n}"
        self.usernames.add(username)
        return name, username

    # geometry

    def _place(self, streets):
        """Streets in rows of four, communities two abreast in a street, grids tiling each community."""
        cw, ch, gap = 0.012, 0.010, 0.0015
        street_w = 2 * (cw + gap)
        street_h = math.ceil(self.scale.communities / 2) * (ch + gap)
        cols = min(4, len(streets))
        rows = math.ceil(len(streets) / cols)
        x0 = CENTER[0] - cols * (street_w + 2 * gap) / 2
        y0 = CENTER[1] + rows * (street_h + 2 * gap) / 2
        for s, street in enumerate(streets):
            sx = x0 + (s % cols) * (street_w + 2 * gap)
            sy = y0 - (s // cols) * (street_h + 2 * gap)
            for c, community in enumerate(street.communities):
                left = sx + (c % 2) * (cw + gap)
                top = sy - (c // 2) * (ch + gap)
                self._tile(community.grids, left, top - ch, left + cw, top)

    def _tile(self, grids, x1, y1, x2, y2):
        """Cut the community's rectangle into a lattice of slightly irregular convex quadrilaterals.

        Neighbouring grids share their corner points exactly, so the grids cover the community
        without gaps or overlaps; a corner moves at most 18% of a cell, which keeps every cell convex.
        """
        n = len(grids)
        rows = max(r for r in range(1, int(math.sqrt(n)) + 1) if n % r == 0)
        cols = n // rows
        dx, dy = (x2 - x1) / cols, (y2 - y1) / rows
        points = {}
        for i in range(cols + 1):
            for j in range(rows + 1):
                jx = 0 if i in (0, cols) else self.rng.uniform(-0.18, 0.18) * dx
                jy = 0 if j in (0, rows) else self.rng.uniform(-0.18, 0.18) * dy
                points[i, j] = (round(x1 + i * dx + jx, 6), round(y2 - j * dy + jy, 6))
        for k, grid in enumerate(grids):
            i, j = k % cols, k // cols  # numbered from the north-west corner, row by row
            sw, se, ne, nw = points[i, j + 1], points[i + 1, j + 1], points[i + 1, j], points[i, j]
            grid.polygon = [list(sw), list(se), list(ne), list(nw), list(sw)]

    def _set_targets(self, grids):
        """Households per grid: most inside the band, a few outliers for the grid-health page."""
        lo, hi = self.scale.band
        if self.households_per_grid:
            lo = hi = self.households_per_grid
        outliers = max(2, round(len(grids) * 0.1)) if len(grids) >= 6 else 0
        chosen = self.rng.sample(range(len(grids)), outliers)
        for grid in grids:
            grid.target = round(self.rng.triangular(lo, hi, lo + (hi - lo) * 0.2))
        for n, k in enumerate(chosen):
            low = n % 2 == 0
            grids[k].target = (self.rng.randint(round(lo * 0.55), round(lo * 0.85)) if low
                               else self.rng.randint(round(hi * 1.12), round(hi * 1.35)))

    # compounds, buildings, households

    def _fill_community(self, community, n_companies):
        carry = None
        for g, grid in enumerate(community.grids):
            compound = carry if carry is not None and self.rng.random() < 0.35 else None
            homes_left = grid.target
            while homes_left > 0:
                if compound is None or compound.buildings_left == 0:
                    compound = self._compound(community, n_companies, first=(g == 0 and not community.compounds))
                building = self._building(compound, homes_left)
                grid.buildings.append(building)
                homes_left -= len(building.homes)
            carry = compound if compound.buildings_left > 0 else None
            self._locate_buildings(grid)
            self._posts(grid)

    def _compound(self, community, n_companies, first):
        rng = self.rng
        style = rng.choices(["old", "mid", "high"], weights=[4, 4, 2])[0]
        if style == "old" and rng.random() < 0.3:
            name = rng.choice(OLD_COMPOUNDS)
        else:
            name = rng.choice(COMPOUND_WORDS) + rng.choice(COMPOUND_SUFFIXES)
        phase = 1
        while self._phase_name(name, phase) in self.compound_names:  # a name taken: its next phase (二期 …)
            phase += 1
        name = self._phase_name(name, phase)
        self.compound_names.add(name)
        # Old compounds are often left without a property company (the community steps in).
        company = None if (style == "old" and rng.random() < 0.35 and not first) else rng.randrange(n_companies)
        size = rng.randint(*STYLES[style][4])
        compound = CompoundPlan(name=name, address=f"{rng.choice(ROADS)}{rng.randint(1, 399)}号", style=style,
                                company=company, buildings_left=size,
                                committee=size >= 3 and company is not None and rng.random() < 0.4)
        community.compounds.append(compound)
        return compound

    @staticmethod
    def _phase_name(name, phase):
        return name if phase == 1 else f"{name}{cn_number(phase)}期"

    def _building(self, compound, homes_left):
        rng = self.rng
        floors_r, units_r, flats_r, occupied, _size = STYLES[compound.style]
        floors, units, flats = rng.randint(*floors_r), rng.randint(*units_r), rng.randint(*flats_r)
        building = BuildingPlan(compound=compound, name=f"{compound.next_no}号楼", floors=floors, homes=[])
        compound.next_no += 1
        compound.buildings_left -= 1
        for u in range(1, units + 1):
            for f in range(1, floors + 1):
                for p in range(1, flats + 1):
                    if len(building.homes) < homes_left and rng.random() < occupied:
                        building.homes.append(Home(f"{u}单元", f"{f}{p:02d}", self._household()))
        return building

    def _locate_buildings(self, grid):
        """Buildings on a jittered lattice inside the grid (bilinear map of the convex quadrilateral)."""
        sw, se, ne, nw = grid.polygon[:4]
        n = len(grid.buildings)
        cols = math.ceil(math.sqrt(n))
        rows = math.ceil(n / cols)
        for k, b in enumerate(grid.buildings):
            u = 0.12 + 0.76 * ((k % cols) + 0.5 + self.rng.uniform(-0.2, 0.2)) / cols
            v = 0.12 + 0.76 * ((k // cols) + 0.5 + self.rng.uniform(-0.2, 0.2)) / rows
            b.lng, b.lat = (
                round((1 - u) * (1 - v) * c0 + u * (1 - v) * c1 + u * v * c2 + (1 - u) * v * c3, 6)
                for c0, c1, c2, c3 in zip(sw, se, ne, nw, strict=True)
            )

    # people

    def _household(self):
        rng = self.rng
        size = rng.choices(HOUSEHOLD_SIZES[0], cum_weights=HOUSEHOLD_SIZES[1])[0]
        self._surnames = {}
        people = [self._person(*m) for m in getattr(self, f"_size{size}")()]
        if rng.random() < 0.02:
            for p in people:
                p.tags.append("low_income")
        return people

    # Each member is (relation, age, gender, surname, *tags). ``surname`` says whose family name
    # the member carries: FAMILY (the father's line), HEAD (the head's), PREV (the member listed
    # just before, e.g. a son-in-law's child) or None (their own).

    def _size1(self):
        rng = self.rng
        if rng.random() < 0.56:
            return [("户主", rng.randint(65, 92), "F" if rng.random() < 0.6 else "M", None, "elderly_alone")]
        return [("户主", rng.randint(22, 45), rng.choice("MF"), None)]

    def _size2(self):
        rng = self.rng
        r = rng.random()
        if r < 0.7:
            return self._couple(rng.randint(24, 85))
        if r < 0.85:
            a, g = rng.randint(35, 58), "F" if rng.random() < 0.65 else "M"
            return [("户主", a, g, HEAD), ("子女", max(2, a - rng.randint(22, 33)), rng.choice("MF"),
                                          HEAD if g == "M" else None)]
        a, pg = rng.randint(30, 55), rng.choice("MF")
        return [("户主", a, rng.choice("MF"), HEAD),
                ("父母", min(95, a + rng.randint(23, 33)), pg, HEAD if pg == "M" else None)]

    def _size3(self):
        rng = self.rng
        if rng.random() < 0.08:  # grandparents raising a grandchild whose parents work away (留守儿童)
            return self._couple(rng.randint(58, 75), head_male=True) + [
                ("孙子女", rng.randint(5, 14), rng.choice("MF"), FAMILY, "left_behind_child")
            ]
        a = rng.randint(27, 55)
        return self._couple(a) + [self._child(a)]

    def _size4(self):
        rng = self.rng
        a = rng.randint(30, 50)
        if rng.random() < 0.6:
            return self._couple(a) + [self._child(a), self._child(a)]
        pg = rng.choice("MF")
        return self._couple(a) + [self._child(a), ("父母", min(95, a + rng.randint(24, 32)), pg,
                                                   HEAD if pg == "M" else None)]

    def _size5(self):
        rng = self.rng
        if rng.random() < 0.6:
            a = rng.randint(30, 50)
            older = min(93, a + rng.randint(24, 32))
            return self._couple(a) + [self._child(a), ("父母", older, "M", HEAD), ("父母", older - 2, "F", None)]
        a = rng.randint(55, 70)
        child_age = a - rng.randint(25, 32)
        if rng.random() < 0.6:
            young = [("子女", child_age, "M", FAMILY), ("儿媳", child_age - 1, "F", None)]
            grandchild = ("孙子女", rng.randint(1, 10), rng.choice("MF"), FAMILY)
        else:
            young = [("子女", child_age, "F", FAMILY), ("女婿", child_age + 1, "M", None)]
            grandchild = ("孙子女", rng.randint(1, 10), rng.choice("MF"), PREV)
        return self._couple(a, head_male=True) + young + [grandchild]

    def _couple(self, age, head_male=None):
        male = self.rng.random() < 0.75 if head_male is None else head_male
        spouse_age = max(20, age + self.rng.randint(-4, 3) * (1 if male else -1))
        return [("户主", age, "M" if male else "F", FAMILY if male else HEAD),
                ("配偶", spouse_age, "F" if male else "M", None if male else FAMILY)]

    def _child(self, parent_age):
        return ("子女", max(0, parent_age - self.rng.randint(23, 34)), self.rng.choice("MF"), FAMILY)

    def _person(self, relation, age, gender, surname_of, *tags):
        rng = self.rng
        surname = self._surnames.get(surname_of) if surname_of else None
        surname = surname or self._surname()
        if surname_of:
            self._surnames[surname_of] = surname
        if relation == "户主":
            self._surnames.setdefault(HEAD, surname)
        self._surnames[PREV] = surname
        person = Person(name=surname + self._given_name(gender, age), gender=gender, age=age, relation=relation, tags=list(tags))
        person.id_number = self._id_number(age, gender)
        if age >= 15 and rng.random() < (0.6 if age >= 80 else 0.96):
            person.phone = self._phone()
        self._care_tags(person)
        return person

    def _care_tags(self, p):
        rng = self.rng
        if p.age >= 80:
            p.tags.append("elderly")
        if rng.random() < 0.02:
            p.tags.append("disabled")
        if p.gender == "M" and 25 <= p.age <= 80 and rng.random() < 0.042:
            p.tags.append("veteran")
        if p.age >= 20 and rng.random() < (0.07 if p.age < 40 else 0.095 if p.age < 60 else 0.125):
            p.tags.append("party_member")
        if rng.random() < 0.005:
            p.tags.append("serious_illness")

    def _id_number(self, age, gender):
        rng = self.rng
        while True:
            born = datetime.date(REFERENCE_DAY.year - age, REFERENCE_DAY.month, REFERENCE_DAY.day)
            born -= datetime.timedelta(days=rng.randrange(365))
            seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == "M" else (0, 2, 4, 6, 8))
            body = f"{rng.choice(ID_REGIONS)}{born.year}{born.month:02d}{born.day:02d}{seq:03d}"
            if body not in self.id_prefixes:
                self.id_prefixes.add(body)
                return body + ric.calc_check_digit(body + "0")

    def _phone(self):
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"

    def _name(self, gender=None, age=None):
        gender = gender or self.draw.choice("MF")
        return self._surname() + self._given_name(gender, age or self.draw.randint(25, 55))

    def _surname(self):
        return self.draw.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]

    def _given_name(self, gender, age):
        draw = self.draw
        if draw.random() < 0.35:
            return self.fake.first_name_male() if gender == "M" else self.fake.first_name_female()
        born = REFERENCE_DAY.year - age
        chars = GIVEN_CHARS[gender, 0 if born < 1970 else 1 if born < 1995 else 2]
        return draw.choice(chars) + (draw.choice(chars) if draw.random() < 0.75 else "")

    # the offline network below the grid

    def _posts(self, grid):
        """片区长 for every six or so buildings, 楼栋长 for each building, 中心户长 for every dozen homes."""
        rng = self.rng
        areas = max(1, round(len(grid.buildings) / 6))
        per_area = math.ceil(len(grid.buildings) / areas)
        for a in range(areas):
            covered = grid.buildings[a * per_area:(a + 1) * per_area]
            holder = self._holder([h for b in covered for h in b.homes])
            if holder:
                grid.posts.append(("area_chief", holder, covered, [], None))
        for b in grid.buildings:
            holder = self._holder(b.homes)
            if holder:
                grid.posts.append(("building_head", holder, [b], [], None))
            by_unit = defaultdict(list)
            for h in b.homes:
                by_unit[h.unit_no].append(h)
            for homes in by_unit.values():
                for start in range(0, len(homes), 12):
                    group = homes[start:start + 12]
                    holder = self._holder(group[:1] + rng.sample(group, min(3, len(group))))
                    if holder:
                        grid.posts.append(("central_household_head", holder, [], group, b))

    def _holder(self, homes):
        """A working-age resident of these homes, else any adult (every household head is one)."""
        candidates = [p for h in homes for p in h.people if 28 <= p.age <= 70]
        candidates = candidates or [p for h in homes for p in h.people if p.age >= 18]
        return self.rng.choice(candidates) if candidates else None


# --- writing the plan --------------------------------------------------------------------------


class Writer:
    """Writes a plan through the services, printing progress with ``say``."""

    def __init__(self, plan, seed, say):
        self.plan = plan
        self.rng = random.Random(f"{seed}:write")
        self.say = say
        self.started = time.monotonic()
        self.nodes = {}  # code → OrgNode
        self.companies = []
        self.departments = {}
        self.buildings = {}  # id(BuildingPlan) → Building
        self.units = {}  # community code → [Unit]

    def write(self):
        district = services.create_node(level="district", code=DISTRICT[0], name=DISTRICT[1])
        self.nodes[district.code] = district
        self.district = district
        self._organisations()
        for street in self.plan.streets:
            node = services.create_node(level="street", code=street.code, name=street.name, parent=district)
            self.nodes[node.code] = node
            for community in street.communities:
                self._community(community, node)
                homes = [h for g in community.grids for b in g.buildings for h in b.homes]
                self.say(f"  {street.name}{community.name}：{len(community.grids)} 个网格，{len(homes):,} 户，"
                         f"{sum(len(h.people) for h in homes):,} 人（{self._elapsed()}）")
        self._accounts()

    def _elapsed(self):
        return f"{time.monotonic() - self.started:.1f} 秒"

    def _organisations(self):
        for name in DEPARTMENTS:
            self.departments[name] = services.create_department(district=self.district, name=name)
        for name, credit_code, contact, phone in self.plan.companies:
            self.companies.append(services.create_property_company(
                name=name, credit_code=credit_code, contact_name=contact, contact_phone=phone,
                district=self.district,
            ))

    def _community(self, plan, street):
        community = services.create_node(level="community", code=plan.code, name=plan.name, parent=street)
        self.nodes[community.code] = community
        self.units[plan.code] = [
            services.register_unit(community=community, name=name, kind=kind, address=address,
                                   contact_name=contact, contact_phone=phone)
            for name, kind, address, contact, phone in plan.units
        ]
        compounds = {}
        for cp in plan.compounds:
            company = self.companies[cp.company] if cp.company is not None else None
            compounds[cp.name] = services.create_compound(community=community, name=cp.name, address=cp.address,
                                                          property_company=company)
        committee = services.create_party_org(name=f"{plan.name}党委", level="committee", kind="geo", node=community)
        extras = [
            services.create_party_org(name=name, level="branch", kind=kind, node=community, parent=committee)
            for name, kind in plan.party_extras
        ]
        for gp in plan.grids:
            grid = services.create_node(level="grid", code=gp.code, name=gp.name, parent=community,
                                        boundary={"type": "Polygon", "coordinates": [gp.polygon]})
            self.nodes[grid.code] = grid
            for bp in gp.buildings:
                self.buildings[id(bp)] = services.create_building(
                    compound=compounds[bp.compound.name], grid=grid, name=bp.name, floors=bp.floors,
                    lng=bp.lng, lat=bp.lat,
                )
            self._residents(gp, grid)
            residents = self._resident_ids(gp)
            self._party(gp, grid, committee, extras, residents)
            self._posts(gp, grid, residents)
        self._committees(plan, compounds)

    # residents, through the roster import

    def _residents(self, gp, grid):
        rows = [
            {
                "grid_code": gp.code, "compound": bp.compound.name, "building": bp.name, "unit_no": home.unit_no,
                "room": home.room, "name": p.name, "id_number": p.id_number, "phone": p.phone,
                "relation": p.relation, "tags": [t for t in p.tags if t != "party_member"],
            }
            for bp in gp.buildings for home in bp.homes for p in home.people
        ]
        importing.import_rows(rows, by=None, scope=self.district)

    def _resident_ids(self, gp):
        """Residents the network and the party tree need, found by blind index as a lookup would."""
        wanted = [post[1] for post in gp.posts]
        wanted += [p for bp in gp.buildings for h in bp.homes for p in h.people if "party_member" in p.tags]
        indexes = {crypto.blind_index(p.id_number): p for p in wanted}
        found = {}
        keys = list(indexes)
        for start in range(0, len(keys), 500):
            for r in Resident.objects.filter(id_number_index__in=keys[start:start + 500]).only(
                "id", "name", "grid_id", "household_id", "id_number_index"
            ):
                found[id(indexes[r.id_number_index])] = r
        return found

    def _party(self, gp, grid, committee, extras, residents):
        """网格党支部 for the grid, 楼栋党小组 where three or more members live in one building."""
        branch = services.create_party_org(name=f"{grid.name}党支部", level="branch", kind="geo", node=grid,
                                           parent=committee)
        for bp in gp.buildings:
            members = [p for h in bp.homes for p in h.people if "party_member" in p.tags]
            org = branch
            if len(members) >= 3:
                org = services.create_party_org(name=f"{bp.compound.name}{bp.name}党小组", level="group",
                                                kind="geo", node=grid, parent=branch)
            for p in members:
                self._join(org, p, residents[id(p)])
                if extras and self.rng.random() < 0.15:
                    self._join(self.rng.choice(extras), p, residents[id(p)])

    def _join(self, org, person, resident):
        rng = self.rng
        joined = REFERENCE_DAY - datetime.timedelta(days=365 * rng.randint(1, max(1, person.age - 19)))
        in_service = 22 <= person.age <= 58 and rng.random() < 0.5
        workplace = ""
        if in_service:
            workplace = rng.choice(DEPARTMENTS + [c.name for c in self.companies[:3]] + ["枣庄市市中区人民医院"])
        services.add_party_member(party_org=org, resident=resident, joined_on=joined, in_service=in_service,
                                  workplace=workplace)

    def _posts(self, gp, grid, residents):
        homes = {
            (b, unit_no, room): pk
            for b, unit_no, room, pk in Household.objects.filter(grid=grid).values_list(
                "building_id", "unit_no", "room", "pk"
            )
        }
        # Thousands of posts in a large district: bulk rows here, with the same rules as
        # services.appoint_network_post (a resident of the grid, covering places in that grid).
        posts = NetworkPost.objects.bulk_create(
            [NetworkPost(kind=kind, resident=residents[id(holder)], grid=grid) for kind, holder, *_rest in gp.posts]
        )
        building_links, household_links = [], []
        for post, (_kind, _holder, buildings, covered, home_building) in zip(posts, gp.posts, strict=True):
            building_links += [NetworkPost.buildings.through(networkpost_id=post.pk, building_id=self.buildings[id(b)].pk)
                               for b in buildings]
            if covered:
                building = self.buildings[id(home_building)]
                household_links += [
                    NetworkPost.households.through(networkpost_id=post.pk,
                                                   household_id=homes[building.pk, h.unit_no, h.room])
                    for h in covered
                ]
        NetworkPost.buildings.through.objects.bulk_create(building_links)
        NetworkPost.households.through.objects.bulk_create(household_links)

    def _committees(self, plan, compounds):
        for cp in plan.compounds:
            if not cp.committee:
                continue
            compound = compounds[cp.name]
            heads = list(Resident.objects.filter(household__building__compound=compound, relation="户主",
                                                 birth_date__lte=REFERENCE_DAY.replace(year=REFERENCE_DAY.year - 30))
                         .order_by("household__building__name", "household__unit_no", "household__room")
                         .only("id")[:60])
            if len(heads) < 5:
                continue
            elected = REFERENCE_DAY - datetime.timedelta(days=self.rng.randint(30, 1500))
            positions = ["主任", "副主任", "委员", "委员", "委员"]
            services.form_owners_committee(
                compound=compound, members=list(zip(self.rng.sample(heads, 5), positions, strict=True)),
                elected_on=elected, term_ends_on=elected + datetime.timedelta(days=5 * 365 + 1),
            )

    # accounts

    def _accounts(self):
        """Every grid, community, street and department gets its people; the demo logins take the first ones."""
        demo_scopes = self._demo_scopes()
        taken = {(d.role, _scope_key(demo_scopes[d.username][0])) for d in DEMO_USERS}
        for code, (name, username) in self.plan.staff.items():
            role, scope = self._staff_role(code)
            if (role, _scope_key(scope)) in taken:  # a demo login holds this post
                continue
            # Only the listed demo logins get a password; the others are set by the security admin.
            user = accounts.create_user(username=username, password=None, display_name=name)
            accounts.grant_role(user, role, **scope)
        for demo in DEMO_USERS:
            scope, display = demo_scopes[demo.username]
            user = accounts.create_user(username=demo.username, password=DEMO_PASSWORD,
                                        display_name=display or demo.display_name)
            accounts.grant_role(user, demo.role, **scope)

    def _staff_role(self, code):
        if code in self.departments:
            return Role.DEPARTMENT_HANDLER, {"department": self.departments[code]}
        if code.endswith(":staff"):
            return Role.COMMUNITY_STAFF, {"node": self.nodes[code.split(":")[0]]}
        node = self.nodes[code]
        role = {"street": Role.STREET_STAFF, "community": Role.COMMUNITY_SECRETARY, "grid": Role.GRID_WORKER}
        return role[node.level], {"node": node}

    def _demo_scopes(self):
        street = self.plan.streets[0]
        community = street.communities[0]
        grid_codes = [g.code for g in community.grids]
        company = next(self.companies[c.company] for c in community.compounds if c.company is not None)
        grid = self.nodes[grid_codes[0]]
        resident = (Resident.objects.filter(grid=grid, relation="户主", birth_date__lte=datetime.date(2000, 1, 1))
                    .order_by("household__building__name", "household__unit_no", "household__room").first())
        scopes = {}
        for demo in DEMO_USERS:
            key, display = demo.scope, ""
            if key.startswith("grid:"):
                scope = {"node": self.nodes[grid_codes[int(key[5:]) % len(grid_codes)]]}
            elif key.startswith("community:"):
                scope = {"node": self.nodes[community.code]}
            elif key.startswith("street:"):
                scope = {"node": self.nodes[street.code]}
            elif key == "district":
                scope = {"node": self.district}
            elif key == "department":
                scope = {"department": self.departments[DEMO_DEPARTMENT]}
            elif key == "property_company":
                scope = {"property_company": company}
            elif key == "unit":
                scope = {"unit": self.units[community.code][0]}
            elif key == "resident":
                scope, display = {"node": grid, "resident": resident}, resident.name
            else:
                scope = {}
            scopes[demo.username] = (scope, display)
        return scopes


def _scope_key(scope):
    return tuple(sorted((k, v.pk) for k, v in scope.items() if k != "resident"))


# --- the entry point ----------------------------------------------------------------------------


def seed_demo(*, scale="small", seed=1, households_per_grid=None, say=print):
    """Plan and write the demo district in one transaction; returns the summary counts."""
    started = time.monotonic()
    say(f"规划演示数据：规模 {scale}，种子 {seed} …")
    plan = Planner(SCALES[scale], seed, households_per_grid=households_per_grid).plan()
    say(f"  规划完成（{time.monotonic() - started:.1f} 秒），开始写入 …")
    with transaction.atomic():
        Writer(plan, seed, say).write()
        _seed_other_apps(scale, seed, say)
    counts = summary_counts()
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def _seed_other_apps(scale, seed, say):
    """The co-construction lists, the love bank and the appeals, through their own apps' services."""
    from shanzhi.appeals import demo as appeals_demo
    from shanzhi.coop import demo as coop_demo
    from shanzhi.volunteering import demo as volunteering_demo

    district = OrgNode.objects.filter(level="district").order_by("-id").first()
    communities = None if scale in ("tiny", "small", "medium") else 6  # keeps a large seed's extra minutes small
    for name, app in (("三项清单与双报到", coop_demo), ("志愿服务与爱心银行", volunteering_demo)):
        counts = app.seed(district, random.Random(seed), communities=communities)
        say(f"  {name}：{counts}")
    per_community = {"tiny": 30, "small": 30, "medium": 45, "large": 60}[scale]
    counts = appeals_demo.seed(district, random.Random(seed), per_community=per_community, communities=communities)
    say(f"  接诉即办：{counts}")


def summary_counts():
    levels = Counter(OrgNode.objects.values_list("level", flat=True))
    tags = {t.name: t.residents.count() for t in CareTag.objects.all()}
    return {
        "街道": levels["street"], "社区": levels["community"], "网格": levels["grid"],
        "小区": Compound.objects.count(), "楼栋": Building.objects.count(), "户": Household.objects.count(),
        "居民": Resident.objects.count(), "物业企业": PropertyCompany.objects.count(),
        "业委会": OwnersCommittee.objects.count(), "驻区单位": Unit.objects.count(),
        "职能部门": Department.objects.count(), "党组织": PartyOrg.objects.count(),
        "党员": PartyMember.objects.count(), "网格岗位": NetworkPost.objects.count(),
        "账号": User.objects.count(), "标签": tags,
    }
