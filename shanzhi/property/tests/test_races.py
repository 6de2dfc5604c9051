"""Many clients at once for one owner (PostgreSQL only: real row locks, one connection per thread)."""

import datetime
import threading

from django.db import connection
from django.utils import timezone

from .. import services
from ..models import Ballot, BallotChange
from .conftest import new_vote


def at_once(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 (the test inspects what each thread got)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_sixteen_tabs_voting_for_one_owner_leave_one_ballot(race_roll):
    cast = race_roll.cast
    vote = new_vote(cast)
    choices = ["yes", "no", "abstain", "yes"] * 4
    results = at_once(*[lambda c=c: services.cast(vote, c, by=cast.jumin) for c in choices])
    assert all(isinstance(r, Ballot) for r in results), results
    assert Ballot.objects.filter(vote=vote).count() == 1
    ballot = Ballot.objects.get(vote=vote)
    history = list(BallotChange.objects.filter(ballot=ballot).values_list("before", "after"))
    # One cast, then a chain of changes that ends where the ballot is.
    assert history[0][0] == "" and history[-1][1] == ballot.choice
    assert all(a[1] == b[0] for a, b in zip(history, history[1:], strict=False))


def test_closing_while_ballots_arrive_keeps_the_seal_equal_to_the_recount(race_roll):
    from .. import queries

    cast = race_roll.cast
    vote = new_vote(cast)
    # The close as it comes at the period's end (a sweep's ``now``) while casts from just before
    # the end are still in flight.
    after_end = timezone.now() + datetime.timedelta(days=15)
    calls = [lambda: services.cast(vote, "yes", by=cast.jumin)] * 4 + [
        lambda: services.close_vote(vote, by=cast.zhao, now=after_end)
    ]
    at_once(*calls)
    vote.refresh_from_db()
    assert vote.status == "closed" and queries.recount_matches(vote)


def test_a_roll_change_racing_the_opening_is_either_frozen_in_or_refused(race_roll):
    from ..models import Elector, OwnedUnit

    cast = race_roll.cast
    vote = new_vote(cast, open_it=False)
    results = at_once(
        lambda: services.open_vote(vote, by=cast.zhang),
        lambda: services.put_unit(cast.household2, race_roll.b, "500.00", by=cast.zhao),
    )
    vote.refresh_from_db()
    assert vote.status == "open", results
    # The compound's row lock orders them: the roll never differs from the frozen electorate.
    unit = OwnedUnit.objects.get(household=cast.household2)
    assert Elector.objects.get(vote=vote, owner=race_roll.b).area == unit.area


def test_two_co_owners_voting_at_once_leave_one_ballot_by_one_voter(race_roll):
    """Co-owners choose one voter (the first to vote); both pressing at once, eight times each,
    still leave one ballot, and every change after the first is that voter's."""
    from .test_votes import co_owner

    cast = race_roll.cast
    vote = new_vote(cast)
    wife = co_owner(cast, race_roll)
    calls = [
        lambda: services.cast(vote, "yes", by=cast.jumin),
        lambda: services.cast(vote, "no", by=wife),
    ] * 8
    results = at_once(*calls)
    assert Ballot.objects.filter(vote=vote).count() == 1
    ballot = Ballot.objects.get(vote=vote)
    voter = ballot.cast_by
    assert voter in (cast.jumin, wife)
    # The other co-owner is refused each time, naming the owner; the voter's own presses all land.
    other = wife if voter == cast.jumin else cast.jumin
    for call_by, result in zip([cast.jumin, wife] * 8, results, strict=True):
        if call_by == other:
            assert getattr(result, "field", None) == "owner", result
        else:
            assert isinstance(result, Ballot), result
    assert set(BallotChange.objects.filter(ballot=ballot).values_list("by", flat=True)) == {voter.pk}
