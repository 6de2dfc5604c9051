"""社区吹哨、部门报到, and the seeded taxonomy."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, Category, Notification, Summons
from shanzhi.appeals.services.actions import summons_actions
from shanzhi.core.errors import DomainError

from .conftest import snapshot

S = Appeal.Status


@pytest.fixture
def summoned(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    lead, assist = services.summon(
        a,
        by=cast.zhang,
        lead=cast.department,
        assisting=[cast.department2],
        parts={cast.department.pk: "清理违章搭建", cast.department2.pk: "核查房屋结构安全"},
    )
    return Appeal.objects.get(pk=a.pk), lead, assist


def test_summoning_makes_the_community_coordinate_and_tells_each_department(cast, summoned):
    a, lead, assist = summoned
    assert (a.status, a.assignee_kind, a.assignee_node) == (S.IN_PROGRESS, "node", cast.community)
    assert (lead.role, assist.role, lead.part) == ("lead", "assist", "清理违章搭建")
    assert Notification.objects.filter(user=cast.zheng, kind="summoned").exists()


def test_department_reports_and_finishes_its_part_then_the_coordinator_resolves(cast, summoned):
    a, lead, assist = summoned
    assert summons_actions(cast.zheng, lead) == ["report"]
    with pytest.raises(PermissionDenied):  # 郑部门 belongs to the lead department only
        services.report(assist, by=cast.zheng)
    services.report(lead, by=cast.zheng, note="已到现场")
    assert summons_actions(cast.zheng, Summons.objects.get(pk=lead.pk)) == ["finish_part"]
    with pytest.raises(DomainError):
        services.report(lead, by=cast.zheng)  # already reported
    services.finish_part(lead, by=cast.zheng, result="违建已拆除")
    with pytest.raises(DomainError) as err:
        services.resolve(a, by=cast.zhang, result="已办结")
    assert err.value.code == "summons_pending" and "区住建局" in err.value.message
    services.cancel_summons(assist, by=cast.zhang, reason="经核查无需住建部门参与")
    a = services.resolve(a, by=cast.zhang, result="联合处置完毕")
    assert a.status == S.RESOLVED
    verbs = list(a.events.values_list("verb", flat=True))
    assert verbs[-5:] == ["summon", "report", "finish_part", "cancel_summons", "resolve"]
    assert Notification.objects.filter(user=cast.zhang, kind="part_done").exists()


def test_a_department_cannot_be_summoned_twice_or_given_two_leads(cast, summoned):
    a, lead, assist = summoned
    before = snapshot(a)
    with pytest.raises(DomainError):
        services.summon(a, by=cast.zhang, assisting=[cast.department])
    with pytest.raises(DomainError):
        services.summon(a, by=cast.zhang, lead=cast.department2)
    assert snapshot(a) == before


def test_only_the_coordinator_summons(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    with pytest.raises(PermissionDenied):
        services.summon(a, by=cast.wang, lead=cast.department)
    with pytest.raises(Http404):
        services.summon(a, by=cast.chen, lead=cast.department)
    assert not Summons.objects.exists()


@pytest.mark.django_db
def test_the_seeded_taxonomy_is_two_levels_and_covers_the_usual_matters():
    tops = set(
        Category.objects.filter(parent__isnull=True, code__regex=r"^\d{2}$").values_list("name", flat=True)
    )
    assert {
        "物业服务",
        "停车管理",
        "噪音扰民",
        "环境卫生",
        "消防隐患",
        "邻里纠纷",
        "供暖",
        "供水、供电、燃气",
        "养老服务",
        "市容秩序",
        "违章建设",
    } <= tops
    children = Category.objects.filter(parent__isnull=False, code__regex=r"^\d{4}$")
    assert children.count() >= 40
    assert not children.filter(parent__parent__isnull=False).exists()
    assert Category.objects.get(code="0804").deadline_unit == "hours"
