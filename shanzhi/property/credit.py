"""A property company's credit score and its grade for graded supervision (分级分类监管).

Pure rules: this module neither reads scope nor writes. ``services.credit`` gathers a company's
sources and stores what ``fold`` returns as its ``CreditEvent`` history.

The Pingding article asks for a 红黑榜 system, public disclosure and a credit evaluation, "对物业
企业合同履行、投诉处理、日常检查和社区意见等情况实施分级分类监管". The score:

* starts from the company's latest scored half-year evaluation (exact decimals): each such
  evaluation replaces the score in force; an older period's evaluation scored later does not
  replace a later period's (it is kept in the history with no change);
* before any evaluation it starts at ``START``;
* each supervision action against the company (约谈, 整改通知, 退出程序) deducts points, an
  approved red list placement adds and a black list placement deducts (amounts per district,
  ``CreditRules``, each 0..100 and stored as the points deducted or added; the defaults below);
* is kept within 0..100 after every change.

The grade's thresholds are the district's too (A > B > C, each within 0..100).
"""

from dataclasses import dataclass
from decimal import Decimal

# Defaults of a district's CreditRules (written once; the model's field defaults read them).
# Points deducted:
INTERVIEW = Decimal("2.00")  # 约谈
RECTIFY = Decimal("5.00")  # 整改通知
EXIT = Decimal("20.00")  # 退出程序
BLACK = Decimal("10.00")  # 黑榜
# Points added:
RED = Decimal("5.00")  # 红榜
START = Decimal("80.00")  # a company not yet evaluated
LOW, HIGH = Decimal("0"), Decimal("100")
CENT = Decimal("0.01")

# Grade for graded supervision: the lowest score of A, B and C (inclusive); D is below C.
GRADE_A, GRADE_B, GRADE_C = Decimal("90.00"), Decimal("75.00"), Decimal("60.00")

EVALUATION = "evaluation"
ADJUSTMENTS = ("interview", "rectify", "exit", "red", "black")
BONUSES = ("red",)  # every other adjustment deducts
THRESHOLDS = ("grade_a", "grade_b", "grade_c")
# Among changes at the same moment, an evaluation applies first, then the adjustments.
_ORDER = {EVALUATION: 0, **{k: i + 1 for i, k in enumerate(ADJUSTMENTS)}}


@dataclass(frozen=True)
class Rules:
    interview: Decimal = INTERVIEW
    rectify: Decimal = RECTIFY
    exit: Decimal = EXIT
    red: Decimal = RED
    black: Decimal = BLACK
    grade_a: Decimal = GRADE_A
    grade_b: Decimal = GRADE_B
    grade_c: Decimal = GRADE_C

    def amount(self, kind):
        """The signed change ``kind`` makes to a score."""
        points = getattr(self, kind)
        return points if kind in BONUSES else -points

    def grades(self):
        """(letter, lowest score) best first."""
        return (("A", self.grade_a), ("B", self.grade_b), ("C", self.grade_c), ("D", LOW))


DEFAULT = Rules()


@dataclass(frozen=True)
class Change:
    """One source of a change. ``key`` names the source (e.g. ``("action", 12)``); an evaluation
    carries its ``score`` and its period's first day ``period``."""

    kind: str
    at: object
    key: tuple
    score: Decimal | None = None
    period: object = None


@dataclass(frozen=True)
class Step:
    change: Change
    delta: Decimal
    after: Decimal


def clamp(score):
    return min(HIGH, max(LOW, Decimal(score))).quantize(CENT)


def grade(score, rules=DEFAULT):
    """'A' at the A threshold and above (90 by default), 'B' at B's (75), 'C' at C's (60), 'D'
    below; '' without a score."""
    if score is None:
        return ""
    for letter, lowest in rules.grades():
        if score >= lowest:
            return letter
    return "D"


def ordered(changes):
    return sorted(changes, key=lambda c: (c.at, _ORDER[c.kind], c.key))


def fold(changes, rules=DEFAULT, start=START):
    """The history: one ``Step`` per change, in order, each with its delta and the score after."""
    score, period, steps = clamp(start), None, []
    for c in ordered(changes):
        if c.kind == EVALUATION:
            if period is None or c.period >= period:
                new, period = clamp(c.score), c.period
            else:
                new = score
        else:
            new = clamp(score + rules.amount(c.kind))
        steps.append(Step(c, new - score, new))
        score = new
    return steps


def current(steps):
    """The score now; None for a company with no history yet (nothing to grade)."""
    return steps[-1].after if steps else None
