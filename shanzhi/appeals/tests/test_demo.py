"""The appeals demo seed: every worklist tab and the metrics page have something to show."""

import datetime as dt
import io
import random
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from shanzhi.accounts.models import User
from shanzhi.appeals import demo, queries, services
from shanzhi.appeals.models import Appeal, AppealCounter, AppealDayStat, AppealEvent, Category, InvalidKind
from shanzhi.appeals.tests.conftest import MONDAY, make_category
from shanzhi.registry.models import OrgNode


def _seed_district():
    # seed_demo would run every app's demo; here the registry's tiny district alone, then this one.
    with mock.patch("shanzhi.project.demo._seed_other_apps", lambda *args: None):
        call_command("seed_demo", "--scale", "tiny", "--seed", "3", stdout=io.StringIO())
    # The seeding migration's categories, unless a transactional test elsewhere flushed them.
    parent = None
    for code, name, value, handler in demo.PROBLEMS_CATEGORIES:
        if not Category.objects.filter(code=code).exists():
            parent = parent or make_category("D99", "演示（测）")
            make_category(code, name, value=value, handler=handler, parent=parent)
    return OrgNode.objects.get(level="district")


@pytest.fixture
def district(db):
    return _seed_district()


# Across a whole year: the end of the known calendar, the provisional year, and the days around the
# 2027 Spring Festival (除夕 is Friday 5 February 2027, 正月初一 the 6th, 初三 Monday the 8th). One
# district's registry is seeded once; each day's appeals are seeded and rolled back.
SEED_DAYS = [
    "2026-12-04",
    "2026-12-18",
    "2026-12-20",
    "2026-12-28",
    "2026-12-31",
    "2027-01-05",
    "2027-02-04",
    "2027-02-09",
    "2027-07-15",
]


def test_the_demo_seeds_on_any_day_of_the_year(district):
    resident = User.objects.filter(role_grants__role="resident").first()
    assert resident is not None
    provisional = {}
    for day in SEED_DAYS:
        moment = dt.datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=ZoneInfo("Asia/Shanghai"))
        with time_machine.travel(moment, tick=False), transaction.atomic():
            counts = demo.seed(district, random.Random(7), per_community=30, communities=1)
            assert counts["诉求"] == sum(n for _kind, n in demo.MIX) + counts["hotline"], day  # none skipped
            numbers = list(Appeal.objects.values_list("number", "created_at"))
            assert len({n for n, _c in numbers}) == len(numbers)
            assert all(n.startswith(f"SZ{timezone.localdate(c):%Y%m%d}") for n, c in numbers), day
            for counter in AppealCounter.objects.all():  # the next intake of any day gets a free number
                used = [int(n[10:]) for n, c in numbers if timezone.localdate(c) == counter.day]
                assert counter.value >= max(used, default=0), day
            services.submit(
                by=resident,
                channel="web",
                title="再报一件",
                description="测试",
                category=Category.objects.filter(code="0402").first(),
                node=OrgNode.objects.filter(level="grid").first(),
            )
            provisional[day] = Appeal.objects.filter(deadline_provisional=True).count()
            transaction.set_rollback(True)
    # A deadline reaching 2027 is provisional in December and final in a year the library knows.
    assert provisional["2026-12-04"] == 0 and provisional["2026-12-28"] > 0


def test_renumbering_skips_the_numbers_of_appeals_it_does_not_move(cast, file_appeal):
    kept = file_appeal()  # filed today outside the stories (as a story that stopped half-way was)
    moved = [file_appeal() for _i in range(3)]
    demo.timeline.renumber([a.pk for a in moved])
    numbers = set(Appeal.objects.values_list("number", flat=True))
    assert len(numbers) == 4 and Appeal.objects.get(pk=kept.pk).number == kept.number
    assert AppealCounter.objects.get(day=timezone.localdate()).value == 4
    assert file_appeal().number not in numbers  # the next intake today gets a free number


def test_the_demo_gives_the_assessment_something_to_count(district):
    for code, name in (
        ("consult", "咨询已答复"),
        ("duplicate", "重复诉求"),
        ("out_of_scope", "不属于受理范围"),
    ):
        InvalidKind.objects.get_or_create(code=code, defaults={"name": name})
    demo.seed(district, random.Random(5), per_community=30, communities=1)
    visited = Appeal.objects.exclude(rating="")
    assert visited.exists() and not visited.filter(solved="").exists()  # both answers, every time
    assert visited.filter(solved="partly").exists() or visited.filter(rating="basic").exists()
    assert Appeal.objects.filter(unreachable=True, status=Appeal.Status.CLOSED).exists()
    invalid = Appeal.objects.filter(invalid_kind__isnull=False, status=Appeal.Status.REJECTED)
    assert invalid.filter(accepted_at__isnull=True).exists()  # refused as invalid at once
    assert invalid.filter(accepted_at__isnull=False).exists()  # and after acceptance
    assert Appeal.objects.filter(responded_on_time=True).exists()


