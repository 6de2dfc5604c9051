"""The rollup after random sequences of moves (rework, reopen, suspension and resumption, invalid
rulings before and after acceptance, unreachable visits, merges, time passing) equals a recount
of the appeals table by the definitions (the oracle in test_rollups.py), for one of three readers
drawn with the moves.

Each example runs in a savepoint rolled back at its end: it starts from the cast alone, so a
failing sequence fails the same way when Hypothesis replays and shrinks it, and the recount reads
that example's three appeals, not every earlier example's as well (which made the last examples
the slowest and the whole test the longest of the suite)."""

import datetime as dt
import os

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanzhi.appeals import services
from shanzhi.appeals.models import InvalidKind
from shanzhi.appeals.services import sweep

from .conftest import IN_A2, MONDAY
from .test_rollups import assert_matches_oracle

MOVES = (
    "accept",
    "reject",
    "reject_invalid",
    "suspend",
    "resume",
    "visit_unreachable",
    "rate_basic",
    "dispatch",
    "start",
    "resolve",
    "verify",
    "send_back",
    "rate_good",
    "rate_bad",
    "to_department",
    "merge",
    "wait",
)

# The readers whose scopes the rollup rows must stand for: a community, a street, a department. The
# recount is nine tenths of the test's time, so each example is recounted for one reader, drawn with
# the moves: a sequence that breaks one reader's figures is found, and shrunk, with that reader.
READERS = ("zhang", "liu", "zheng")


def _try(cast, a, move, other):
    """One move if it is allowed now; refusals are part of random sequences."""
    a.refresh_from_db()
    worker = cast.wang if a.grid_id == cast.grid.pk else cast.li
    handler = cast.zheng if a.assignee_department_id else worker
    kinds = [InvalidKind.objects.get_or_create(code="out_of_scope", defaults={"name": "不属于受理范围"})[0]]
    calls = {
        "accept": lambda: services.accept(a, by=cast.zhang),
        "reject": lambda: services.reject(a, by=cast.zhang, reason="不属实"),
        # Before or after acceptance: an invalid ruling takes the case out of every denominator.
        "reject_invalid": lambda: services.reject(a, by=cast.zhang, reason="不属于受理范围", kind=kinds[0]),
        "suspend": lambda: services.decide_suspension(
            services.request_suspension(a, by=handler, days=2, reason="等待审批"), by=cast.zhao, approve=True
        ),
        "resume": lambda: services.resume(a, by=handler),
        "visit_unreachable": lambda: services.visit(a, by=cast.zhang, unreachable=True),
        "rate_basic": lambda: services.rate(a, by=cast.jumin, solved="partly", rating="basic"),
        "dispatch": lambda: services.dispatch(a, by=cast.zhang, to_user=worker),
        "to_department": lambda: services.dispatch(a, by=cast.zhang, to_department=cast.department),
        "start": lambda: services.start(a, by=handler),
        "resolve": lambda: services.resolve(a, by=handler, result="好"),
        "verify": lambda: services.verify(a, by=cast.zhao),
        "send_back": lambda: services.send_back(a, by=cast.zhao, reason="没修好"),
        "rate_good": lambda: services.rate(a, by=cast.jumin, solved="solved", rating="satisfied"),
        "rate_bad": lambda: services.rate(a, by=cast.jumin, solved="unsolved", rating="unsatisfied"),
        "merge": lambda: services.merge(a, into=other, by=cast.zhang),
    }
    if move in calls:
        try:
            calls[move]()
        except Exception:  # noqa: BLE001, S110 - a refused move changes nothing, which is also checked
            pass


# The moves and their counting are the same code on both databases: SQLite's pass draws 40
# sequences, PostgreSQL's (twice the cost per example, where what differs is the SQL dialect of the
# same statements) 15.
EXAMPLES = 15 if os.environ.get("DATABASE_URL", "").startswith("postgres") else 40


@pytest.mark.django_db
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(MOVES)), min_size=1, max_size=25),
    reader=st.sampled_from(READERS),
)
def test_rollup_equals_a_scan_after_random_moves(cast, file_appeal, steps, reader):
    with transaction.atomic():
        appeals = [
            file_appeal(title=f"随机{i}", **({"lng": IN_A2[0], "lat": IN_A2[1]} if i else {}))
            for i in range(3)
        ]
        with time_machine.travel(MONDAY, tick=False) as traveller:
            for which, move in steps:
                if move == "wait":
                    traveller.shift(dt.timedelta(days=3))
                    sweep.run()
                else:
                    _try(cast, appeals[which], move, appeals[(which + 1) % 3])
            assert_matches_oracle(getattr(cast, reader))
        transaction.set_rollback(True)
