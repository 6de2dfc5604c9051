"""The owners' committee on the registry's compound page, through ``registry.panels``: kind, term
and members by name and role, with the page's scope (members only as far as the viewer sees the
residents) and a link to the committee page only for those who may open it."""

import pytest
from django.urls import reverse

from shanzhi.registry import panels

from ..compound_panel import committee_panel
from ..services import committees as svc

pytestmark = pytest.mark.django_db


def _page(client, user, compound):
    client.force_login(user)
    response = client.get(reverse("registry:compound", kwargs={"pk": compound.pk}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def board(cast):
    svc.set_committee(
        cast.compound, kind="owners", term_start="2024-01-01", term_end="2028-12-31", by=cast.zhang
    )
    svc.add_member(cast.compound, resident=cast.resident2.pk, role="member", by=cast.zhang)
    svc.add_member(cast.compound, resident=cast.resident.pk, role="director", by=cast.zhang)


def test_property_registers_its_panel_with_the_registry():
    assert committee_panel in panels._PROVIDERS


def test_without_a_committee_the_page_says_none_is_formed(client, cast):
    html = _page(client, cast.zhang, cast.compound)
    assert "未成立" in html and "主任" not in html


def test_community_staff_see_kind_term_members_by_role_and_the_link(client, cast, board):
    html = _page(client, cast.zhang, cast.compound)
    assert "业主委员会" in html and "2024-01-01" in html and "2028-12-31" in html
    director = html.index(f"主任 · {cast.resident.name}")
    assert director < html.index(f"委员 · {cast.resident2.name}")  # the director first
    assert reverse("property:committee", kwargs={"pk": cast.compound.pk}) in html
    assert cast.resident.phone not in html


def test_a_grid_worker_sees_only_the_members_of_their_grid(client, cast, board):
    html = _page(client, cast.wang, cast.compound)
    assert cast.resident.name in html and cast.resident2.name not in html
    assert reverse("property:committee", kwargs={"pk": cast.compound.pk}) in html


def test_company_staff_see_the_term_but_no_member_and_no_link(client, cast, board):
    html = _page(client, cast.feng, cast.compound)
    assert "2028-12-31" in html
    assert cast.resident.name not in html and cast.resident2.name not in html
    assert reverse("property:committee", kwargs={"pk": cast.compound.pk}) not in html


def test_another_compounds_committee_is_not_shown(client, cast, board):
    html = _page(client, cast.liu, cast.compound_b)
    assert "未成立" in html and cast.resident.name not in html
