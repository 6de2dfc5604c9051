"""Votes through their services: the electorate, ballots, paper, sealing, recount and export."""

import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from shanzhi.accounts import services as accounts
from shanzhi.core.errors import DomainError

from .. import queries, services
from ..models import Ballot, BallotChange, Vote
from .conftest import end_period, new_vote, period


def scan():
    return SimpleUploadedFile("ballot.jpg", b"\xff\xd8\xff scan", content_type="image/jpeg")


def co_owner(cast, roll):
    """A second title holder of owner A, with their own resident account."""
    from shanzhi.registry import services as registry

    person = registry.register_resident(household=cast.household, name="甲妻", id_number="11010519491231002X")
    roll.a.residents.add(person)
    user = accounts.create_user(username="jia_qi", password=cast.password, display_name="甲妻")
    accounts.grant_role(user, "resident", node=cast.grid, resident=person)
    return user


def test_opening_freezes_the_electorate_with_one_head_per_owner(cast, roll):
    vote = new_vote(cast)
    live = queries.count(vote)
    assert (live.total_heads, str(live.total_area)) == (3, "419.95")
    with pytest.raises(DomainError) as e:
        services.put_unit(cast.household2, roll.b, "500.00")  # the roll is frozen while it runs
    assert e.value.field == "compound"
    services.close_vote(end_period(vote), by=cast.zhang)
    services.put_unit(cast.household2, roll.b, "500.00")  # the roll changes after the close
    assert queries.count(vote).total_area == live.total_area


def test_cannot_open_an_empty_roll_or_twice(cast, roll):
    staff_c = accounts.create_user(username="xi_comm", password=cast.password, display_name="西社区")
    accounts.grant_role(staff_c, "community_staff", node=cast.community_c)
    empty = new_vote(cast, compound=cast.compound_c, by=staff_c, open_it=False)
    with pytest.raises(DomainError) as e:
        services.open_vote(empty, by=staff_c)
    assert e.value.field == "compound" and Vote.objects.get(pk=empty.pk).status == "draft"
    vote = new_vote(cast)
    with pytest.raises(DomainError) as e:
        services.open_vote(vote, by=cast.zhang)
    assert e.value.field == "status"


def test_owner_casts_changes_until_close_and_every_change_is_kept(cast, roll):
    vote = new_vote(cast)
    services.cast(vote, "no", by=cast.jumin)
    services.cast(vote, "yes", by=cast.jumin)
    ballot = Ballot.objects.get(vote=vote, owner=roll.a)
    assert ballot.choice == "yes" and ballot.changes == 1
    assert list(BallotChange.objects.filter(ballot=ballot).values_list("before", "after", "what")) == [
        ("", "no", "cast"),
        ("no", "yes", "change"),
    ]
    live = queries.count(vote)
    assert live.yes_heads == 1 and str(live.yes_area) == "149.75"
    services.close_vote(end_period(vote), by=cast.zhao)
    with pytest.raises(DomainError) as e:
        services.cast(vote, "no", by=cast.jumin)
    assert e.value.field == "vote"
    assert Ballot.objects.get(pk=ballot.pk).choice == "yes"


def test_co_owners_choose_one_voter(cast, roll):
    vote = new_vote(cast)
    wife = co_owner(cast, roll)
    services.cast(vote, "yes", by=cast.jumin)
    with pytest.raises(DomainError) as e:
        services.cast(vote, "no", by=wife)
    assert e.value.field == "owner"
    assert Ballot.objects.get(vote=vote).choice == "yes"


def test_an_owner_of_another_compound_cannot_see_or_vote(cast, roll):
    vote = new_vote(cast)
    other = accounts.create_user(username="bing", password=cast.password, display_name="丙")
    accounts.grant_role(other, "resident", node=cast.grid_b, resident=cast.resident_b)
    with pytest.raises(Http404):
        services.cast(vote, "yes", by=other)
    with pytest.raises(Http404):
        queries.vote_for(other, vote.pk)
    assert not Ballot.objects.exists()


def test_staff_of_another_community_cannot_call_or_close(cast, roll):
    with pytest.raises(PermissionDenied):
        new_vote(cast, by=cast.chen)
    vote = end_period(new_vote(cast))
    with pytest.raises(Http404):
        services.close_vote(vote, by=cast.chen)
    with pytest.raises(PermissionDenied):
        services.close_vote(vote, by=cast.wang)  # sees it, may not close it
    assert Vote.objects.get(pk=vote.pk).status == "open"


