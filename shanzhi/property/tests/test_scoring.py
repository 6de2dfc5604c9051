"""The scoring rules at their boundaries (pure: no database)."""

from decimal import Decimal as D

import pytest

from .. import scoring as s

T = s.Thresholds(D("90"), D("80"), D("60"))
POINTS = s.Rule(1, "points", "inspection", D("40"))
CUT = s.Rule(2, "deduction", "inspection", D("10"), deduction=D("2"), floor=D("4"))
SHARE = s.Rule(3, "points", "satisfaction", D("50"))
VETO = s.Rule(4, "veto", "inspection", D("0"))
ITEMS = [s.Item(1, "综合管理", D("1"), (POINTS, CUT, VETO)), s.Item(2, "服务评价", D("1"), (SHARE,))]


@pytest.mark.parametrize(
    ("findings", "points"),
    [(0, "10"), (2, "6"), (3, "4"), (4, "4"), (50, "4")],  # 10 − 2×3 = 4 is exactly the floor
)
def test_deductions_stop_at_the_floor(findings, points):
    assert s.indicator_points(CUT, D(findings)) == D(points)


def test_points_are_clamped_to_the_full_points_and_shares_are_exact():
    assert s.indicator_points(POINTS, D("41")) == D("40")
    assert s.indicator_points(POINTS, D("-1")) == D("0")
    assert s.indicator_points(SHARE, D("0.8333")) == D("41.67")  # 41.665 rounds half up
    assert s.indicator_points(SHARE, None) is None


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("90", "excellent"),
        ("89.99", "good"),
        ("80", "good"),
        ("79.99", "pass"),
        ("60", "pass"),
        ("59.99", "fail"),
    ],
)
def test_grades_are_inclusive_at_each_threshold(score, grade):
    assert s.grade_of(D(score), T) == grade


def test_a_full_score_with_a_veto_is_a_fail():
    values = {1: D("40"), 2: D("0"), 3: D("1"), 4: D("1")}
    result = s.score(ITEMS, values, T)
    assert result.score == D("100.00") and result.vetoed and result.grade == "fail"
    assert s.score(ITEMS, {**values, 4: D("0")}, T).grade == "excellent"


def test_the_score_is_exact_and_unscored_indicators_leave_the_total():
    # 综合管理 36 + 4 of 50, 服务评价 not scored → 40 / 50 = 80.00, exactly 良好.
    result = s.score(ITEMS, {1: D("36"), 2: D("3")}, T)
    assert result.score == D("80.00") and result.grade == "good"
    assert result.points[3] is None
    assert s.score(ITEMS, {}, T).score is None and s.score(ITEMS, {}, T).grade == "fail"


def test_item_weights_weigh_the_items():
    items = [s.Item(1, "a", D("3"), (POINTS,)), s.Item(2, "b", D("1"), (SHARE,))]
    # (3 × 40 + 1 × 0) / (3 × 40 + 1 × 50) × 100 = 120 / 170 × 100 = 70.588… → 70.59
    assert s.score(items, {1: D("40"), 3: D("0")}, T).score == D("70.59")
    # Decimal all the way: 1/3 of the points is 13.33, never 13.333333333333334.
    assert s.indicator_points(s.Rule(5, "points", "residents", D("40")), D("0.3333")) == D("13.33")
