"""The vote pages: an owner votes on the phone, staff call, open, enter paper, confirm and close."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ..models import Ballot, Vote
from .conftest import end_period, new_vote


def test_owner_votes_and_changes_on_the_vote_page(cast, roll, login):
    vote = new_vote(cast)
    client = login(cast.jumin)
    page = client.get(reverse("property:vote", args=[vote.pk]))
    assert page.status_code == 200 and "同意" in page.text and "实时计票" in page.text
    assert "同意面积" not in page.text  # owners see participation, not the yes figures, while it runs
    url = reverse("property:vote_cast", args=[vote.pk])
    assert client.post(url, {"choice": "no", "owner": roll.a.pk}).status_code == 302
    client.post(url, {"choice": "yes", "owner": roll.a.pk})
    assert Ballot.objects.get(vote=vote).choice == "yes"
    bad = client.post(url, {"choice": "<script>", "owner": roll.a.pk}, follow=True)
    assert "请选择同意、反对或弃权" in bad.text and Ballot.objects.get(vote=vote).choice == "yes"


def test_staff_call_open_enter_paper_confirm_and_close(cast, roll, login):
    zhang = login(cast.zhang)
    bad = zhang.post(
        reverse("property:vote_new"),
        {"compound": cast.compound.pk, "item": 4, "called_by": "committee", "question": ""},
    )
    assert bad.status_code == 400 and "请填写表决事项" in bad.text and not Vote.objects.exists()
    made = zhang.post(
        reverse("property:vote_new"),
        {
            "compound": cast.compound.pk,
            "item": 4,
            "question": "是否解聘安居物业",
            "called_by": "committee",
            "starts_on": str(timezone.localdate()),  # ballots are taken within the period
            "ends_on": str(timezone.localdate() + datetime.timedelta(days=14)),
        },
    )
    vote = Vote.objects.get()
    assert made.url == reverse("property:vote", args=[vote.pk])
    zhang.post(reverse("property:vote_open", args=[vote.pk]))
    scan = SimpleUploadedFile("b.jpg", b"\xff\xd8\xff scan", content_type="image/jpeg")
    zhang.post(
        reverse("property:vote_paper", args=[vote.pk]),
        {"owner_code": roll.b.code.lower(), "choice": "yes", "scan": scan},
    )
    ballot = Ballot.objects.get(vote=vote)
    assert not ballot.counted
    zhang.post(reverse("property:ballot_confirm", args=[vote.pk, ballot.pk]))
    assert not Ballot.objects.get(pk=ballot.pk).counted  # the one who entered it cannot confirm it
    zhao = login(cast.zhao)
    zhao.post(reverse("property:ballot_confirm", args=[vote.pk, ballot.pk]))
    assert Ballot.objects.get(pk=ballot.pk).counted
    page = zhao.get(reverse("property:vote", args=[vote.pk]))
    assert "同意面积" in page.text and "120.00" in page.text
    end_period(vote)
    zhao.post(reverse("property:vote_close", args=[vote.pk]))
    vote.refresh_from_db()
    assert vote.status == "closed" and vote.result["quorum"] is False  # 1 of 3 heads took part
    export = zhao.get(reverse("property:vote_export", args=[vote.pk]))
    assert export.json()["votes"] == {roll.b.code: "yes"}


def test_public_results_show_closed_votes_only(cast, roll, client):
    running = new_vote(cast)
    assert client.get(reverse("property:result", args=[running.pk])).status_code == 404
    closed = new_vote(cast)
    from .. import services

    services.close_vote(end_period(closed), by=cast.zhang)
    listing = client.get(reverse("property:results"))
    assert listing.status_code == 200 and closed.question in listing.text
    assert client.get(reverse("property:result", args=[closed.pk])).status_code == 200
