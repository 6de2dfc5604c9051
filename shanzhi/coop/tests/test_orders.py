"""群众点单: orders through to done and rated, capacity, the timeline, refusals that change nothing."""

import pytest
from django.http import Http404

from shanzhi.coop import services
from shanzhi.coop.models import Event, Order, Resource
from shanzhi.core.errors import Conflict, DomainError


def open_orders(resource):
    return Resource.objects.get(pk=resource.pk).open_orders


def test_order_goes_through_to_rated_with_a_timeline(co):
    cast = co.cast
    order = services.place_order(co.resource, by=cast.jumin, note="周二上午在家", wanted_on="2026-06-02")
    assert order.household == cast.household and open_orders(co.resource) == 1
    services.accept_order(order, by=cast.he)  # the provider unit's member
    services.start_order(order, by=cast.he)
    services.finish_order(order, by=cast.he, note="已理发")
    assert open_orders(co.resource) == 0
    services.rate_order(order, by=cast.jumin, stars=5, comment="很满意")
    order.refresh_from_db()
    assert (order.status, order.rating) == (Order.Status.RATED, 5)
    timeline = list(order.events.values_list("verb", "from_status", "to_status"))
    assert timeline == [
        ("place", "", "placed"),
        ("accept", "placed", "accepted"),
        ("start", "accepted", "in_progress"),
        ("finish", "in_progress", "done"),
        ("rate", "done", "rated"),
    ]


def test_full_resource_refuses_and_nothing_is_written(co):
    cast = co.cast
    services.place_order(co.resource, by=cast.jumin)
    services.place_order(co.resource, by=cast.jumin)
    with pytest.raises(DomainError) as err:
        services.place_order(co.resource, by=cast.jumin)
    assert err.value.field == "resource" and err.value.code == "full"
    assert Order.objects.count() == 2 and open_orders(co.resource) == 2


def test_cancel_and_reject_give_the_place_back(co):
    cast = co.cast
    first = services.place_order(co.resource, by=cast.jumin)
    second = services.place_order(co.resource, by=cast.jumin)
    services.cancel_order(first, by=cast.jumin, reason="时间冲突")
    with pytest.raises(DomainError) as err:
        services.reject_order(second, by=cast.zhang, reason="")
    assert err.value.field == "reason"
    services.reject_order(second, by=cast.zhang, reason="服务人员请假")
    assert open_orders(co.resource) == 0


def test_a_move_not_allowed_from_the_status_is_a_conflict_that_changes_nothing(co):
    cast = co.cast
    order = services.place_order(co.resource, by=cast.jumin)
    with pytest.raises(Conflict) as err:
        services.finish_order(order, by=cast.zhang)
    assert err.value.changed == {"status": "placed"}
    with pytest.raises(Conflict):
        services.rate_order(order, by=cast.jumin, stars=5)
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED and order.events.count() == 1


def test_rating_must_be_one_to_five(co):
    cast = co.cast
    order = services.place_order(co.resource, by=cast.jumin)
    for verb in (services.accept_order, services.finish_order):
        verb(order, by=cast.zhang)
    with pytest.raises(DomainError) as err:
        services.rate_order(order, by=cast.jumin, stars=6)
    assert err.value.field == "rating"
    assert Order.objects.get(pk=order.pk).rating is None


def test_only_residents_of_the_community_order_and_others_cannot_touch_it(co):
    cast = co.cast
    with pytest.raises(Http404):
        services.place_order(co.resource, by=co.jumin_b)
    order = services.place_order(co.resource, by=cast.jumin)
    with pytest.raises(Http404):
        services.cancel_order(order, by=co.jumin_b)
    with pytest.raises(Http404):
        services.accept_order(order, by=co.qian)  # a unit that does not provide it
    with pytest.raises(Http404):
        services.accept_order(order, by=cast.chen)  # staff of community B
    assert Event.objects.filter(order=order).count() == 1
