"""Quarterly disclosure (公示) as a published snapshot: refused for an unfinished quarter (naming the
field), frozen and audited when published, public per district, and published by the schedule on
the first working day after the quarter, once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from shanzhi.coop.tests.test_api import call
from shanzhi.core import periodic
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.registry import services as registry
from shanzhi.registry.models import PropertyCompany

from .. import services
from ..models import Disclosure, Period
from ..services import disclosures

pytestmark = pytest.mark.django_db
API = "/api/v1/property/"


def _quarter(red, starts_on="2026-07-01"):
    return services.open_period(red.cast.district, kind="quarter", starts_on=starts_on, by=red.cast.sun)


def _current_quarter(red):
    today = timezone.localdate()
    return _quarter(red, dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1))


def test_an_unfinished_quarter_or_a_half_year_is_refused_naming_the_period(red):
    for period in (_current_quarter(red), red.period):
        with pytest.raises(DomainError) as exc:
            disclosures.publish(period, by=red.cast.sun)
        assert exc.value.field == "period"
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="property.disclosure_published").exists()


def test_only_the_districts_staff_publish(red):
    quarter = _quarter(red)
    for user in (red.cast.liu, red.cast.feng, red.cast.zhang):
        with pytest.raises(PermissionDenied):
            disclosures.publish(quarter, by=user)
    assert not Disclosure.objects.exists()


def test_publishing_freezes_the_figures_and_is_audited_once(client, red):
    c = red.cast
    quarter = _quarter(red)
    d = disclosures.publish(quarter, by=c.sun)
    assert {row["name"] for row in d.figures} == {"安居物业", "宜家物业", "西苑物业"}
    assert set(d.figures[0]) == {
        "company",
        "name",
        "households",
        "complaints",
        "complaints_per_100",
        "on_time",
        "satisfaction",
    }
    event = AuditEvent.objects.get(action="property.disclosure_published")
    assert event.actor_id == c.sun.pk and event.target_id == str(d.pk)
    with pytest.raises(DomainError) as exc:
        disclosures.publish(quarter, by=c.sun)
    assert exc.value.field == "period"
    # A later rename does not rewrite what was published.
    PropertyCompany.objects.filter(pk=c.company.pk).update(name="改名物业")
    page = client.get(reverse("property:public_disclosure")).content.decode()
    assert "安居物业" in page and "改名物业" not in page
    assert Disclosure.objects.count() == 1


def test_the_public_page_and_api_show_published_quarters_per_district_newest_first(client, red):
    c = red.cast
    older, newer = _quarter(red, "2026-04-01"), _quarter(red, "2026-07-01")
    _current_quarter(red)  # opened, unfinished: never shown
    disclosures.publish(older, by=c.sun)
    disclosures.publish(newer, by=c.sun)
    other = registry.create_node(level="district", code="370403", name="邻区")
    registry.create_property_company(name="邻区物业", district=other)
    theirs = Period.objects.create(
        district=other, kind="quarter", starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 9, 30)
    )
    disclosures.publish(theirs, by=None)  # the schedule's way: no user

    page = client.get(reverse("property:public_disclosure"), {"district": c.district.pk})
    html = page.content.decode()
    assert page.status_code == 200 and "安居物业" in html and "邻区物业" not in html
    assert "2026 Q3" in html and "2026 Q2" in html and "2026 Q4" not in html
    page = client.get(reverse("property:public_disclosure"), {"district": other.pk}).content.decode()
    assert "邻区物业" in page and "安居物业" not in page

    districts = client.get(f"{API}public/disclosures/districts").json()
    assert {d["name"] for d in districts} == {"示范区", "邻区"}
    listed = client.get(f"{API}public/districts/{c.district.pk}/disclosures").json()
    assert listed["count"] == 2
    assert [d["period"] for d in listed["items"]] == ["2026 Q3", "2026 Q2"]
    assert listed["items"][0]["rows"] is None and listed["items"][0]["scheduled"] is False
    one = client.get(f"{API}public/disclosures/{listed['items'][0]['id']}").json()
    assert {r["name"] for r in one["rows"]} == {"安居物业", "宜家物业", "西苑物业"}
    assert client.get(f"{API}public/districts/{c.street.pk}/disclosures").status_code == 404
    assert client.get(f"{API}public/disclosures/{2**63}").status_code == 404


def test_publishing_through_the_api(client, red):
    c = red.cast
    quarter, current = _quarter(red), _current_quarter(red)
    refused = call(client, "post", f"{API}periods/{current.pk}/disclosure", c.sun)
    assert refused.status_code == 400 and refused.json()["field"] == "period"
    assert call(client, "post", f"{API}periods/{quarter.pk}/disclosure", c.liu).status_code == 403
    made = call(client, "post", f"{API}periods/{quarter.pk}/disclosure", c.sun)
    assert made.status_code == 201 and made.json()["period"] == "2026 Q3"
    assert len(made.json()["rows"]) == 3
    again = call(client, "post", f"{API}periods/{quarter.pk}/disclosure", c.sun)
    assert again.status_code == 400 and again.json()["field"] == "period"
    assert Disclosure.objects.count() == 1


def test_the_publish_page(client, red):
    c = red.cast
    quarter, current = _quarter(red), _current_quarter(red)
    client.force_login(c.sun)
    page = client.get(reverse("property:disclosures")).content.decode()
    assert str(quarter) in page and str(current) in page
    refused = client.post(reverse("property:disclosure_publish", kwargs={"period": current.pk}))
    assert refused.status_code == 400 and not Disclosure.objects.exists()
    done = client.post(reverse("property:disclosure_publish", kwargs={"period": quarter.pk}))
    assert done.status_code == 302 and Disclosure.objects.get().period == quarter


@pytest.fixture
def scheduled(settings):
    settings.SHANZHI_QUARTERLY_DISCLOSURE = True


def _at(day):
    return dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone())


def test_the_schedule_publishes_last_quarter_once_from_the_first_working_day(red, scheduled):
    c = red.cast
    # 1–7 October 2026 is the National Day holiday; the first working day after it is 8 October.
    assert periodic.run(_at(dt.date(2026, 10, 7)))["quarterly_disclosure"] == 0
    assert not Disclosure.objects.exists()
    assert periodic.run(_at(dt.date(2026, 10, 8)))["quarterly_disclosure"] == 1
    d = Disclosure.objects.select_related("period").get()
    assert (d.period.district_id, d.period.kind, d.period.starts_on, d.published_by) == (
        c.district.pk,
        "quarter",
        dt.date(2026, 7, 1),
        None,
    )
    assert AuditEvent.objects.filter(action="property.disclosure_published", actor_id=None).count() == 1
    # Every later sweep of the quarter: nothing twice.
    assert periodic.run(_at(dt.date(2026, 10, 8)) + dt.timedelta(minutes=5))["quarterly_disclosure"] == 0
    assert periodic.run(_at(dt.date(2026, 12, 1)))["quarterly_disclosure"] == 0
    assert Disclosure.objects.count() == 1


def test_the_schedule_leaves_a_quarter_its_staff_published(red, scheduled):
    disclosures.publish(_quarter(red, "2026-04-01"), by=red.cast.sun)
    assert periodic.run(_at(dt.date(2026, 7, 1)))["quarterly_disclosure"] == 0
    assert Disclosure.objects.get().published_by == red.cast.sun


def test_the_schedule_is_off_where_turned_off(red):
    assert periodic.run(_at(dt.date(2026, 10, 8)))["quarterly_disclosure"] == 0
    assert not Disclosure.objects.exists()


@pytest.fixture
def race_red(pg_race_db):
    from shanzhi.tests.cast import build_cast

    from .conftest import PASSWORD, build_red

    return build_red(build_cast(password=PASSWORD))


def test_staff_and_sweeps_publishing_at_once_make_one_disclosure(race_red):
    from .test_races import at_once

    c = race_red.cast
    quarter = services.open_period(c.district, kind="quarter", starts_on="2026-07-01", by=c.sun)
    results = at_once(*[lambda by=by: disclosures.publish(quarter, by=by) for by in [c.sun, None] * 4])
    assert sum(isinstance(r, Disclosure) for r in results) == 1
    assert all(isinstance(r, (Disclosure, DomainError)) for r in results), results
    assert Disclosure.objects.count() == 1
    assert AuditEvent.objects.filter(action="property.disclosure_published").count() == 1
