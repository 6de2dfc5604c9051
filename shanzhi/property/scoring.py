"""How an evaluation scores a company (pure: no database, no user; exact decimals).

The rules, as a district's scheme states them and as the tests pin them at their boundaries:

* An indicator is scored from one value, or left out when it has none (not inspected, no rating,
  no appeal): its points and its full points both leave the total, so a gap never reads as zero.
* 得分制 (points): a share source (residents' mean rating ÷ 5, on-time closure or satisfaction rate
  ÷ 100) earns that share of the full points; a staff-entered value is the points themselves,
  between 0 and the full points.
* 扣分制 (deduction): full points less ``deduction`` per finding (a complaint per 100 households
  counts as a finding), never below the indicator's ``floor``.
* 一票否决 (veto): carries no points; any finding makes the grade 不合格 whatever the score.
* An item's points are the sum of its indicators'; the score is Σ(weight × item points) ÷
  Σ(weight × item full points) × 100, rounded half up to two decimals (the printed score is the
  score that is graded).
* Grades by the version's thresholds, each inclusive: score ≥ excellent → 优秀, ≥ good → 良好,
  ≥ passing → 合格, else 不合格.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

POINTS, DEDUCTION, VETO = "points", "deduction", "veto"
SHARE_SOURCES = {"residents", "on_time", "satisfaction"}
CENT = Decimal("0.01")
EXCELLENT, GOOD, PASS, FAIL = "excellent", "good", "pass", "fail"


@dataclass(frozen=True)
class Rule:
    id: int
    rule: str
    source: str
    max_points: Decimal
    deduction: Decimal = Decimal(0)
    floor: Decimal = Decimal(0)


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    weight: Decimal
    indicators: tuple


@dataclass(frozen=True)
class Thresholds:
    excellent: Decimal
    good: Decimal
    passing: Decimal


@dataclass
class Result:
    score: Decimal | None
    grade: str
    vetoed: bool
    items: list = field(default_factory=list)  # (item name, points, full points)
    points: dict = field(default_factory=dict)  # indicator id → points (None: not scored)


def indicator_points(rule, value):
    """The points of one indicator for ``value`` (None when it has none)."""
    if value is None or rule.rule == VETO:
        return None
    value = Decimal(value)
    if rule.rule == DEDUCTION:
        return max(rule.floor, rule.max_points - rule.deduction * value)
    if rule.source in SHARE_SOURCES:
        share = min(max(value, Decimal(0)), Decimal(1))
        return (rule.max_points * share).quantize(CENT, ROUND_HALF_UP)
    return min(max(value, Decimal(0)), rule.max_points)


def grade_of(score, thresholds, vetoed=False):
    if vetoed or score is None:
        return FAIL
    if score >= thresholds.excellent:
        return EXCELLENT
    if score >= thresholds.good:
        return GOOD
    if score >= thresholds.passing:
        return PASS
    return FAIL


def score(items, values, thresholds):
    """``values``: indicator id → Decimal (or absent). Returns the score, grade and breakdown."""
    got = full = Decimal(0)
    vetoed = False
    result = Result(score=None, grade=FAIL, vetoed=False)
    for item in items:
        item_got = item_full = Decimal(0)
        for rule in item.indicators:
            value = values.get(rule.id)
            if rule.rule == VETO:
                vetoed = vetoed or (value is not None and Decimal(value) > 0)
                continue
            points = indicator_points(rule, value)
            result.points[rule.id] = points
            if points is None:
                continue
            item_got += points
            item_full += rule.max_points
        result.items.append((item.name, item_got, item_full))
        got += item.weight * item_got
        full += item.weight * item_full
    if full > 0:
        result.score = (got * 100 / full).quantize(CENT, ROUND_HALF_UP)
    result.vetoed = vetoed
    result.grade = grade_of(result.score, thresholds, vetoed)
    return result
