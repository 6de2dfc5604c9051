"""The point-in-grid lookup keeps parsed polygons per process; an edit must show on the next call."""

import pytest

from shanzhi.registry import geo, services
from shanzhi.registry.models import OrgNode
from shanzhi.tests.cast import square

pytestmark = pytest.mark.django_db

INSIDE_A1 = (117.551, 34.861)
FAR_AWAY = (117.600, 34.900)


@pytest.fixture
def loads(monkeypatch):
    """How often the polygons were read and parsed."""
    calls = []
    real = geo._load

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(geo, "_load", counting)
    geo.clear()
    return calls


def test_the_grid_holding_the_point(cast):
    assert services.grid_at(*INSIDE_A1) == cast.grid
    assert services.grid_at(117.555, 34.861) == cast.grid2
    assert services.grid_at(*FAR_AWAY) is None


def test_within_limits_the_search_to_a_subtree(cast):
    assert services.grid_at(*INSIDE_A1, within=cast.community) == cast.grid
    assert services.grid_at(*INSIDE_A1, within=cast.community_b) is None


def test_polygons_are_parsed_once_while_nothing_changes(cast, loads):
    for _ in range(3):
        assert services.grid_at(*INSIDE_A1) == cast.grid
    assert len(loads) == 1


def test_a_boundary_edited_through_the_service_is_used_at_once(cast, loads):
    assert services.grid_at(*FAR_AWAY) is None
    services.set_boundary(cast.grid_c, square(*FAR_AWAY, size=0.01), by=cast.xitong)
    assert services.grid_at(117.605, 34.905) == cast.grid_c
    assert services.grid_at(117.541, 34.861) is None  # its old place is no longer inside it
    assert len(loads) == 2


def test_a_boundary_written_elsewhere_is_seen_too(cast, loads):
    # Another worker, the admin or an import writes the row without this process knowing.
    assert services.grid_at(*INSIDE_A1) == cast.grid
    OrgNode.objects.filter(pk=cast.grid.pk).update(boundary=square(117.700, 34.700))
    assert services.grid_at(*INSIDE_A1) is None
    assert services.grid_at(117.701, 34.701) == cast.grid


def test_a_new_grid_and_a_removed_boundary_are_seen(cast):
    assert services.grid_at(*FAR_AWAY) is None
    grid = services.create_node(
        level="grid",
        code="370402001002009",
        name="新网格",
        parent=cast.community_b,
        boundary=square(117.599, 34.899),
    )
    assert services.grid_at(*FAR_AWAY) == grid
    OrgNode.objects.filter(pk=grid.pk).update(boundary=None)
    assert services.grid_at(*FAR_AWAY) is None


def test_a_moved_grid_is_filtered_by_its_new_path(cast):
    assert services.grid_at(*INSIDE_A1, within=cast.community) == cast.grid
    OrgNode.objects.filter(pk=cast.grid.pk).update(path=cast.community_b.path + "370402001002008/")
    assert services.grid_at(*INSIDE_A1, within=cast.community) is None
    assert services.grid_at(*INSIDE_A1, within=cast.community_b) == cast.grid
