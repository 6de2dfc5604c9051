"""The project list (progress from sub-projects) and co-construction agreements (promised vs delivered)."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from shanzhi.accounts import permissions
from shanzhi.coop import queries, services
from shanzhi.coop.models import Agreement, Commitment, Project
from shanzhi.core.errors import DomainError
from shanzhi.volunteering.services import checkin


@pytest.fixture
def renovation(cast):
    parent = services.create_project(
        node=cast.street,
        title="东街道老旧小区改造",
        category="housing",
        by=cast.liu,
        lead_department=cast.department2,
        departments=[cast.department],
        budget="860.5",
    )
    roofs = services.create_project(
        node=cast.community,
        parent=parent,
        title="幸福小区屋面防水",
        category="housing",
        by=cast.zhang,
        lead_unit=cast.unit,
        weight=3,
    )
    pipes = services.create_project(
        node=cast.community,
        parent=parent,
        title="供暖管网改造",
        category="housing",
        by=cast.zhang,
        lead_department=cast.department2,
        weight=1,
    )
    return parent, roofs, pipes


def progress(project):
    return Project.objects.get(pk=project.pk).progress


def test_parent_progress_is_weighted_from_children(cast, renovation):
    parent, roofs, pipes = renovation
    services.set_progress(roofs, progress=60, by=cast.zhang, note="防水层完成")
    assert progress(parent) == 45  # (60*3 + 0*1) / 4
    services.set_progress(pipes, progress=100, by=cast.zhang)
    assert progress(parent) == 70
    assert Project.objects.get(pk=roofs.pk).status == Project.Status.IN_PROGRESS
    with pytest.raises(DomainError) as err:
        services.set_progress(parent, progress=90, by=cast.liu)
    assert err.value.field == "progress"
    verbs = list(parent.events.values_list("verb", "from_status", "to_status"))
    assert ("progress", "45", "70") in verbs


def test_progress_and_status_checks(cast, renovation):
    _parent, roofs, _pipes = renovation
    with pytest.raises(DomainError) as err:
        services.set_progress(roofs, progress=120, by=cast.zhang)
    assert err.value.field == "progress"
    with pytest.raises(DomainError) as err:
        services.set_status(roofs, status="done", by=cast.zhang)
    assert err.value.field == "status"
    with pytest.raises(DomainError) as err:
        services.create_project(node=cast.community, title="x", category="housing", by=cast.zhang)
    assert err.value.field == "lead"


def test_milestones(cast, renovation):
    _parent, roofs, _pipes = renovation
    first = services.add_milestone(roofs, title="招标完成", due_on="2026-04-30", by=cast.zhang)
    services.complete_milestone(first, done_on="2026-04-28", by=cast.zhang)
    with pytest.raises(DomainError):
        services.complete_milestone(first, done_on="2026-04-29", by=cast.zhang)
    with pytest.raises(DomainError) as err:
        services.add_milestone(roofs, title="竣工验收", due_on="年底", by=cast.zhang)
    assert err.value.field == "due_on"


def test_project_scope(cast, renovation):
    parent, roofs, pipes = renovation
    seen = set(permissions.visible(cast.zhang, Project).values_list("pk", flat=True))
    assert seen == {parent.pk, roofs.pk, pipes.pk}  # the street's project concerns community A too
    assert set(permissions.visible(cast.chen, Project).values_list("pk", flat=True)) == {parent.pk}
    assert not permissions.visible(cast.zhou, Project).exists()
    assert set(permissions.visible(cast.he, Project).values_list("pk", flat=True)) >= {roofs.pk}
    with pytest.raises(Http404):
        services.set_progress(roofs, progress=10, by=cast.chen)
    assert [p.pk for p, _depth in queries.project_tree(parent)] == [parent.pk, roofs.pk, pipes.pk]


# --- agreements ------------------------------------------------------------------------------------

COMMITMENTS = [
    {"kind": "org", "content": "支部联建共学", "promised_count": 4},
    {"kind": "venue", "content": "开放职工活动室", "promised_count": 2},
    {"kind": "activity", "content": "义诊进社区", "promised_count": 3},
    {"kind": "talent", "content": "社区工作者急救培训", "promised_count": 1},
]


@pytest.fixture
def agreement(cast):
    today = timezone.localdate()
    return services.sign_agreement(
        unit=cast.unit,
        community=cast.community,
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        unit_signatory="院党委书记",
        signed_on=today.replace(month=1, day=1),
        commitments=COMMITMENTS,
        by=cast.zhao,
    )


def test_delivered_is_counted_from_recorded_activities(cast, agreement):
    activity = agreement.commitments.get(kind="activity")
    for i in range(2):
        services.record_joint_activity(
            activity, title=f"义诊第{i + 1}次", held_on=timezone.localdate(), participants=30, by=cast.he
        )
    org = agreement.commitments.get(kind="org")
    services.record_joint_activity(org, title="联合主题党日", held_on=timezone.localdate(), by=cast.zhang)
    rows = {
        r.commitment.kind: (r.promised, r.delivered, r.percent, r.met)
        for r in queries.agreement_progress(agreement)
    }
    assert rows == {
        "org": (4, 1, 25, False),
        "venue": (2, 0, 0, False),
        "activity": (3, 2, 67, False),
        "talent": (1, 0, 0, False),
    }
    overview = queries.agreements_overview(cast.zhang)
    assert [(o["promised"], o["delivered"]) for o in overview] == [(10, 3)]


def test_activity_outside_the_period_is_refused(cast, agreement):
    talent = agreement.commitments.get(kind="talent")
    with pytest.raises(DomainError) as err:
        services.record_joint_activity(
            talent, title="培训", held_on=agreement.period_end + datetime.timedelta(days=1), by=cast.zhang
        )
    assert err.value.field == "held_on"
    assert not talent.activities.exists()


def test_bad_commitment_names_its_row(cast):
    bad = [COMMITMENTS[0], {"kind": "venue", "content": "活动室", "promised_count": 0}]
    with pytest.raises(DomainError) as err:
        services.sign_agreement(
            unit=cast.unit,
            community=cast.community,
            period_start="2026-01-01",
            period_end="2026-12-31",
            unit_signatory="书记",
            signed_on="2026-01-01",
            commitments=bad,
            by=cast.zhao,
        )
    assert err.value.field == "commitments.1.promised_count"
    assert not Agreement.objects.exists() and not Commitment.objects.exists()


def test_overlapping_agreement_is_refused(cast, agreement):
    with pytest.raises(DomainError) as err:
        services.sign_agreement(
            unit=cast.unit,
            community=cast.community,
            period_start=agreement.period_end,
            period_end=agreement.period_end + datetime.timedelta(days=30),
            unit_signatory="书记",
            signed_on=agreement.period_end,
            commitments=COMMITMENTS,
            by=cast.zhao,
        )
    assert err.value.code == "duplicate"


def test_only_the_unit_or_community_records_delivery(cast, agreement, co):
    org = agreement.commitments.get(kind="org")
    with pytest.raises(Http404):
        services.record_joint_activity(org, title="x", held_on=timezone.localdate(), by=co.qian)
    with pytest.raises(Http404):
        services.record_joint_activity(org, title="x", held_on=timezone.localdate(), by=cast.chen)
    with pytest.raises(Http404):
        services.sign_agreement(
            unit=cast.unit,
            community=cast.community_b,
            period_start="2026-01-01",
            period_end="2026-12-31",
            unit_signatory="书记",
            signed_on="2026-01-01",
            commitments=COMMITMENTS,
            by=cast.zhao,
        )


def test_joint_activity_with_walk_in_check_in(cast, agreement, vol):
    now = timezone.now()
    activity = agreement.commitments.get(kind="activity")
    joint = services.record_joint_activity(
        activity,
        title="健康讲座",
        held_on=timezone.localdate(),
        by=cast.he,
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(hours=1),
    )
    attendance = checkin.scan(checkin.make_token(joint.session), vol.ma)
    assert attendance.status == "checked_in" and joint.session.organiser == cast.he
