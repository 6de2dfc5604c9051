"""The appeals demo seed: every worklist tab and the metrics page have something to show."""

import datetime as dt
import io
import random

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shanzhi.accounts.models import User
from shanzhi.appeals import demo, queries
from shanzhi.appeals.models import Appeal, AppealDayStat, AppealEvent, Category
from shanzhi.appeals.tests.conftest import make_category
from shanzhi.registry.models import OrgNode


@pytest.fixture
def seeded(db, monkeypatch):
    # seed_demo would run every app's demo; here the registry's tiny district alone, then this one.
    monkeypatch.setattr("shanzhi.project.demo._seed_other_apps", lambda *args: None)
    call_command("seed_demo", "--scale", "tiny", "--seed", "3", stdout=io.StringIO())
    # The seeding migration's categories, unless a transactional test elsewhere flushed them.
    parent = None
    for code, name, value, handler in demo.PROBLEMS_CATEGORIES:
        if not Category.objects.filter(code=code).exists():
            parent = parent or make_category("D99", "演示（测）")
            make_category(code, name, value=value, handler=handler, parent=parent)
    district = OrgNode.objects.get(level="district")
    return demo.seed(district, random.Random(5), per_community=30, communities=1)


def test_every_worklist_tab_has_something(seeded):
    assert seeded["诉求"] == sum(n for _kind, n in demo.MIX) and "跳过（日历未录入）" not in seeded
    zhang, wang, zheng = (User.objects.get(username=u) for u in ("zhangshequ", "wangwangge", "zhengbumen"))
    empty = [
        b
        for b in queries.BUCKETS
        if b not in ("submitted_by_me", "mine", "summoned") and not queries.worklist(zhang, b).exists()
    ]
    assert not empty, f"empty tabs for the community: {empty}"
    assert queries.worklist(wang, "mine").exists()
    assert queries.worklist(zheng, "summoned").exists()


def test_the_story_times_are_plausible(seeded):
    now = timezone.now()
    for a in Appeal.objects.all():
        times = list(AppealEvent.objects.filter(appeal=a).order_by("id").values_list("at", flat=True))
        assert a.created_at == times[0] >= now - dt.timedelta(days=61)
        assert times == sorted(times) and times[-1] < now
        assert a.number.startswith(f"SZ{timezone.localdate(a.created_at):%Y%m%d}")
        if a.resolved_at:
            assert a.accepted_at < a.resolved_at
    assert Appeal.objects.filter(created_at__lt=now - dt.timedelta(days=20)).exists()


def test_the_metrics_page_shows_the_demo(seeded, client):
    assert AppealDayStat.objects.exists()
    client.force_login(User.objects.get(username="zhangshequ"))
    response = client.get(reverse("appeals:metrics"))
    assert response.status_code == 200


def test_seeding_again_with_if_empty_does_nothing(seeded):
    before = (Appeal.objects.count(), AppealEvent.objects.count())
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert (Appeal.objects.count(), AppealEvent.objects.count()) == before
