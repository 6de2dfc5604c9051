"""seed_demo and demo_logins: deterministic, valid, realistic, and a login for every role."""

import hashlib
import io
import itertools
from collections import Counter
from unittest import mock

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from shapely.geometry import Point, shape

from shanzhi.accounts.models import Role, RoleGrant, User
from shanzhi.registry import services
from shanzhi.registry.demo import DEMO_PASSWORD, DEMO_USERS, SCALES, Planner
from shanzhi.registry.models import Building, Compound, Household, NetworkPost, OrgNode, PartyOrg, Resident


def seed(scale="tiny", seed=7, *extra):
    """The registry's demo alone: seed_demo would go on to every app's demo (each tested in its own
    app, and all of them together by shanzhi/tests/test_homes.py), which these tests never read."""
    out = io.StringIO()
    with mock.patch("shanzhi.project.demo._seed_other_apps", lambda *args: None):
        call_command("seed_demo", "--scale", scale, "--seed", str(seed), *extra, stdout=out)
    return out.getvalue()


def digest():
    """What a seed must reproduce: the tree's codes and names, the places, the people."""
    h = hashlib.sha256()
    for row in OrgNode.objects.order_by("code").values_list("code", "name", "boundary"):
        h.update(repr(row).encode())
    for row in Building.objects.order_by("compound__community__code", "compound__name", "name").values_list(
        "compound__name", "compound__property_company__name", "name", "grid__code", "lng", "lat"
    ):
        h.update(repr(row).encode())
    people = Resident.objects.order_by(
        "household__building__compound__name",
        "household__building__name",
        "household__unit_no",
        "household__room",
        "name",
    )
    for r in people.select_related("household__building"):
        h.update(
            repr(
                (
                    r.household.building.name,
                    r.household.room,
                    r.name,
                    r.id_number,
                    r.phone,
                    r.relation,
                    sorted(r.tags.values_list("code", flat=True)),
                )
            ).encode()
        )
    for row in PartyOrg.objects.order_by("node__code", "name").values_list("name", "level", "kind"):
        h.update(repr(row).encode())
    return h.hexdigest()


def seeded_digest(seed_number):
    """Seed inside a transaction that is rolled back, so each run starts from an empty database."""
    with transaction.atomic():
        seed("tiny", seed_number)
        value = digest()
        transaction.set_rollback(True)
    assert not OrgNode.objects.exists()
    return value


