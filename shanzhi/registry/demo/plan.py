"""The plan of the demo district, drawn in memory from one seed before anything is written.

``Planner`` draws the streets, communities, grid polygons, compounds, buildings, households, people,
posts and party organisations from one ``random.Random(seed)`` and one Faker zh_CN seeded with the
same number, in a fixed order, so a seed always gives the same district.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from faker import Faker
from pypinyin import lazy_pinyin
from stdnum.cn import uscc

from .logins import DEMO_USERS
from .names import (
    CENTER,
    COMMUNITIES,
    COMPOUND_SUFFIXES,
    COMPOUND_WORDS,
    DEPARTMENTS,
    DISTRICT,
    OLD_COMPOUNDS,
    PARTY_EXTRAS,
    PROPERTY_WORDS,
    ROADS,
    STREETS,
    STYLES,
    UNITS,
    cn_number,
)
from .people import PeoplePlanner

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


# --- the plan -------------------------------------------------------------------------------------


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


class Planner(PeoplePlanner):
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
        grids = [
            GridPlan(
                code=code + f"{g + 1:03d}", name=f"{short}第{cn_number(g + 1)}网格", polygon=[], target=0
            )
            for g in range(n_grids)
        ]
        community = CommunityPlan(code=code, name=f"{short}社区", short=short, grids=grids)
        for pattern, kind in self.rng.sample(UNITS, self.rng.randint(3, 5)):
            road = self.rng.choice(ROADS)
            community.units.append(
                (
                    pattern.format(road=road, short=short),
                    kind,
                    f"{road}{self.rng.randint(1, 300)}号",
                    self._name(),
                    self._phone(),
                )
            )
        community.party_extras = [
            (PARTY_EXTRAS[k % 6][0].format(short=short), PARTY_EXTRAS[k % 6][1])
            for k in (2 * index, 2 * index + 1)
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
            grids[k].target = (
                self.rng.randint(round(lo * 0.55), round(lo * 0.85))
                if low
                else self.rng.randint(round(hi * 1.12), round(hi * 1.35))
            )

    # compounds, buildings, households

    def _fill_community(self, community, n_companies):
        carry = None
        for g, grid in enumerate(community.grids):
            compound = carry if carry is not None and self.rng.random() < 0.35 else None
            homes_left = grid.target
            while homes_left > 0:
                if compound is None or compound.buildings_left == 0:
                    compound = self._compound(
                        community, n_companies, first=(g == 0 and not community.compounds)
                    )
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
        company = (
            None if (style == "old" and rng.random() < 0.35 and not first) else rng.randrange(n_companies)
        )
        size = rng.randint(*STYLES[style][4])
        compound = CompoundPlan(
            name=name,
            address=f"{rng.choice(ROADS)}{rng.randint(1, 399)}号",
            style=style,
            company=company,
            buildings_left=size,
            committee=size >= 3 and company is not None and rng.random() < 0.4,
        )
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

    # the offline network below the grid

    def _posts(self, grid):
        """片区长 for every six or so buildings, 楼栋长 for each building, 中心户长 for every dozen homes."""
        rng = self.rng
        areas = max(1, round(len(grid.buildings) / 6))
        per_area = math.ceil(len(grid.buildings) / areas)
        for a in range(areas):
            covered = grid.buildings[a * per_area : (a + 1) * per_area]
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
                    group = homes[start : start + 12]
                    holder = self._holder(group[:1] + rng.sample(group, min(3, len(group))))
                    if holder:
                        grid.posts.append(("central_household_head", holder, [], group, b))

    def _holder(self, homes):
        """A working-age resident of these homes, else any adult (every household head is one)."""
        candidates = [p for h in homes for p in h.people if 28 <= p.age <= 70]
        candidates = candidates or [p for h in homes for p in h.people if p.age >= 18]
        return self.rng.choice(candidates) if candidates else None
