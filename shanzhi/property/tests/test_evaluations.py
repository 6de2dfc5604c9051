"""Schemes (versions, immutability), staff entries, residents' ratings, the appeal-loop figures
and the evaluation run, on the module's shared data (``red``)."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from PIL import Image

from shanzhi.appeals.models import Appeal, Category
from shanzhi.core.errors import DomainError

from .. import services
from ..models import Evaluation, EvaluationEntry, EvaluationRun, Indicator, ResidentRating, SchemeVersion
from ..services import evaluations

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, format="JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_published_version_never_changes(red):
    c = red.cast
    item = red.version.items.first()
    for call in (
        lambda: services.add_item(red.version, name="新项目", by=c.sun),
        lambda: services.add_indicator(
            item, name="x", rule="points", source="inspection", max_points="1", by=c.sun
        ),
        lambda: services.set_thresholds(red.version, excellent="95", good="85", passing="60", by=c.sun),
        lambda: services.publish(red.version, by=c.sun),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.field == "version"
    assert Indicator.objects.filter(item__version=red.version).count() == 8


def test_editing_makes_a_new_version_and_an_evaluation_keeps_its_own(red):
    c = red.cast
    evaluation = evaluations.evaluation_of(c.company, red.period)
    with pytest.raises(DomainError) as exc:
        services.new_version(red.version.scheme, effective_from="2026-01-01", by=c.sun)
    assert exc.value.field == "effective_from"
    v2 = services.new_version(red.version.scheme, effective_from="2026-07-01", by=c.sun)
    assert v2.number == 2 and Indicator.objects.filter(item__version=v2).count() == 8
    services.set_thresholds(v2, excellent="95", good="85", passing="70", by=c.sun)
    services.publish(v2, by=c.sun)
    assert evaluations.version_for(red.period) == v2
    # The evaluation already under way keeps v1; a company evaluated first now gets v2.
    assert Evaluation.objects.get(pk=evaluation.pk).version == red.version
    assert evaluations.evaluation_of(c.company2, red.period).version == v2


def test_scheme_refusals(red):
    c = red.cast
    v = services.create_scheme(c.district, name="试行方案", effective_from="2027-01-01", by=c.sun)
    item = services.add_item(v, name="保洁", by=c.sun)
    for kwargs, field in [
        ({"rule": "points", "source": "complaints", "max_points": "5"}, "rule"),
        ({"rule": "deduction", "source": "inspection", "max_points": "5"}, "deduction"),
        (
            {"rule": "deduction", "source": "inspection", "max_points": "5", "deduction": "1", "floor": "6"},
            "floor",
        ),
        ({"rule": "points", "source": "inspection", "max_points": "0"}, "max_points"),
        ({"rule": "points", "source": "mystery", "max_points": "5"}, "source"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.add_indicator(item, name="x", by=c.sun, **kwargs)
        assert exc.value.field == field, kwargs
    with pytest.raises(DomainError) as exc:
        services.publish(v, by=c.sun)  # no scored indicator yet
    assert exc.value.field == "version"
    with pytest.raises(DomainError) as exc:
        services.set_thresholds(v, excellent="80", good="80", passing="60", by=c.sun)
    assert exc.value.field == "good_min"
    with pytest.raises(PermissionDenied):
        services.add_item(v, name="x", by=c.liu)  # street staff read schemes, the district keeps them
    assert not Indicator.objects.filter(item__version=v).exists()
    assert SchemeVersion.objects.get(pk=v.pk).excellent_min == D("90")


def test_entries_from_a_phone_with_a_photo_and_their_refusals(red, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = red.cast
    entry = services.enter(
        c.company, red.period, red.clean, value="2", note="垃圾未清", photo=_jpeg(), by=c.zhang
    )
    assert entry.value == D("2") and entry.photo.name.endswith(".jpg")
    again = services.enter(c.company, red.period, red.clean, value="1", by=c.zhang)
    assert again.pk == entry.pk and EvaluationEntry.objects.get().value == D("1")  # replaced
    for indicator, value, field in [
        (red.rules, "10.5", "value"),  # above the full points
        (red.clean, "1.5", "value"),  # findings are whole
        (red.veto, "2", "value"),
        (red.residents, "5", "indicator"),  # computed, not entered
        (999999, "1", "indicator"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.enter(c.company, red.period, indicator, value=value, by=c.zhang)
        assert exc.value.field == field
    with pytest.raises(DomainError) as exc:
        bad = SimpleUploadedFile("p.jpg", b"not an image", content_type="image/jpeg")
        services.enter(c.company, red.period, red.rules, value="5", photo=bad, by=c.zhang)
    assert exc.value.field == "photo"
    assert EvaluationEntry.objects.count() == 1
    with pytest.raises(Http404):  # 陈社区 (东二) does not see 安居物业
        services.enter(c.company, red.period, red.rules, value="5", by=c.chen)
    with pytest.raises(PermissionDenied):  # the company never scores itself
        services.enter(c.company, red.period, red.rules, value="10", by=c.feng)
    with pytest.raises(PermissionDenied):
        services.enter(c.company, red.period, red.rules, value="10", by=c.wang)  # grid worker


def test_one_rating_per_household_a_second_replaces_it(red):
    c = red.cast
    services.rate(red.period, stars="3", by=c.jumin)
    services.rate(red.period, stars="5", comment="维修及时", by=c.jumin)
    rating = ResidentRating.objects.get()
    assert rating.stars == 5 and rating.company_id == c.company.pk and rating.household_id == c.household.pk
    for stars in ("0", "6", "4.5", ""):
        with pytest.raises(DomainError) as exc:
            services.rate(red.period, stars=stars, by=c.jumin)
        assert exc.value.field == "stars"
    with pytest.raises(PermissionDenied):
        services.rate(red.period, stars="1", by=c.zhang)
    assert ResidentRating.objects.get().stars == 5


def _appeal(c, n, *, deadline_day=None, on_time=False, rating=""):
    category = Category.objects.get_or_create(
        code="PX01",
        defaults={
            "name": "物业（测）",
            "deadline_value": 5,
            "deadline_unit": "workdays",
            "default_handler_kind": "grid",
        },
    )[0]
    filed = datetime.datetime(2026, 8, 3, 10, tzinfo=TZ)
    deadline = (
        datetime.datetime.combine(deadline_day, datetime.time(17, 30), tzinfo=TZ) if deadline_day else None
    )
    return Appeal.objects.create(
        number=f"PX{n:06d}",
        channel="web",
        title="电梯故障",
        description="电梯故障",
        category=category,
        building=c.building,
        community=c.community,
        path=c.grid.path,
        status="closed" if on_time is not None else "accepted",
        accepted_at=filed if deadline else None,
        deadline=deadline,
        resolved_at=filed + datetime.timedelta(days=1) if on_time else None,
        rating=rating,
        created_at=filed,
    )


def test_scoring_a_company_from_every_source(red):
    c = red.cast
    # 幸福小区 has 2 households (+0 more): 3 valid complaints → 150 per 100 households.
    _appeal(c, 1, deadline_day=datetime.date(2026, 8, 10), on_time=True, rating="satisfied")
    _appeal(c, 2, deadline_day=datetime.date(2026, 8, 10), on_time=False, rating="unsatisfied")
    _appeal(c, 3, deadline_day=datetime.date(2026, 8, 10), on_time=True, rating="basic")
    services.rate(red.period, stars="4", by=c.jumin)
    services.enter(c.company, red.period, red.rules, value="9.5", by=c.zhang)
    services.enter(c.company, red.period, red.clean, value="1", by=c.zhang)
    services.enter(c.company, red.period, red.opinion, value="27", by=c.zhao)
    ev = services.score_one(evaluations.evaluation_of(c.company, red.period), by=c.sun)
    assert ev.figures["households"] == 2 and ev.figures["complaints_per_100"] == "150.00"
    assert ev.figures["on_time"] == "0.6667" and ev.figures["satisfaction"] == "0.6667"
    assert ev.figures["residents"] == "0.8000"
    # 9.5 + 8 + 16 + max(0, 10 − 150) + 6.67 + 6.67 + 27 = 73.84 of 100 → 合格
    assert ev.score == D("73.84") and ev.grade == "pass" and not ev.vetoed
    services.enter(c.company, red.period, red.veto, value="1", note="电梯困人", by=c.zhang)
    ev = services.score_one(ev, by=c.sun)
    assert ev.score == D("73.84") and ev.vetoed and ev.grade == "fail"
    with pytest.raises(PermissionDenied):
        services.score_one(ev, by=c.feng)


def test_the_run_writes_its_progress_after_each_chunk(red, monkeypatch):
    """What the run page polls: ``done`` of ``total`` after each chunk, not only at the end."""
    monkeypatch.setattr(evaluations, "RUN_CHUNK", 1)
    seen = []
    score = evaluations.score_companies

    def watched(period, chunk):
        seen.append(EvaluationRun.objects.values_list("status", "done", "total").get())
        return score(period, chunk)

    monkeypatch.setattr(evaluations, "score_companies", watched)
    run = services.start_run(red.period, by=red.cast.sun)
    run.refresh_from_db()
    # Before each company: running, with the companies scored so far of the three.
    assert seen == [("running", 0, 3), ("running", 1, 3), ("running", 2, 3)]
    assert (run.status, run.done, run.total, run.percent) == ("done", 3, 3, 100)


def test_a_run_taken_for_dead_meanwhile_stays_failed_when_it_finishes(red, monkeypatch):
    score = evaluations.score_companies

    def stalled(period, chunk):
        # A newer run found this one silent for an hour and marked it failed (STALE_AFTER).
        EvaluationRun.objects.update(status="failed", error="stale")
        return score(period, chunk)

    monkeypatch.setattr(evaluations, "score_companies", stalled)
    run = services.start_run(red.period, by=red.cast.sun)
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "stale")


def test_the_run_scores_every_company_with_progress(red):
    c = red.cast
    run = services.start_run(red.period, by=c.sun)  # tasks run inline in tests
    run.refresh_from_db()
    assert run.status == "done" and run.done == run.total == 3 and run.percent == 100
    assert Evaluation.objects.filter(period=red.period, scored_at__isnull=False).count() == 3
    # Nothing entered or rated for 宜家物业 and no appeal: only 每百户投诉 has a figure (0 per 100
    # households: full points), every other indicator leaves the total.
    other = Evaluation.objects.get(company=c.company2)
    assert other.score == D("100.00") and other.figures["complaints_per_100"] == "0.00"
    assert other.figures["on_time"] is None
    with pytest.raises(PermissionDenied):
        services.start_run(red.period, by=c.liu)
    assert EvaluationRun.objects.count() == 1
    assert timezone.now() >= run.created_at
