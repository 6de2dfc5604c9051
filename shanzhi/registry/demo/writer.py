"""Writing the demo plan through the registry and accounts services; residents go in through the
roster import (``importing.import_rows``), so the demo exercises the real import path."""

import datetime
import random
import time
from dataclasses import dataclass

from shanzhi.accounts import services as accounts
from shanzhi.accounts.models import Role
from shanzhi.core import crypto

from .. import importing, services
from ..models import Household, NetworkPost, Resident
from .logins import DEMO_DEPARTMENT, DEMO_PASSWORD, DEMO_USERS
from .names import DEPARTMENTS, DISTRICT, REFERENCE_DAY


@dataclass(frozen=True, slots=True)
class ElectedCommittee:
    """An owners' committee the demo's residents elected: members are (resident id, 主任/副主任/委员)."""

    compound_id: int
    members: list
    elected_on: datetime.date
    term_ends_on: datetime.date


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
        self.elected_committees = []  # [ElectedCommittee]

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
                self.say(
                    f"  {street.name}{community.name}：{len(community.grids)} 个网格，{len(homes):,} 户，"
                    f"{sum(len(h.people) for h in homes):,} 人（{self._elapsed()}）"
                )
        self._accounts()

    def _elapsed(self):
        return f"{time.monotonic() - self.started:.1f} 秒"

    def _organisations(self):
        for name in DEPARTMENTS:
            self.departments[name] = services.create_department(district=self.district, name=name)
        for name, credit_code, contact, phone in self.plan.companies:
            self.companies.append(
                services.create_property_company(
                    name=name,
                    credit_code=credit_code,
                    contact_name=contact,
                    contact_phone=phone,
                    district=self.district,
                )
            )

    def _community(self, plan, street):
        community = services.create_node(level="community", code=plan.code, name=plan.name, parent=street)
        self.nodes[community.code] = community
        self.units[plan.code] = [
            services.register_unit(
                community=community,
                name=name,
                kind=kind,
                address=address,
                contact_name=contact,
                contact_phone=phone,
            )
            for name, kind, address, contact, phone in plan.units
        ]
        compounds = {}
        for cp in plan.compounds:
            company = self.companies[cp.company] if cp.company is not None else None
            compounds[cp.name] = services.create_compound(
                community=community, name=cp.name, address=cp.address, property_company=company
            )
        committee = services.create_party_org(
            name=f"{plan.name}党委", level="committee", kind="geo", node=community
        )
        extras = [
            services.create_party_org(name=name, level="branch", kind=kind, node=community, parent=committee)
            for name, kind in plan.party_extras
        ]
        for gp in plan.grids:
            grid = services.create_node(
                level="grid",
                code=gp.code,
                name=gp.name,
                parent=community,
                boundary={"type": "Polygon", "coordinates": [gp.polygon]},
            )
            self.nodes[grid.code] = grid
            for bp in gp.buildings:
                self.buildings[id(bp)] = services.create_building(
                    compound=compounds[bp.compound.name],
                    grid=grid,
                    name=bp.name,
                    floors=bp.floors,
                    lng=bp.lng,
                    lat=bp.lat,
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
                "grid_code": gp.code,
                "compound": bp.compound.name,
                "building": bp.name,
                "unit_no": home.unit_no,
                "room": home.room,
                "name": p.name,
                "id_number": p.id_number,
                "phone": p.phone,
                "relation": p.relation,
                "tags": [t for t in p.tags if t != "party_member"],
            }
            for bp in gp.buildings
            for home in bp.homes
            for p in home.people
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
            for r in Resident.objects.filter(id_number_index__in=keys[start : start + 500]).only(
                "id", "name", "grid_id", "household_id", "id_number_index"
            ):
                found[id(indexes[r.id_number_index])] = r
        return found

    def _party(self, gp, grid, committee, extras, residents):
        """网格党支部 for the grid, 楼栋党小组 where three or more members live in one building."""
        branch = services.create_party_org(
            name=f"{grid.name}党支部", level="branch", kind="geo", node=grid, parent=committee
        )
        for bp in gp.buildings:
            members = [p for h in bp.homes for p in h.people if "party_member" in p.tags]
            org = branch
            if len(members) >= 3:
                org = services.create_party_org(
                    name=f"{bp.compound.name}{bp.name}党小组",
                    level="group",
                    kind="geo",
                    node=grid,
                    parent=branch,
                )
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
            workplace = rng.choice(
                DEPARTMENTS + [c.name for c in self.companies[:3]] + ["枣庄市市中区人民医院"]
            )
        services.add_party_member(
            party_org=org, resident=resident, joined_on=joined, in_service=in_service, workplace=workplace
        )

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
            [
                NetworkPost(kind=kind, resident=residents[id(holder)], grid=grid)
                for kind, holder, *_rest in gp.posts
            ]
        )
        building_links, household_links = [], []
        for post, (_kind, _holder, buildings, covered, home_building) in zip(posts, gp.posts, strict=True):
            building_links += [
                NetworkPost.buildings.through(networkpost_id=post.pk, building_id=self.buildings[id(b)].pk)
                for b in buildings
            ]
            if covered:
                building = self.buildings[id(home_building)]
                household_links += [
                    NetworkPost.households.through(
                        networkpost_id=post.pk, household_id=homes[building.pk, h.unit_no, h.room]
                    )
                    for h in covered
                ]
        NetworkPost.buildings.through.objects.bulk_create(building_links)
        NetworkPost.households.through.objects.bulk_create(household_links)

    def _committees(self, plan, compounds):
        """Who the owners of a planned compound elected. The registry keeps no committee table (red
        property's ``Committee`` is the one); its demo records these. Drawn here, from the writer's
        generator, so every draw after them, and the rest of the district, stays as it was."""
        for cp in plan.compounds:
            if not cp.committee:
                continue
            compound = compounds[cp.name]
            heads = list(
                Resident.objects.filter(
                    household__building__compound=compound,
                    relation="户主",
                    birth_date__lte=REFERENCE_DAY.replace(year=REFERENCE_DAY.year - 30),
                )
                .order_by("household__building__name", "household__unit_no", "household__room")
                .only("id")[:60]
            )
            if len(heads) < 5:
                continue
            elected = REFERENCE_DAY - datetime.timedelta(days=self.rng.randint(30, 1500))
            positions = ["主任", "副主任", "委员", "委员", "委员"]
            self.elected_committees.append(
                ElectedCommittee(
                    compound_id=compound.pk,
                    members=[
                        (r.pk, pos) for r, pos in zip(self.rng.sample(heads, 5), positions, strict=True)
                    ],
                    elected_on=elected,
                    term_ends_on=elected + datetime.timedelta(days=5 * 365 + 1),
                )
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
            user = accounts.create_user(
                username=demo.username, password=DEMO_PASSWORD, display_name=display or demo.display_name
            )
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
        resident = (
            Resident.objects.filter(grid=grid, relation="户主", birth_date__lte=datetime.date(2000, 1, 1))
            .order_by("household__building__name", "household__unit_no", "household__room")
            .first()
        )
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
