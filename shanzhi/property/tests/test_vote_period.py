"""The ballot period: ballots only from the first day to the last day 23:59:59 in Beijing time
(online and paper alike), no closing before it ends, and the sweep seals a vote once it has."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from shanzhi.appeals.services import sweep
from shanzhi.core import periodic
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent

from .. import services
from ..models import Ballot, Transition, Vote
from ..services import votes
from .transition_fixtures import build_market

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST, LAST = datetime.date(2027, 3, 1), datetime.date(2027, 3, 14)


def at(day, hour=0, minute=0, second=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=SHANGHAI)


def scan():
    return SimpleUploadedFile("ballot.jpg", b"\xff\xd8\xff scan", content_type="image/jpeg")


def _vote(cast, purpose=""):
    with time_machine.travel(at(FIRST - datetime.timedelta(days=20), 9), tick=False):
        vote = services.create_vote(
            cast.compound,
            item=4,
            question="是否解聘安居物业",
            called_by="committee",
            starts_on=FIRST,
            ends_on=LAST,
            purpose=purpose,
            by=cast.zhang,
        )
        return services.open_vote(vote, by=cast.zhang)  # opened with the notice, before the period


def test_the_day_before_the_first_is_refused_naming_starts_on(cast, roll):
    vote = _vote(cast)
    with time_machine.travel(at(FIRST) - datetime.timedelta(seconds=1), tick=False):
        with pytest.raises(DomainError) as e:
            services.cast(vote, "yes", by=cast.jumin)
        assert e.value.field == "starts_on" and "2027-03-01" in str(e.value.message)
        with pytest.raises(DomainError) as e:
            services.enter_paper(vote, roll.b, "no", scan=scan(), by=cast.zhang)
        assert e.value.field == "starts_on"
    assert not Ballot.objects.exists()


def test_the_first_day_from_midnight_and_the_last_day_to_23_59_59_take_ballots(cast, roll):
    vote = _vote(cast)
    with time_machine.travel(at(FIRST), tick=False):
        services.cast(vote, "no", by=cast.jumin)
    with time_machine.travel(at(LAST, 23, 59, 59), tick=False):
        services.cast(vote, "yes", by=cast.jumin)
        ballot = services.enter_paper(vote, roll.b, "no", scan=scan(), by=cast.zhang)
        services.confirm_paper(ballot, by=cast.zhao)
    assert Ballot.objects.get(vote=vote, owner=roll.a).choice == "yes"


def test_the_next_day_at_midnight_is_refused_naming_ends_on(cast, roll):
    vote = _vote(cast)
    with time_machine.travel(at(LAST, 23, 0), tick=False):
        paper = services.enter_paper(vote, roll.b, "no", scan=scan(), by=cast.zhang)
    with time_machine.travel(at(LAST + datetime.timedelta(days=1)), tick=False):
        for call in (
            lambda: services.cast(vote, "yes", by=cast.jumin),
            lambda: services.enter_paper(vote, roll.dev, "yes", scan=scan(), by=cast.zhang),
        ):
            with pytest.raises(DomainError) as e:
                call()
            assert e.value.field == "ends_on" and "2027-03-14" in str(e.value.message)
        assert list(Ballot.objects.values_list("owner", "counted")) == [(roll.b.pk, False)]
        # A paper ballot entered within the period is still settled after it, before the close.
        services.confirm_paper(paper, by=cast.zhao)
    assert list(Ballot.objects.values_list("owner", "counted")) == [(roll.b.pk, True)]


def test_staff_cannot_close_before_the_period_ends(cast, roll):
    vote = _vote(cast)
    with time_machine.travel(at(LAST, 23, 59, 59), tick=False):
        with pytest.raises(DomainError) as e:
            services.close_vote(vote, by=cast.zhang)
    assert e.value.field == "ends_on"
    assert Vote.objects.get(pk=vote.pk).status == "open"
    with time_machine.travel(at(LAST + datetime.timedelta(days=1)), tick=False):
        assert services.close_vote(vote, by=cast.zhang).status == "closed"


def test_a_vote_past_its_end_cannot_be_created_nor_a_draft_left_past_it_opened(cast, roll):
    args = dict(
        item=4, question="是否续聘", called_by="committee", starts_on=FIRST, ends_on=LAST, by=cast.zhang
    )
    with time_machine.travel(at(LAST + datetime.timedelta(days=1)), tick=False):
        with pytest.raises(DomainError) as e:
            services.create_vote(cast.compound, **args)
    assert e.value.field == "ends_on" and not Vote.objects.exists()
    with time_machine.travel(at(LAST, 23, 59, 59), tick=False):  # its last day: still a period
        vote = services.create_vote(cast.compound, **args)
    with time_machine.travel(at(LAST + datetime.timedelta(days=1)), tick=False):
        with pytest.raises(DomainError) as e:
            services.open_vote(vote, by=cast.zhang)
    assert e.value.field == "ends_on" and Vote.objects.get(pk=vote.pk).status == "draft"


def test_the_sweep_seals_a_vote_once_its_last_day_is_over(cast, roll):
    vote = _vote(cast)
    with time_machine.travel(at(LAST, 12), tick=False):
        services.cast(vote, "yes", by=cast.jumin)
    assert periodic._JOBS["property_votes_sealed"] is votes.close_ended
    assert votes.close_ended(at(LAST, 23, 59, 59)) == 0
    assert Vote.objects.get(pk=vote.pk).status == "open"
    next_day = at(LAST + datetime.timedelta(days=1), 0, 5)
    with time_machine.travel(next_day, tick=False):
        assert sweep.run(next_day)["property_votes_sealed"] == 1
    vote.refresh_from_db()
    assert vote.status == "closed" and vote.result["participating_heads"] == 1
    assert AuditEvent.objects.filter(action="property.vote_closed", actor_id__isnull=True).count() == 1
    assert votes.close_ended(next_day) == 0  # a second sweep finds nothing to do


def test_a_sweep_after_staff_closed_it_changes_nothing(cast, roll):
    vote = _vote(cast)
    after = at(LAST + datetime.timedelta(days=1), 8)
    with time_machine.travel(after, tick=False):
        services.close_vote(vote, by=cast.zhang)
    sealed_at = Vote.objects.get(pk=vote.pk).closed_at
    # A sweep that listed the vote before staff closed it: close_vote's lock and status refuse it.
    with pytest.raises(DomainError):
        services.close_vote(Vote(pk=vote.pk), by=None, now=after)
    assert votes.close_ended(after) == 0
    assert Vote.objects.get(pk=vote.pk).closed_at == sealed_at


def test_a_dismissal_sealed_by_the_sweep_opens_the_transition(cast, roll):
    build_market(cast)
    vote = _vote(cast, purpose="dismiss_company")
    with time_machine.travel(at(FIRST, 10), tick=False):
        services.cast(vote, "yes", by=cast.jumin)
        paper = services.enter_paper(vote, roll.dev, "yes", scan=scan(), by=cast.zhang)
        services.confirm_paper(paper, by=cast.zhao)
    assert votes.close_ended(at(LAST + datetime.timedelta(days=1), 1)) == 1
    transition = Transition.objects.get(vote=vote)
    assert transition.timeline.filter(by__isnull=True, what="notice").exists()
