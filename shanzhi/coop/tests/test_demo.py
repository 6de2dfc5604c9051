"""The demo seeds of co-construction and the love bank, on the registry's tiny demo district."""

import io
import random

import pytest
from django.core.management import call_command
from django.db.models import Sum

from shanzhi.coop import demo as coop_demo
from shanzhi.coop.models import Agreement, Claim, Need, Order, Project, Resource
from shanzhi.registry.models import OrgNode
from shanzhi.volunteering import demo as volunteering_demo
from shanzhi.volunteering.models import Account, Activity, Attendance, Movement, PointsTally, Volunteer


@pytest.fixture
def district(db, monkeypatch):
    # seed_demo runs these seeds itself; here they run alone on the registry's district.
    monkeypatch.setattr("shanzhi.project.demo._seed_other_apps", lambda *args: None)
    call_command("seed_demo", "--scale", "tiny", "--seed", "3", stdout=io.StringIO())
    return OrgNode.objects.get(level="district")


def test_demo_seeds_everything_through_the_services(district):
    vol_counts = volunteering_demo.seed(district, random.Random(5), volunteers_per_community=6)
    coop_counts = coop_demo.seed(district, random.Random(5), members_per_community=3)
    communities = OrgNode.objects.filter(level="community").count()
    assert vol_counts["志愿者"] >= 6 * communities and Activity.objects.count() == 8 * communities
    assert Attendance.objects.filter(status="confirmed").exists()
    assert coop_counts["资源"] == 6 * communities and Resource.objects.filter(status="published").count()
    assert Need.objects.exists() and Order.objects.filter(status="rated").exists()
    assert Claim.objects.filter(status__in=["done", "rated"]).exists() and Agreement.objects.exists()
    street_project = Project.objects.get(node__level="street")
    assert street_project.children.exists() and street_project.progress > 0
    for account in Account.objects.all():  # the ledger is balanced after the demo
        credit = Movement.objects.filter(credit=account).aggregate(s=Sum("amount"))["s"] or 0
        debit = Movement.objects.filter(debit=account).aggregate(s=Sum("amount"))["s"] or 0
        assert account.balance == credit - debit
    hours = {v.pk: v.confirmed_minutes for v in Volunteer.objects.all()}
    confirmed = dict(
        Attendance.objects.filter(status="confirmed")
        .values("volunteer")
        .annotate(m=Sum("confirmed_minutes"))
        .values_list("volunteer", "m")
    )
    assert {k: v for k, v in hours.items() if v} == confirmed
    assert PointsTally.objects.filter(grain="Y").exists()
