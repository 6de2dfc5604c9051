"""Reads of owners' assembly votes, shared by pages, API and command: scoped lists, the count
(live, or the recount of a closed vote), the export file and the public results."""

from dataclasses import asdict
from decimal import Decimal

from shanzhi.accounts import permissions

from . import tally
from .models import Ballot, Elector, Owner, Vote


def votes_for(user):
    return permissions.visible(user, Vote).select_related("compound")


def vote_for(user, pk):
    return permissions.get_visible_or_404(user, Vote, pk=pk)


def public_results():
    """Closed votes and their sealed results: public (no ballots, no names)."""
    return Vote.objects.filter(status=Vote.Status.CLOSED).select_related("compound").order_by("-closed_at")


def _rows(vote):
    rows = Elector.objects.filter(vote=vote).values_list("unit", "owner__code", "area")
    return [tally.UnitRow(unit, code, area) for unit, code, area in rows]


def _votes(vote):
    # Only counted ballots: a paper ballot waits for its second person's confirmation.
    return dict(Ballot.objects.filter(vote=vote, counted=True).values_list("owner__code", "choice"))


def count(vote):
    """The count from the frozen electorate and the counted ballots (live while open; at close it
    is what gets sealed, and after close it is the recount)."""
    return tally.tally(vote.matter, _rows(vote), _votes(vote))


def sealed(result):
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(result).items()}


def recount_matches(vote):
    return vote.result is not None and sealed(count(vote)) == vote.result


def export_file(vote):
    """A closed vote in the ``manage.py tally_vote`` format: owner codes, never names."""
    return {
        "matter": vote.matter,
        "units": [{"unit": r.unit, "owner": r.owner, "area": str(r.area)} for r in _rows(vote)],
        "votes": _votes(vote),
    }


def owners_of(user, vote):
    """The owners on this vote's electorate the user holds title for (usually one)."""
    resident_ids = [g.resident_id for g in user.grants() if g.resident_id]
    if not resident_ids:
        return Owner.objects.none()
    on_roll = Elector.objects.filter(vote=vote).values("owner_id")
    return Owner.objects.filter(pk__in=on_roll, residents__in=resident_ids).distinct()


def my_ballots(user, vote):
    return permissions.visible(user, Ballot).filter(vote=vote, owner__in=owners_of(user, vote))


def ballots_for(user, vote):
    return permissions.visible(user, Ballot).filter(vote=vote).select_related("owner", "cast_by")


def participation(result):
    """Shares of the area and heads taking part and saying yes, for the live tally (as percents
    with one decimal: a display figure only, never used to decide)."""

    def pct(part, whole):
        return f"{Decimal(part) * 100 / Decimal(whole):.1f}" if whole else "0.0"

    return {
        "area": pct(result.participating_area, result.total_area),
        "heads": pct(result.participating_heads, result.total_heads),
        "yes_area": pct(result.yes_area, result.participating_area),
        "yes_heads": pct(result.yes_heads, result.participating_heads),
    }
