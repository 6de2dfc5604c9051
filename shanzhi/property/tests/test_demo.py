"""The votes demo, on the tiny district: a closed dismissal vote that passed and a running one."""

import random
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from .. import queries
from ..models import Ballot, Owner, Vote

SEEN = {}


def _property_only(district, scale, seed, say):
    from .. import demo

    SEEN["district"] = district
    demo.seed(district, random.Random(seed), communities=None)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seeded once (a seed takes seconds) in a transaction rolled back after the last test."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            # The registry's district and this app's demo alone (seed_demo's other apps are tested
            # in their own apps, and all together by shanzhi/tests/test_homes.py).
            with mock.patch("shanzhi.project.demo._seed_other_apps", _property_only):
                call_command("seed_demo", "--scale", "tiny", "--seed", "3", stdout=StringIO())
            yield
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_has_a_closed_dismissal_and_a_running_major_vote(seeded):
    closed = Vote.objects.get(status="closed")
    assert closed.item == 4 and closed.matter == "ordinary" and closed.result["passed"]
    assert queries.recount_matches(closed)
    assert Ballot.objects.filter(vote=closed, channel="paper", counted=True).exists()
    running = Vote.objects.get(status="open")
    assert running.matter == "major" and running.ballots.exists()
    assert Owner.objects.filter(is_developer=True).count() == 1
    # The demo resident login owns a unit and has not voted in the running vote yet.
    jumin = Owner.objects.get(residents__role_grants__user__username="jumin")
    assert not running.ballots.filter(owner=jumin).exists()


@pytest.mark.django_db
def test_demo_paper_ballots_have_real_scans_a_rejection_and_one_waiting(seeded):
    from ..services import scans

    closed = Vote.objects.get(status="closed")
    rejected = Ballot.objects.get(vote=closed, void="rejected")
    assert rejected.void_reason and not rejected.counted
    assert Ballot.objects.filter(vote=closed, owner=rejected.owner, void="", counted=True).exists()
    running = Vote.objects.get(status="open")
    waiting = Ballot.objects.get(vote=running, channel="paper", counted=False, void="")
    names = {b.scan.name.rsplit(".", 1)[-1] for b in Ballot.objects.filter(channel="paper")}
    assert names == {"png", "pdf"} and waiting.scan.name.endswith(".pdf")
    # What the demo stores is a real PNG and a real PDF: what the upload check accepts.
    from ..demo import _scan

    assert scans.kind_of(_scan(1).read(8)) == ("png", "image/png")
    assert scans.kind_of(_scan(1, pdf=True).read(8)) == ("pdf", "application/pdf")


@pytest.mark.django_db
def test_demo_has_a_16_item_95_indicator_scheme_and_two_scored_periods(seeded):
    from ..models import Evaluation, Indicator, Period, SchemeVersion

    version = SchemeVersion.objects.get(status="published")
    assert version.items.count() == 16
    assert Indicator.objects.filter(item__version=version).count() == 95
    assert sum(i.max_points for i in Indicator.objects.filter(item__version=version)) == 100
    assert Period.objects.filter(kind="half").count() == 2
    scored = Evaluation.objects.filter(scored_at__isnull=False)
    assert scored.count() == 2 * scored.values("company").distinct().count() > 0
    assert {e.grade for e in scored} - {"", None}
    from ..models import StandingList

    assert StandingList.objects.filter(status="approved").count() == 1
    assert StandingList.objects.filter(status="proposed").count() == 1
    # Every quarter from the previous half-year to the last one is published; this one is open.
    from django.utils import timezone

    from ..models import Disclosure

    today = timezone.localdate()
    quarters = Period.objects.filter(kind="quarter").order_by("starts_on")
    assert quarters.count() in (3, 4) and quarters.first().starts_on == min(
        p.starts_on for p in Period.objects.filter(kind="half")
    )
    assert quarters.last().ends_on >= today and not Disclosure.objects.filter(period=quarters.last()).exists()
    assert Disclosure.objects.count() == quarters.count() - 1


@pytest.mark.django_db
def test_demo_has_a_transition_with_fallback_and_a_market(seeded):
    from ..models import MarketListing, MarketRequest, Transition

    t = Transition.objects.get()
    assert t.vote.purpose == "dismiss_company" and t.vote.result["passed"]
    assert t.next_kind == "fallback" and t.new_company.listing.state_owned and t.status == "open"
    assert t.compound.property_company == t.new_company
    assert 0 < t.items.filter(confirmed_at__isnull=False).count() < 5
    assert MarketListing.objects.filter(listed=True).count() >= 2
    from shanzhi.registry.models import Compound

    without = Compound.objects.filter(property_company__isnull=True).exists()
    assert MarketRequest.objects.filter(status="requested").count() == (1 if without else 0)


@pytest.mark.django_db
def test_demo_has_committees_reserve_lists_and_two_meetings(seeded):
    from ..models import Committee, Decision, Meeting, ReserveCandidate

    assert Committee.objects.filter(kind="owners").exists()
    assert Committee.objects.filter(kind="management").count() == 1
    home = Committee.objects.get(
        compound__buildings__households__residents__role_grants__user__username="jumin"
    )
    assert home.term_state() == "ending" and home.members.filter(role="director").count() == 1
    assert ReserveCandidate.objects.filter(list="negative").exclude(reason="").exists()
    assert Meeting.objects.count() == 2
    appeal = Decision.objects.get(kind="appeal")
    assert appeal.appeal_number
    tasks = {d.task_state() for d in Decision.objects.filter(kind="task")}
    assert tasks == {"done", "overdue"}


@pytest.mark.django_db
def test_demo_records_every_committee_the_registrys_residents_elected(seeded):
    """The registry keeps no committee table: its demo hands up who was elected, this app records it."""
    from shanzhi.registry.models import Resident

    from ..demo_committees import ROLES
    from ..models import Committee

    elected = SEEN["district"].elected_committees
    assert elected
    home = Committee.objects.get(
        compound__buildings__households__residents__role_grants__user__username="jumin"
    ).compound_id
    for e in elected:
        people = [r for r, _position in e.members]
        assert (
            Resident.objects.filter(pk__in=people, household__building__compound=e.compound_id).count() == 5
        )
        c = Committee.objects.get(compound_id=e.compound_id)
        assert dict(c.members.values_list("resident_id", "role")) == {
            r: ROLES.get(position, "member") for r, position in e.members
        }
        if e.compound_id != home:  # the demo resident's compound is given a new term
            assert (c.kind, c.term_start, c.term_end) == ("owners", e.elected_on, e.term_ends_on)


@pytest.mark.django_db
def test_demo_has_credit_histories_equal_to_their_rebuild(seeded):
    from ..models import CreditEvent
    from ..services import credit

    kinds = set(CreditEvent.objects.values_list("kind", flat=True))
    assert {"evaluation", "interview", "rectify", "red"} <= kinds
    assert credit.rebuild() == (0, 0, 0)
    with_actions = CreditEvent.objects.filter(kind="rectify").values("company")
    last = CreditEvent.objects.filter(company__in=with_actions).order_by("-seq").first()
    assert last.score < 100