# The district and its appeals seeded once for the class below (a seed takes seconds).
@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with time_machine.travel(MONDAY, tick=True), transaction.atomic():
            counts = demo.seed(_seed_district(), random.Random(5), per_community=30, communities=1)
            counts = {**counts, "_seeded_at": timezone.now()}
            yield counts
            transaction.set_rollback(True)


@pytest.mark.django_db
class TestTheSeededDemo:
    """The district and its appeals seeded once for these tests, which only look at them (a seed
    takes seconds): each test runs in its own savepoint inside the class's transaction, rolled back
    after the last, and at the moment the seed ended, as when each test seeded its own."""

    @pytest.fixture(autouse=True)
    def _fixed_day(self, seeded):
        with time_machine.travel(seeded["_seeded_at"], tick=True):
            yield

    def test_every_worklist_tab_has_something(self, seeded):
        assert seeded["诉求"] == sum(n for _kind, n in demo.MIX) + seeded["hotline"]
        assert "跳过（日历未录入）" not in seeded
        zhang, wang, zheng = (
            User.objects.get(username=u) for u in ("zhangshequ", "wangwangge", "zhengbumen")
        )
        empty = [
            b
            for b in queries.BUCKETS
            if b not in ("submitted_by_me", "mine", "summoned", "to_locate")
            and not queries.worklist(zhang, b).exists()
        ]
        assert not empty, f"empty tabs for the community: {empty}"
        # The 待定位 queue is the district's and streets' (two Open311 reports by address alone).
        assert seeded["待定位"] == 2 and not queries.worklist(zhang, "to_locate").exists()
        street = User.objects.get(username="liujiedao")
        assert queries.worklist(street, "to_locate").count() == 2
        assert queries.worklist(wang, "mine").exists()
        assert queries.worklist(zheng, "summoned").exists()

    def test_hotline_cases_carry_the_centres_deadline_and_one_went_back_to_the_city(self, seeded):
        hotline = Appeal.objects.filter(channel="hotline")
        assert seeded["hotline"] == hotline.count() == 3
        assert not hotline.filter(city_deadline__isnull=True).exists()
        returned = hotline.get(status=Appeal.Status.TO_CITY)
        assert returned.city_return_reason and returned.events.filter(verb="return_to_city").exists()
        assert hotline.filter(status="accepted", deadline__isnull=False).exists()

    def test_the_story_times_are_plausible(self, seeded):
        now = timezone.now()
        for a in Appeal.objects.all():
            times = list(AppealEvent.objects.filter(appeal=a).order_by("id").values_list("at", flat=True))
            assert a.created_at == times[0] >= now - dt.timedelta(days=61)
            assert times == sorted(times) and times[-1] < now
            assert a.number.startswith(f"SZ{timezone.localdate(a.created_at):%Y%m%d}")
            if a.resolved_at:
                assert a.accepted_at < a.resolved_at
        assert Appeal.objects.filter(created_at__lt=now - dt.timedelta(days=20)).exists()

    def test_the_metrics_page_shows_the_demo(self, seeded, client):
        assert AppealDayStat.objects.exists()
        client.force_login(User.objects.get(username="zhangshequ"))
        response = client.get(reverse("appeals:metrics"))
        assert response.status_code == 200

    def test_seeding_again_with_if_empty_does_nothing(self, seeded):
        before = (Appeal.objects.count(), AppealEvent.objects.count())
        out = io.StringIO()
        call_command("seed_demo", "--if-empty", stdout=out)
        assert "跳过" in out.getvalue()
        assert (Appeal.objects.count(), AppealEvent.objects.count()) == before

    def test_the_demo_shows_issue_13s_loop(self, seeded):
        """Category flags (§5, §8), self-handled patrol finds (§8), notes of both audiences (§7) and
        contact phones to reveal (§6)."""
        flagged = Category.objects.filter(code="0402").values_list("grid_self_handle", flat=True).first()
        assert flagged is None or flagged  # the seeded row, when the seeding migration's rows are there
        accepted_by_finder = AppealEvent.objects.filter(verb="accept", data__self_handle=True)
        if flagged:
            assert seeded["self_handled"] == 2 and accepted_by_finder.count() == 2
        assert set(AppealEvent.objects.exclude(note="").values_list("note_visibility", flat=True)) == {
            "internal",
            "resident",
        }
        assert Appeal.objects.exclude(contact_phone_index="").exists()