@pytest.fixture(scope="class")
def tiny_district(django_db_setup, django_db_blocker, tmp_path_factory):
    """The tiny district, seeded once for the tests that only look at it (a seed takes seconds): each
    test still runs in its own savepoint inside this transaction, which is rolled back after the last."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            seed()
            yield
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_same_seed_gives_the_same_district_and_another_seed_another():
    first = seeded_digest(7)
    assert seeded_digest(7) == first
    assert seeded_digest(8) != first


def test_small_plan_is_realistic():
    """The planner alone (no database): nine grids, about 3,000 households, care tags at real rates."""
    plan = Planner(SCALES["small"], 1).plan()
    grids = [g for st in plan.streets for cm in st.communities for g in cm.grids]
    assert len(plan.streets) == 1 and len(grids) == 9
    homes = [h for g in grids for b in g.buildings for h in b.homes]
    assert [sum(len(b.homes) for b in g.buildings) for g in grids] == [g.target for g in grids]
    assert 2_700 <= len(homes) <= 3_800
    outside = [g for g in grids if not 300 <= g.target <= 500]
    assert 1 <= len(outside) <= 3
    people = [p for h in homes for p in h.people]
    ids = [p.id_number for p in people]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("37") for i in ids)
    share = {tag: n / len(people) for tag, n in Counter(t for p in people for t in p.tags).items()}
    assert 0.02 <= share["elderly_alone"] <= 0.04
    assert 0.012 <= share["disabled"] <= 0.028
    assert 0.01 <= share["low_income"] <= 0.03
    assert 0.008 <= share["veteran"] <= 0.022
    assert 0.055 <= share["party_member"] <= 0.085
    relations = Counter(p.relation for p in people)
    assert relations["户主"] == len(homes)
    assert {"配偶", "子女", "父母", "孙子女"} <= set(relations)


@pytest.mark.django_db
def test_households_per_grid_sets_the_size_of_every_grid():
    seed("tiny", 7, "--households-per-grid", "5")
    assert [g.households.count() for g in OrgNode.objects.filter(level="grid")] == [5, 5, 5, 5]


@pytest.mark.django_db
@pytest.mark.usefixtures("tiny_district")
class TestTheTinyDistrict:
    """Seeded once (``tiny``, seed 7) for the whole class."""

    def test_grids_are_valid_convex_tiles_and_buildings_lie_inside_their_grid(self):
        grids = list(OrgNode.objects.filter(level="grid"))
        shapes = {}
        for grid in grids:
            geojson, (lng, lat) = services.clean_polygon(grid.boundary)
            polygon = shape(geojson)
            assert polygon.convex_hull.area - polygon.area < 1e-12, grid.name
            assert 117.4 < lng < 117.7 and 34.7 < lat < 35.0
            shapes[grid.pk] = polygon
        for a, b in itertools.combinations(grids, 2):
            assert shapes[a.pk].intersection(shapes[b.pk]).area < 1e-12, (a.name, b.name)
        for building in Building.objects.all():
            assert shapes[building.grid_id].contains(Point(building.lng, building.lat)), building
            assert services.grid_at(building.lng, building.lat).pk == building.grid_id

    def test_the_demo_resident_picks_inside_their_grid_on_the_offline_map(self):
        """Issue 13 §2: the old picker opened on a fixed point that lies in the gap the demo leaves
        between communities, on a map with nothing drawn; now the resident's grid is drawn from
        the registry, and any point inside it, its middle included, is found by the lookup."""
        from shanzhi.registry import queries

        jumin = User.objects.get(username="jumin")
        layers = queries.map_layers(jumin)["features"]
        grids = [f for f in layers if f["properties"]["kind"] == "grid"]
        mine = RoleGrant.objects.get(user=jumin, role=Role.RESIDENT).node
        assert [g["properties"]["code"] for g in grids] == [mine.code]
        middle = shape(grids[0]["geometry"]).representative_point()
        assert services.grid_at(middle.x, middle.y) == mine
        assert any(f["properties"]["kind"] == "building" for f in layers)

    def test_tiny_scale_has_the_expected_shape(self):
        assert Counter(OrgNode.objects.values_list("level", flat=True)) == {
            "district": 1,
            "street": 1,
            "community": 2,
            "grid": 4,
        }
        lo, hi = SCALES["tiny"].band
        for grid in OrgNode.objects.filter(level="grid"):
            assert lo <= grid.households.count() <= hi
        for household in Household.objects.prefetch_related("residents"):
            people = list(household.residents.all())
            assert 1 <= len(people) <= 5
            assert [p.relation for p in people].count("户主") == 1
        for resident in Resident.objects.all():
            assert services.clean_id_number(resident.id_number) == resident.id_number
            assert services.clean_phone(resident.phone) == resident.phone
        alone = Resident.objects.filter(tags__code="elderly_alone").select_related("household")
        assert all(r.household.residents.count() == 1 and services.age_on(r.birth_date) >= 65 for r in alone)
        assert Compound.objects.filter(property_company__isnull=False).exists()
        assert PartyOrg.objects.filter(level="committee").count() == 2
        assert PartyOrg.objects.filter(level="branch", node__level="grid").count() == 4
        members = Resident.objects.filter(party_memberships__isnull=False).distinct()
        assert members.exists() and all(r.tags.filter(code="party_member").exists() for r in members)
        for kind in NetworkPost.Kind.values:
            assert NetworkPost.objects.filter(kind=kind).exists()
        assert (
            Building.objects.filter(network_posts__kind="building_head").distinct().count()
            == Building.objects.count()
        )

    def test_every_role_has_a_demo_login_that_can_log_in(self, client):
        assert {d.role for d in DEMO_USERS} == set(Role.values)
        for demo in DEMO_USERS:
            user = User.objects.get(username=demo.username)
            validate_password(DEMO_PASSWORD, user=User(username=demo.username, first_name=demo.display_name))
            assert client.login(
                request=RequestFactory().post("/"), username=demo.username, password=DEMO_PASSWORD
            )
            assert user.roles() == {demo.role}
            client.logout()

    def test_demo_logins_are_bound_to_the_first_street(self):
        street = OrgNode.objects.get(code="370402001")
        for grant in RoleGrant.objects.filter(
            user__username__in=[d.username for d in DEMO_USERS], node__isnull=False
        ):
            assert grant.node.path.startswith(street.path) or grant.node.level == "district"
        resident_grant = RoleGrant.objects.get(user__username="jumin")
        assert resident_grant.resident.grid_id == resident_grant.node_id
        assert User.objects.get(username="jumin").display_name == resident_grant.resident.name

    def test_every_grid_has_a_grid_worker(self):
        for grid in OrgNode.objects.filter(level="grid"):
            assert RoleGrant.objects.filter(role=Role.GRID_WORKER, node=grid).count() == 1, grid.name
        for community in OrgNode.objects.filter(level="community"):
            assert RoleGrant.objects.filter(role=Role.COMMUNITY_SECRETARY, node=community).count() == 1

    def test_if_empty_does_nothing_the_second_time(self):
        before = (OrgNode.objects.count(), Resident.objects.count(), User.objects.count())
        out = seed("tiny", 7, "--if-empty")
        assert "跳过" in out
        assert (OrgNode.objects.count(), Resident.objects.count(), User.objects.count()) == before

    def test_seeding_a_database_that_has_a_tree_is_refused(self):
        with pytest.raises(CommandError, match="已有组织节点"):
            seed("tiny", 8)

    def test_demo_logins_prints_every_account_with_its_role_and_password(self):
        out = io.StringIO()
        call_command("demo_logins", stdout=out)
        text = out.getvalue()
        for demo in DEMO_USERS:
            assert demo.username in text
            assert str(Role(demo.role).label) in text
        assert DEMO_PASSWORD in text
        markdown = io.StringIO()
        call_command("demo_logins", "--markdown", stdout=markdown)
        assert markdown.getvalue().count("\n") == len(DEMO_USERS) + 2
