"""The panels other apps add beside the appeals, counted against the rows they stand for, within
the node (rows built with the ORM: test data, not a workflow)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from shanzhi.coop.models import Need
from shanzhi.volunteering.models import Attendance, ServiceSession, Volunteer

PERIOD = "start=2026-03-01&end=2026-03-31"


def _served(cast, community, volunteer, minutes, status=Attendance.Status.CONFIRMED, day=2):
    start = timezone.make_aware(dt.datetime(2026, 3 if day > 0 else 2, abs(day) or 1, 9))
    session = ServiceSession.objects.create(
        community=community,
        origin="activity",
        title="义务理发",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        organiser=cast.zhang,
    )
    Attendance.objects.create(
        session=session,
        volunteer=volunteer,
        status=status,
        derived_minutes=minutes,
        confirmed_minutes=minutes,
    )


def _counts(client, node):
    dc = client.get(reverse("datacentre:node", args=[node.pk]) + "?" + PERIOD).context["dc"]
    return {str(p.title): [c.count for c in p.counts] for p in dc["panels"]}


def test_volunteer_hours_and_needs_met_by_node(cast, client):
    ma = Volunteer.objects.create(user=cast.ma, community=cast.community, name="马志愿")
    niu = Volunteer.objects.create(user=cast.jumin, community=cast.community, name="牛志愿")
    bai = Volunteer.objects.create(user=cast.he, community=cast.community_b, name="白志愿")
    _served(cast, cast.community, ma, 90)
    _served(cast, cast.community, ma, 30)
    _served(cast, cast.community, niu, 60)
    _served(cast, cast.community, niu, 600, status=Attendance.Status.CHECKED_OUT)  # not confirmed
    _served(cast, cast.community, niu, 600, day=-10)  # February: another period
    _served(cast, cast.community_b, bai, 60)
    for status in ("open", "claimed", "done", "done", "submitted"):
        Need.objects.create(
            community=cast.community,
            title="助老",
            category="elderly",
            scope="common",
            source="self",
            status=status,
            submitted_by=cast.zhang,
        )
    Need.objects.create(
        community=cast.community_b,
        title="助学",
        category="education",
        scope="common",
        source="self",
        status="done",
        submitted_by=cast.liu,
    )
    client.force_login(cast.zhang)
    counts = _counts(client, cast.community)
    assert counts["志愿服务"] == [3.0, 2]  # 90 + 30 + 60 minutes, by 马 and 牛
    assert counts["共建需求"] == [4, 2]  # listed (not awaiting review), met
    client.force_login(cast.liu)
    counts = _counts(client, cast.street)
    assert counts["志愿服务"] == [4.0, 3]
    assert counts["共建需求"] == [5, 3]
