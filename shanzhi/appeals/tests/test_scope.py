"""Who sees which appeals: the rows this app added to the one permission module."""

import pytest
from django.http import Http404

from shanzhi.accounts import permissions
from shanzhi.appeals import queries, services
from shanzhi.appeals.models import Appeal, AppealEvent, AppealPhoto, Notification, Summons
from shanzhi.core.errors import DomainError

from .conftest import IN_A2, png_bytes


def seen(user, model=Appeal):
    return set(permissions.visible(user, model).values_list("pk", flat=True))


@pytest.fixture
def appeals(cast, file_appeal):
    a1 = file_appeal(photos_in=[png_bytes()])  # 居民甲, grid A1
    a2 = file_appeal(by=cast.li, channel=Appeal.Channel.PATROL, lng=IN_A2[0], lat=IN_A2[1])  # grid A2
    b = file_appeal(by=cast.chen, channel=Appeal.Channel.ON_BEHALF, building=cast.building_b)  # community B
    c = file_appeal(by=cast.zhou, channel=Appeal.Channel.ON_BEHALF, building=cast.building_c)  # street 西
    return a1, a2, b, c


def test_grid_worker_cannot_see_another_grids_appeal(cast, appeals):
    a1, a2, b, c = appeals
    assert seen(cast.wang) == {a1.pk}
    assert seen(cast.li) == {a2.pk}
    with pytest.raises(Http404):
        permissions.get_visible_or_404(cast.li, Appeal, pk=a1.pk)
    assert permissions.get_visible_or_404(cast.wang, Appeal, pk=a1.pk) == a1


def test_each_level_sees_its_subtree(cast, appeals):
    a1, a2, b, c = appeals
    assert seen(cast.zhang) == {a1.pk, a2.pk}
    assert seen(cast.chen) == {b.pk}
    assert seen(cast.liu) == {a1.pk, a2.pk, b.pk}
    assert seen(cast.zhou) == {c.pk}
    assert seen(cast.sun) == seen(cast.wu) == {a1.pk, a2.pk, b.pk, c.pk}


def test_resident_sees_only_their_own(cast, appeals):
    assert seen(cast.jumin) == {appeals[0].pk}


def test_people_with_no_part_in_appeals_see_none(cast, appeals):
    for user in (cast.he, cast.ma, cast.xitong, cast.anquan, cast.shenji, cast.nobody, cast.zheng, cast.feng):
        assert seen(user) == set(), user


def test_department_sees_only_what_is_assigned_or_summoned_to_it(cast, appeals):
    a1, a2, b, c = appeals
    services.accept(a1, by=cast.zhang)
    services.summon(a1, by=cast.zhang, lead=cast.department2, assisting=[cast.department])
    services.accept(b, by=cast.chen)
    services.dispatch(b, by=cast.chen, to_department=cast.department2)
    assert seen(cast.zheng) == {a1.pk}  # summoned as an assisting unit
    with pytest.raises(Http404):
        permissions.get_visible_or_404(cast.zheng, Appeal, pk=b.pk)
    assert seen(cast.zheng, Summons) == set(a1.summonses.values_list("pk", flat=True))


def test_property_staff_see_what_is_assigned_to_their_company(cast, appeals, cats):
    a1 = appeals[0]
    services.dispatch(services.accept(a1, by=cast.zhang), by=cast.zhang, to_company=cast.company)
    assert seen(cast.feng) == {a1.pk}


def test_assignee_sees_a_case_dispatched_across_grids(cast, appeals):
    a1 = appeals[0]
    services.accept(a1, by=cast.zhang)
    # 李网格 may not take an A1 case while it sits in the community's hands ...
    with pytest.raises(DomainError):  # not in his area
        services.dispatch(a1, by=cast.zhang, to_user=cast.li)
    # ... but once it is in the pool he may claim it, and then it is his.
    services.dispatch(a1, by=cast.zhang, to_pool=True)
    assert a1.pk in seen(cast.li)
    services.claim(a1, by=cast.li)
    assert a1.pk in seen(cast.li)


def test_rows_hanging_off_an_appeal_follow_its_scope(cast, appeals):
    a1 = appeals[0]
    assert seen(cast.li, AppealEvent) == set(
        AppealEvent.objects.filter(appeal=appeals[1]).values_list("pk", flat=True)
    )
    assert seen(cast.wang, AppealPhoto) == set(a1.photos.values_list("pk", flat=True))
    assert seen(cast.li, AppealPhoto) == set()


def test_notifications_are_private(cast, appeals):
    mine = set(Notification.objects.filter(user=cast.zhang).values_list("pk", flat=True))
    assert mine and seen(cast.zhang, Notification) == mine
    assert queries.unread_notifications(cast.zhang).count() == len(mine)


def test_worklists(cast, appeals):
    a1, a2, b, c = appeals
    assert set(queries.worklist(cast.zhang, "to_accept").values_list("pk", flat=True)) == {a1.pk, a2.pk}
    services.dispatch(services.accept(a1, by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    assert list(queries.worklist(cast.wang, "mine")) == [Appeal.objects.get(pk=a1.pk)]
    assert list(queries.worklist(cast.jumin, "submitted_by_me").values_list("pk", flat=True)) == [a1.pk]
    assert not queries.worklist(cast.li, "mine").exists()
