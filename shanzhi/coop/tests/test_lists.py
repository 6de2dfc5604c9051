"""The resource and needs lists: who publishes, who collects, who sees; bad input names the field."""

import pytest
from django.db import connection
from django.http import Http404

from shanzhi.accounts import permissions
from shanzhi.coop import queries, services
from shanzhi.coop.models import Need, Resource
from shanzhi.core.errors import DomainError
from shanzhi.core.masking import mask_phone


def visible(user, model):
    return set(permissions.visible(user, model).values_list("pk", flat=True))


def test_resource_phone_is_encrypted_at_rest_and_masked_in_lists(co):
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM coop_resource WHERE id = %s", [co.resource.pk])
        (stored,) = cursor.fetchone()
    assert "13912345678" not in stored
    row = queries.resource_row(Resource.objects.get(pk=co.resource.pk))
    assert row["phone"] == mask_phone("13912345678") == "139****5678"


@pytest.mark.parametrize(
    "change,field",
    [
        ({"category": "unknown"}, "category"),
        ({"kind": "free"}, "kind"),
        ({"provider_unit": None}, "provider"),
        ({"kind": "low_cost"}, "price_note"),
        ({"capacity": "很多"}, "capacity"),
        ({"weekdays": "12"}, "weekdays"),
        ({"time_from": "11:00", "time_to": "09:00"}, "time_to"),
        ({"contact_phone": "110"}, "contact_phone"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_resource_input_names_the_field_and_writes_nothing(cast, change, field):
    data = {
        "community": cast.community,
        "title": "法律咨询",
        "category": "legal",
        "kind": "public",
        "provider_kind": "unit",
        "provider_unit": cast.unit,
        "by": cast.zhang,
        **change,
    }
    with pytest.raises(DomainError) as err:
        services.create_resource(**data)
    assert err.value.field == field
    assert not Resource.objects.exists()


def test_residents_see_published_resources_of_their_community_only(co):
    cast = co.cast
    draft = services.create_resource(
        community=cast.community,
        title="草稿",
        category="legal",
        kind="public",
        provider_kind="business",
        provider_name="某律所",
        by=cast.zhang,
    )
    assert visible(cast.jumin, Resource) == {co.resource.pk}
    assert visible(co.jumin_b, Resource) == set()
    assert visible(cast.zhang, Resource) == {co.resource.pk, draft.pk}
    assert visible(cast.chen, Resource) == set()
    assert visible(cast.he, Resource) == {co.resource.pk}
    with pytest.raises(Http404):
        services.publish_resource(draft, by=cast.chen)


def test_only_community_staff_publish(co):
    cast = co.cast
    with pytest.raises(Http404):
        services.create_resource(
            community=cast.community,
            title="x",
            category="legal",
            kind="public",
            provider_kind="business",
            provider_name="x",
            by=cast.wang,
        )
    services.withdraw_resource(co.resource, by=cast.zhao)
    assert Resource.objects.get(pk=co.resource.pk).status == Resource.Status.WITHDRAWN
    with pytest.raises(DomainError):
        services.withdraw_resource(co.resource, by=cast.zhao)


def test_resident_need_waits_for_review_staff_needs_go_on_the_list(co):
    cast = co.cast
    mine = services.submit_need(
        by=cast.jumin, title="家里水管漏水", category="repair", source="self", household=cast.household
    )
    assert mine.status == Need.Status.SUBMITTED and mine.grid == cast.grid
    assert co.need.status == Need.Status.OPEN and co.need.published_by == cast.wang
    assert co.common.status == Need.Status.OPEN and co.common.household is None
    services.publish_need(mine, by=cast.zhang)
    assert Need.objects.get(pk=mine.pk).status == Need.Status.OPEN
    verbs = list(mine.events.values_list("verb", flat=True))
    assert verbs == ["submit", "publish"]


def test_needs_are_collected_only_for_households_in_reach(co):
    cast = co.cast
    with pytest.raises(Http404):
        services.submit_need(
            by=cast.jumin, title="x", category="repair", source="self", household=cast.household2
        )
    with pytest.raises(Http404):
        services.submit_need(
            by=cast.wang, title="x", category="repair", source="home_visit", household=cast.household2
        )
    with pytest.raises(DomainError) as err:
        services.submit_need(by=cast.wang, title="x", category="repair", source="home_visit")
    assert err.value.field == "household"
    with pytest.raises(DomainError) as err:
        services.submit_need(
            by=cast.wang, title="x", category="repair", source="visit", household=cast.household
        )
    assert err.value.field == "source"
    assert Need.objects.count() == 2


def test_need_visibility(co):
    cast = co.cast
    mine = services.submit_need(
        by=cast.jumin, title="需要陪同就医", category="health", source="self", household=cast.household
    )
    assert visible(cast.wang, Need) == {co.need.pk, co.common.pk, mine.pk}
    assert visible(cast.li, Need) == {co.common.pk}  # grid A2: only common needs of the community
    assert visible(cast.jumin, Need) == {co.need.pk, mine.pk}  # own household
    assert visible(cast.he, Need) == {co.need.pk, co.common.pk}  # published ones where it reports
    assert visible(co.qian, Need) == set()
    assert visible(cast.chen, Need) == set()
    assert visible(cast.liu, Need) == {co.need.pk, co.common.pk, mine.pk}


def test_cancel_need_with_reason(co):
    cast = co.cast
    with pytest.raises(DomainError) as err:
        services.cancel_need(co.common, by=cast.zhang, reason="")
    assert err.value.field == "reason"
    services.cancel_need(co.common, by=cast.zhang, reason="已由物业解决")
    assert Need.objects.get(pk=co.common.pk).status == Need.Status.CANCELLED
