"""Inspection photos opened through a permission-checked view (the evaluation's own scope), and an
evaluation run that fails or dies: it ends as failed, keeps its progress and never blocks the
period (on the module's shared data, ``red``)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from .. import services
from ..models import Evaluation, EvaluationRun
from ..services import evaluations

pytestmark = pytest.mark.django_db


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, format="JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_an_inspection_photo_is_seen_by_whoever_sees_the_evaluation(client, red, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = red.cast
    entry = services.enter(c.company, red.period, red.clean, value="2", photo=_jpeg(), by=c.zhang)
    url = reverse("property:entry_photo", kwargs={"pk": entry.pk})
    # The community and street over the compound, the district, and the company itself (its score
    # rests on this evidence).
    for user in (c.zhang, c.wang, c.liu, c.sun, c.feng):
        client.force_login(user)
        got = client.get(url)
        assert got.status_code == 200, user.username
        assert got["Content-Type"] == "image/jpeg" and got["X-Content-Type-Options"] == "nosniff"
        assert got["Content-Disposition"].startswith("inline") and "no-store" in got["Cache-Control"]
        assert b"".join(got.streaming_content).startswith(b"\xff\xd8\xff")
    for user in (c.chen, c.jumin, c.nobody, c.he):  # another community, a resident, no role
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
    client.logout()
    assert client.get(url).status_code == 302


def test_the_evaluation_and_inspection_pages_show_the_photo(client, red, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = red.cast
    entry = services.enter(c.company, red.period, red.clean, value="2", photo=_jpeg(), by=c.zhang)
    url = reverse("property:entry_photo", kwargs={"pk": entry.pk})
    client.force_login(c.zhang)
    inspect = reverse("property:inspect", kwargs={"period": red.period.pk, "company": c.company.pk})
    assert f'src="{url}"' in client.get(inspect).content.decode()
    evaluation = reverse("property:evaluation", kwargs={"pk": entry.evaluation_id})
    assert f'src="{url}"' in client.get(evaluation).content.decode()
    api = f"/api/v1/property/evaluations/entries/{entry.pk}/photo"
    from shanzhi.coop.tests.test_api import call

    assert call(client, "get", api, c.feng).status_code == 200
    assert call(client, "get", api, c.chen).status_code == 404


def test_an_entry_without_a_photo_has_none_to_open(client, red):
    c = red.cast
    entry = services.enter(c.company, red.period, red.rules, value="5", by=c.zhang)
    client.force_login(c.zhang)
    assert client.get(reverse("property:entry_photo", kwargs={"pk": entry.pk})).status_code == 404


def _raising_for(company, real):
    def score(period, companies, now=None):
        if any(co.pk == company.pk for co in companies):
            raise RuntimeError("scoring exploded")
        return real(period, companies, now=now)

    return score


def test_a_run_that_raises_ends_as_failed_keeping_its_progress(red, monkeypatch):
    c = red.cast
    monkeypatch.setattr(evaluations, "RUN_CHUNK", 1)
    monkeypatch.setattr(evaluations, "score_companies", _raising_for(c.company2, evaluations.score_companies))
    run = services.start_run(red.period, by=c.sun)  # tasks run inline in tests
    run.refresh_from_db()
    assert run.status == "failed" and run.finished_at is not None
    assert run.done == 1 and run.total == 3  # 安居物业 (first by id) was scored and is kept
    assert "1 / 3" in run.error and "exploded" not in run.error  # for staff; the detail is logged
    assert Evaluation.objects.get(company=c.company, period=red.period).scored_at is not None
    monkeypatch.undo()
    again = services.start_run(red.period, by=c.sun)  # a failure does not block the period
    again.refresh_from_db()
    assert again.status == "done" and again.done == 3


def test_the_run_page_and_api_show_the_failure(client, red, monkeypatch):
    c = red.cast
    monkeypatch.setattr(
        evaluations, "score_companies", _raising_for(red.company3, evaluations.score_companies)
    )
    run = services.start_run(red.period, by=c.sun)
    client.force_login(c.sun)
    page = client.get(reverse("property:run", kwargs={"pk": run.pk})).content.decode()
    assert "失败" in page and "请联系系统管理员" in page
    from shanzhi.coop.tests.test_api import call

    got = call(client, "get", f"/api/v1/property/runs/{run.pk}", c.sun).json()
    assert got["status"] == "failed" and got["error"]


def test_a_run_stuck_without_progress_for_an_hour_no_longer_blocks(red):
    c = red.cast
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    stuck = EvaluationRun.objects.create(
        period=red.period, started_by=c.sun, status="running", total=3, done=1
    )
    EvaluationRun.objects.filter(pk=stuck.pk).update(created_at=long_ago, progress_at=long_ago)
    fresh = services.start_run(red.period, by=c.sun)
    fresh.refresh_from_db()
    stuck.refresh_from_db()
    assert fresh.status == "done"
    assert stuck.status == "failed" and stuck.done == 1 and stuck.error


def test_a_run_making_progress_still_blocks_a_second_one(red):
    c = red.cast
    recent = timezone.now() - datetime.timedelta(minutes=10)
    busy = EvaluationRun.objects.create(period=red.period, started_by=c.sun, status="running", total=3)
    EvaluationRun.objects.filter(pk=busy.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=3), progress_at=recent
    )
    from shanzhi.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.start_run(red.period, by=c.sun)
    assert refused.value.field == "period"
    assert EvaluationRun.objects.get(pk=busy.pk).status == "running"
    assert EvaluationRun.objects.count() == 1