def test_paper_ballot_counts_only_after_a_second_persons_confirmation(cast, roll):
    vote = new_vote(cast)
    ballot = services.enter_paper(vote, roll.b, "no", scan=scan(), by=cast.zhang)
    assert queries.count(vote).participating_heads == 0
    with pytest.raises(DomainError) as e:
        services.confirm_paper(ballot, by=cast.zhang)
    assert e.value.field == "confirmed_by"
    services.confirm_paper(ballot, by=cast.zhao)
    assert queries.count(vote).no_heads == 1
    with pytest.raises(DomainError):
        services.enter_paper(vote, roll.b, "yes", scan=scan(), by=cast.zhao)  # one ballot per owner


def test_paper_ballot_needs_a_scan(cast, roll):
    vote = new_vote(cast)
    with pytest.raises(DomainError) as e:
        services.enter_paper(vote, roll.b, "no", scan=None, by=cast.zhang)
    assert e.value.field == "scan" and not Ballot.objects.exists()


def test_sealed_result_equals_the_recount_and_the_exported_file(cast, roll, tmp_path):
    vote = new_vote(cast)  # item 4: dismissal of the company, an ordinary matter
    services.cast(vote, "yes", by=cast.jumin)
    services.confirm_paper(
        services.enter_paper(vote, roll.dev, "yes", scan=scan(), by=cast.zhang), by=cast.zhao
    )
    services.confirm_paper(
        services.enter_paper(vote, roll.b, "abstain", scan=scan(), by=cast.zhang), by=cast.zhao
    )
    vote = services.close_vote(end_period(vote), by=cast.zhang)
    assert vote.result["quorum"] and vote.result["passed"]
    assert vote.result["yes_area"] == "299.95" and vote.result["abstain_heads"] == 1
    assert queries.recount_matches(vote)
    f = tmp_path / "export.json"
    f.write_text(json.dumps(queries.export_file(vote)), encoding="utf-8")
    out = StringIO()
    call_command("tally_vote", str(f), stdout=out)
    printed = json.loads(out.getvalue())
    assert printed == {k: vote.result[k] for k in printed}
    assert "甲" not in f.read_text(encoding="utf-8")  # owner codes, never names


def test_a_tampered_ballot_no_longer_matches_the_seal(cast, roll):
    vote = new_vote(cast)
    services.cast(vote, "yes", by=cast.jumin)
    vote = services.close_vote(end_period(vote), by=cast.zhang)
    Ballot.objects.filter(vote=vote).update(choice="no")
    assert not queries.recount_matches(vote)


def test_major_matter_follows_item_and_needs_three_quarters(cast, roll):
    vote = new_vote(cast, item=6)  # raising the maintenance fund
    assert vote.matter == "major"
    services.cast(vote, "yes", by=cast.jumin)
    services.confirm_paper(
        services.enter_paper(vote, roll.dev, "yes", scan=scan(), by=cast.zhang), by=cast.zhao
    )
    services.confirm_paper(services.enter_paper(vote, roll.b, "no", scan=scan(), by=cast.zhang), by=cast.zhao)
    vote = services.close_vote(end_period(vote), by=cast.zhang)
    assert vote.result["quorum"] and not vote.result["passed"]  # 2 of 3 heads < 3/4


@pytest.mark.parametrize(
    "field, kwargs",
    [
        ("item", {"item": 10}),
        ("called_by", {"called_by": "mayor"}),
        ("question", {"question": "  "}),
        ("ends_on", {"ends_on": "2026-11-01"}),
        # A period already over: it could never be opened (the last day itself is still open).
        (
            "ends_on",
            {
                "starts_on": str(timezone.localdate() - datetime.timedelta(days=14)),
                "ends_on": str(timezone.localdate() - datetime.timedelta(days=1)),
            },
        ),
        ("starts_on", {"starts_on": "soon"}),
    ],
)
def test_bad_vote_input_names_the_field_and_writes_nothing(cast, roll, field, kwargs):
    args = dict(item=4, question="q", called_by="committee", **period())
    with pytest.raises(DomainError) as e:
        services.create_vote(cast.compound, **{**args, **kwargs}, by=cast.zhang)
    assert e.value.field == field and not Vote.objects.exists()


