"""The data centre's demo seed: one report of last month, made, in the district leader's archive."""

import io

from django.core.management import call_command
from django.urls import reverse

from shanzhi.accounts.models import User
from shanzhi.datacentre import demo
from shanzhi.datacentre.models import Report
from shanzhi.registry.models import OrgNode


def test_demo_leaves_one_made_report(db, monkeypatch, client):
    # The registry's tiny district alone (its demo logins included), then this app's seed.
    monkeypatch.setattr("shanzhi.project.demo._seed_other_apps", lambda *args: None)
    call_command("seed_demo", "--scale", "tiny", "--seed", "3", stdout=io.StringIO())
    district = OrgNode.objects.get(level="district")
    assert demo.seed(district) == {"reports": 1}
    report = Report.objects.get()
    assert report.status == Report.Status.DONE and report.node == district
    assert report.xlsx and report.pdf
    client.force_login(User.objects.get(username="wuquzhang"))
    assert client.get(reverse("datacentre:report_file", args=[report.pk, "pdf"])).status_code == 200
