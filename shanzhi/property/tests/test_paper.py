"""Settling paper ballots: the second person rejects a wrong entry, its enterer withdraws it, the
close waits for every entry to be settled; the scan is checked by content on upload and opened
only by the staff who confirm paper ballots (audited)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.tests.malformed import BAD

from .. import queries, services
from ..models import Ballot, BallotChange, Vote
from ..services import scans
from ..services import votes as vote_services
from .conftest import end_period, new_vote

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%demo\n"


def jpeg():
    return SimpleUploadedFile("ballot.jpg", b"\xff\xd8\xff scan", content_type="image/jpeg")


def test_a_rejected_ballot_is_void_kept_and_never_counted(cast, roll):
    vote = new_vote(cast)
    wrong = services.enter_paper(vote, roll.b, "yes", scan=jpeg(), by=cast.zhang)
    services.reject_paper(wrong, reason="意见录错", by=cast.zhao)
    wrong.refresh_from_db()
    assert (wrong.void, wrong.void_reason, wrong.counted) == ("rejected", "意见录错", False)
    assert list(BallotChange.objects.filter(ballot=wrong).values_list("what", flat=True)) == [
        "paper",
        "reject",
    ]
    assert AuditEvent.objects.filter(action="property.ballot_reject", target_id=str(wrong.pk)).exists()
    # The owner may be entered again; the new entry is the one that counts.
    right = services.enter_paper(vote, roll.b, "no", scan=jpeg(), by=cast.zhang)
    services.confirm_paper(right, by=cast.zhao)
    services.cast(vote, "yes", by=cast.jumin)
    vote = services.close_vote(end_period(vote), by=cast.zhang)
    assert vote.result["no_heads"] == 1 and vote.result["yes_heads"] == 1
    assert queries.export_file(vote)["votes"][roll.b.code] == "no"
    assert queries.recount_matches(vote)
    assert Ballot.objects.filter(vote=vote, owner=roll.b).count() == 2  # the void one is kept


def test_after_a_rejection_the_owner_may_vote_online(cast, roll):
    vote = new_vote(cast)
    entry = services.enter_paper(vote, roll.a, "no", scan=jpeg(), by=cast.zhang)
    with pytest.raises(DomainError):
        services.cast(vote, "yes", by=cast.jumin)  # a live paper ballot blocks the online one
    services.reject_paper(entry, reason="不是本人签名", by=cast.zhao)
    online = services.cast(vote, "yes", by=cast.jumin)
    assert online.channel == "online" and queries.count(vote).yes_heads == 1
    assert [b.pk for b in queries.my_ballots(cast.jumin, vote)] == [online.pk]


def test_the_enterer_withdraws_but_may_not_reject_and_others_may_not_withdraw(cast, roll):
    vote = new_vote(cast)
    entry = services.enter_paper(vote, roll.b, "yes", scan=jpeg(), by=cast.zhang)
    with pytest.raises(DomainError) as refused:
        services.reject_paper(entry, reason="录错", by=cast.zhang)
    assert refused.value.field == "ballot"
    with pytest.raises(DomainError) as refused:
        services.withdraw_paper(entry, by=cast.zhao)
    assert refused.value.field == "ballot"
    assert Ballot.objects.get(pk=entry.pk).void == ""
    services.withdraw_paper(entry, by=cast.zhang)
    assert Ballot.objects.get(pk=entry.pk).void == "withdrawn"
    assert AuditEvent.objects.filter(action="property.ballot_withdraw", target_id=str(entry.pk)).exists()
    with pytest.raises(DomainError):
        services.confirm_paper(Ballot.objects.get(pk=entry.pk), by=cast.zhao)  # void: nothing to confirm


def test_only_an_unconfirmed_paper_ballot_may_be_rejected(cast, roll):
    vote = new_vote(cast)
    online = services.cast(vote, "yes", by=cast.jumin)
    entry = services.enter_paper(vote, roll.b, "no", scan=jpeg(), by=cast.zhang)
    services.confirm_paper(entry, by=cast.zhao)
    for ballot in (online, entry):
        with pytest.raises(DomainError) as refused:
            services.reject_paper(ballot, reason="录错", by=cast.zhao)
        assert refused.value.field == "ballot"
    assert queries.count(vote).participating_heads == 2


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 201, BAD["nul"], BAD["control"], BAD["bidi"], 12])
def test_a_rejection_needs_a_clean_reason(cast, roll, reason):
    vote = new_vote(cast)
    entry = services.enter_paper(vote, roll.b, "no", scan=jpeg(), by=cast.zhang)
    with pytest.raises(DomainError) as refused:
        services.reject_paper(entry, reason=reason, by=cast.zhao)
    assert refused.value.field == "reason" and Ballot.objects.get(pk=entry.pk).void == ""


def test_the_close_waits_for_every_paper_ballot(cast, roll):
    vote = new_vote(cast)
    entry = services.enter_paper(vote, roll.b, "no", scan=jpeg(), by=cast.zhang)
    services.enter_paper(vote, roll.dev, "yes", scan=jpeg(), by=cast.zhang)
    vote = end_period(vote)
    with pytest.raises(DomainError) as refused:
        services.close_vote(vote, by=cast.zhao)
    assert refused.value.field == "ballots" and "2 张" in str(refused.value.message)
    # Nor does the sweep seal it: it waits until staff have settled them.
    assert vote_services.close_ended(timezone.now()) == 0
    assert Vote.objects.get(pk=vote.pk).status == "open"
    # Settled after the last day: they were entered within the period.
    services.confirm_paper(entry, by=cast.zhao)
    services.reject_paper(Ballot.objects.get(vote=vote, owner=roll.dev), reason="扫描件不清", by=cast.zhao)
    vote = services.close_vote(vote, by=cast.zhao)
    assert vote.status == "closed" and vote.result["participating_heads"] == 1
    assert queries.recount_matches(vote)


@pytest.mark.parametrize(
    "data, name",
    [
        (b"hello, plain text", "ballot.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "ballot.png"),
        (b"GIF89a...", "ballot.gif"),
        (b"", "ballot.pdf"),
    ],
)
def test_a_scan_must_be_jpeg_png_or_pdf_by_content(cast, roll, data, name):
    vote = new_vote(cast)
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    with pytest.raises(DomainError) as refused:
        services.enter_paper(vote, roll.b, "no", scan=upload, by=cast.zhang)
    assert refused.value.field == "scan" and not Ballot.objects.exists()


def test_an_oversize_scan_is_refused(cast, roll, monkeypatch):
    monkeypatch.setattr(scans, "MAX_BYTES", 64)
    vote = new_vote(cast)
    upload = SimpleUploadedFile("b.png", PNG + b"\x00" * 64, content_type="image/png")
    with pytest.raises(DomainError) as refused:
        services.enter_paper(vote, roll.b, "no", scan=upload, by=cast.zhang)
    assert refused.value.field == "scan" and not Ballot.objects.exists()


def test_a_bad_scan_on_the_page_and_the_api_is_a_400_naming_the_field(client, cast, roll):
    from .test_api import _auth

    vote = new_vote(cast)
    client.force_login(cast.zhang)
    text = SimpleUploadedFile("ballot.jpg", b"just text", content_type="image/jpeg")
    page = client.post(
        reverse("property:vote_paper", kwargs={"pk": vote.pk}),
        {"owner_code": roll.b.code, "choice": "no", "scan": text},
    )
    assert page.status_code == 400 and "扫描件只能是" in page.content.decode()
    bad = io.BytesIO(b"MZ not an image")
    bad.name = "ballot.jpg"
    got = client.post(
        f"/api/v1/property/votes/{vote.pk}/paper",
        {"owner": roll.b.pk, "choice": "no", "scan": bad},
        headers=_auth(cast.zhang),
    )
    assert got.status_code == 400 and got.json()["field"] == "scan"
    assert not Ballot.objects.exists()


@pytest.mark.parametrize(
    "data, ctype, disposition",
    [
        (PNG, "image/png", "inline"),
        (PDF, "application/pdf", "attachment"),
        (b"\xff\xd8\xff x", "image/jpeg", "inline"),
    ],
)
def test_staff_who_confirm_open_the_scan_and_it_is_audited(client, cast, roll, data, ctype, disposition):
    vote = new_vote(cast)
    upload = SimpleUploadedFile("whatever.txt", data, content_type="text/html")
    entry = services.enter_paper(vote, roll.b, "no", scan=upload, by=cast.zhang)
    url = reverse("property:ballot_scan", kwargs={"pk": vote.pk, "ballot_pk": entry.pk})
    client.force_login(cast.zhao)
    page = client.get(reverse("property:vote", kwargs={"pk": vote.pk})).content.decode()
    assert url in page and "/media/" not in page
    got = client.get(url)
    assert got.status_code == 200 and got["Content-Type"] == ctype
    assert got["X-Content-Type-Options"] == "nosniff"
    assert (
        got["Content-Disposition"].startswith(disposition)
        and f"ballot-{entry.pk}." in got["Content-Disposition"]
    )
    assert b"".join(got.streaming_content) == data
    event = AuditEvent.objects.get(action="property.ballot_scan_viewed", target_id=str(entry.pk))
    assert event.actor_username == cast.zhao.username


def test_nobody_else_opens_a_scan_not_even_the_owner(client, cast, roll):
    vote = new_vote(cast)
    entry = services.enter_paper(vote, roll.a, "no", scan=jpeg(), by=cast.zhang)
    url = reverse("property:ballot_scan", kwargs={"pk": vote.pk, "ballot_pk": entry.pk})
    for user in (cast.jumin, cast.wang, cast.liu, cast.sun, cast.chen, cast.feng, cast.nobody):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
    assert not AuditEvent.objects.filter(action="property.ballot_scan_viewed").exists()


def test_reject_and_withdraw_on_the_page_and_the_api(client, cast, roll):
    from shanzhi.coop.tests.test_api import call

    vote = new_vote(cast)
    first = services.enter_paper(vote, roll.b, "no", scan=jpeg(), by=cast.zhang)
    client.force_login(cast.zhang)  # the enterer: withdraw, not confirm or reject
    page = client.get(reverse("property:vote", kwargs={"pk": vote.pk})).content.decode()
    assert reverse("property:ballot_withdraw", kwargs={"pk": vote.pk, "ballot_pk": first.pk}) in page
    assert reverse("property:ballot_reject", kwargs={"pk": vote.pk, "ballot_pk": first.pk}) not in page
    client.force_login(cast.zhao)
    page = client.get(reverse("property:vote", kwargs={"pk": vote.pk})).content.decode()
    assert reverse("property:ballot_reject", kwargs={"pk": vote.pk, "ballot_pk": first.pk}) in page
    reject = reverse("property:ballot_reject", kwargs={"pk": vote.pk, "ballot_pk": first.pk})
    client.post(reject, {"reason": BAD["nul"]})
    assert Ballot.objects.get(pk=first.pk).void == ""
    assert client.post(reject, {"reason": "录错"}).status_code == 302
    assert Ballot.objects.get(pk=first.pk).void == "rejected"
    page = client.get(reverse("property:vote", kwargs={"pk": vote.pk})).content.decode()
    assert "已作废的纸质选票" in page and "录错" in page
    second = services.enter_paper(vote, roll.b, "yes", scan=jpeg(), by=cast.zhang)
    api = f"/api/v1/property/votes/{vote.pk}/paper/{second.pk}"
    refused = call(client, "post", f"{api}/withdraw", cast.zhao)
    assert refused.status_code == 400 and refused.json()["field"] == "ballot"
    bad = call(client, "post", f"{api}/reject", cast.zhao, {"reason": ""})
    assert bad.status_code == 400 and bad.json()["field"] == "reason"
    done = call(client, "post", f"{api}/withdraw", cast.zhang)
    assert done.status_code == 200 and done.json()["void"] == "withdrawn"
    client.logout()
    scan = call(client, "get", f"{api}/scan", cast.zhao)
    assert scan.status_code == 200 and scan["X-Content-Type-Options"] == "nosniff"
    viewed = AuditEvent.objects.filter(action="property.ballot_scan_viewed", target_id=str(second.pk))
    assert [e.actor_username for e in viewed] == [cast.zhao.username]
    assert call(client, "get", f"{api}/scan", cast.jumin).status_code == 404