def test_a_period_ending_today_is_still_open_to_ballots(cast, roll):
    # The last minute of the last day, Beijing time: created, opened and a ballot taken.
    last_minute = timezone.make_aware(datetime.datetime(2027, 3, 5, 23, 59))
    with time_machine.travel(last_minute, tick=False):
        today = str(timezone.localdate())
        vote = services.create_vote(
            cast.compound,
            item=4,
            question="q",
            called_by="committee",
            starts_on=today,
            ends_on=today,
            by=cast.zhang,
        )
        assert services.open_vote(vote, by=cast.zhang).status == Vote.Status.OPEN
        services.cast(vote, "yes", by=cast.jumin)
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_developer_is_one_owner_per_compound(cast, roll):
    with pytest.raises(DomainError) as e:
        services.add_owner(cast.compound, "开发商二", is_developer=True)
    assert e.value.field == "is_developer"


def test_a_building_zone_votes_alone_and_is_counted_within_the_zone(cast, roll):
    """1号楼 holds owner A's two units and the developer's two; 2号楼 owner B's one."""
    vote = services.create_vote(
        cast.compound,
        item=5,
        question="1号楼加装电梯，使用本栋维修资金",
        called_by="community",
        starts_on=timezone.localdate(),  # a vote past its period cannot be opened
        ends_on=timezone.localdate() + datetime.timedelta(days=14),
        buildings=[str(cast.building.pk)],
        by=cast.zhang,
    )
    assert vote.zone_label() == "1号楼"
    vote = services.open_vote(vote, by=cast.zhang)
    live = queries.count(vote)
    assert (live.total_heads, str(live.total_area)) == (2, "299.95")
    # Owner B's unit is in 2号楼: not in this vote's electorate.
    assert set(vote.electors.values_list("owner_id", flat=True)) == {roll.a.pk, roll.dev.pk}


@pytest.mark.parametrize("buildings", [["abc"], ["-1"], ["１"], ["9" * 30], ["999999"]])
def test_a_zone_outside_the_compound_or_malformed_names_buildings_and_writes_nothing(cast, roll, buildings):
    with pytest.raises(DomainError) as refused:
        services.create_vote(
            cast.compound,
            item=1,
            question="议事规则",
            called_by="committee",
            **period(),
            buildings=buildings,
            by=cast.zhang,
        )
    assert refused.value.field == "buildings"
    assert not Vote.objects.exists()


def test_another_compounds_building_and_a_zoned_dismissal_are_refused(cast, roll):
    common = {
        "question": "事项",
        "called_by": "committee",
        **period(),
    }
    with pytest.raises(DomainError) as refused:
        services.create_vote(cast.compound, item=1, buildings=[cast.building_b.pk], by=cast.zhang, **common)
    assert refused.value.field == "buildings"
    with pytest.raises(DomainError) as refused:
        services.create_vote(
            cast.compound,
            item=4,
            purpose="dismiss_company",
            buildings=[cast.building.pk],
            by=cast.zhang,
            **common,
        )
    assert refused.value.field == "buildings"
    assert not Vote.objects.exists()


def test_a_zone_through_the_api_and_the_page(cast, roll, client):
    from shanzhi.coop.tests.test_api import call

    body = {
        "compound": cast.compound.pk,
        "item": 1,
        "question": "2号楼议事规则",
        "called_by": "community",
        **period(),
        "buildings": [cast.building2.pk],
    }
    made = call(client, "post", "/api/v1/property/votes", cast.zhang, body)
    assert made.status_code == 201 and made.json()["buildings"] == ["2号楼"]
    for wrong in ([cast.building_b.pk], [10**30], ["二"], "2号楼"):
        bad = call(client, "post", "/api/v1/property/votes", cast.zhang, {**body, "buildings": wrong})
        assert bad.status_code == 400 and "buildings" in bad.content.decode(), wrong
    assert Vote.objects.count() == 1
    client.force_login(cast.zhang)
    page = client.post(
        "/property/votes/new/",
        {**{k: v for k, v in body.items() if k != "buildings"}, "buildings": [cast.building_b.pk]},
    )
    assert page.status_code == 400 and "请选择本小区的楼栋" in page.content.decode()
    page = client.post("/property/votes/new/", {**body, "buildings": [cast.building.pk, cast.building2.pk]})
    assert page.status_code == 302
    vote = Vote.objects.latest("pk")
    assert vote.zone_label() == "1号楼、2号楼"
    assert "1号楼、2号楼" in client.get(page.url).content.decode()
