"""How an owners' assembly (业主大会) counts a vote: a pure rule, no database, no user scope.

The law, as encoded here:

* 《民法典》第二百七十八条 (Civil Code art. 278), second paragraph: a joint decision needs the
  participation of owners holding **at least two thirds** (三分之二以上) of the exclusive area **and**
  being at least two thirds of the owners by head. Items 6–8 of the first paragraph (raising the
  maintenance fund; rebuilding; changing the use of common parts or doing business with them) need
  the consent of **at least three quarters** (四分之三以上) of the participating area and of the
  participating heads; every other matter needs **more than half** (过半数) of both.
  "以上" includes the boundary (民法典 第一千二百五十九条), "过半数" does not.
* 《最高人民法院关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释》(the SPC interpretation on
  building co-ownership, 法释〔2009〕7号, amended 2020) art. 8: the area of an exclusive part is the
  registered (or surveyed, or contracted) area, and the total is the sum of those; art. 9: one
  exclusive part counts as one head, but the developer's unsold (or sold, undelivered) parts count as
  one head together, and one buyer of several parts is one head.

So a head here is an *owner key*: one owner of several units is one head; the caller gives every
unsold unit the developer's one key; co-owners of a unit are one owner key (they choose one voter).
An abstention takes part (it counts towards the quorum and the denominators) but is not a yes.

Areas are :class:`~decimal.Decimal` and every comparison is exact integer cross-multiplication on
them (never a float, never a rounded ratio).
"""

from dataclasses import dataclass
from decimal import Decimal, Inexact, InvalidOperation, localcontext

ORDINARY = "ordinary"
MAJOR = "major"
MATTERS = (ORDINARY, MAJOR)

YES = "yes"
NO = "no"
ABSTAIN = "abstain"
CHOICES = (YES, NO, ABSTAIN)

# Civil Code art. 278, first paragraph: the items that need three quarters (second paragraph).
MAJOR_ITEMS = frozenset({6, 7, 8})


class TallyError(ValueError):
    """The input cannot be counted; ``field`` names where it is wrong."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class UnitRow:
    unit: str
    owner: str
    area: Decimal


@dataclass(frozen=True)
class Result:
    matter: str
    total_area: Decimal
    total_heads: int
    participating_area: Decimal
    participating_heads: int
    yes_area: Decimal
    yes_heads: int
    no_area: Decimal
    no_heads: int
    abstain_area: Decimal
    abstain_heads: int
    quorum: bool
    passed: bool

    def as_json(self):
        """Exactly the keys ``manage.py tally_vote`` prints (issue 9; areas as decimal strings)."""
        return {
            "total_area": str(self.total_area),
            "total_heads": self.total_heads,
            "participating_area": str(self.participating_area),
            "participating_heads": self.participating_heads,
            "yes_area": str(self.yes_area),
            "yes_heads": self.yes_heads,
            "quorum": self.quorum,
            "passed": self.passed,
        }


def matter_of_item(item):
    """The matter kind of an art. 278 item (1–9)."""
    return MAJOR if item in MAJOR_ITEMS else ORDINARY


def parse_area(value, field="area"):
    """An exclusive area from text or a number: a finite, positive decimal (no floats accepted,
    they would already have lost the exact value)."""
    if isinstance(value, float) or isinstance(value, bool):
        raise TallyError(field, "give the area as a decimal string, not a float")
    try:
        area = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise TallyError(field, "is not a decimal number") from None
    if not area.is_finite() or area <= 0:
        raise TallyError(field, "must be a positive number")
    if area.as_tuple().exponent < -4 or area >= Decimal("1000000"):
        raise TallyError(field, "at most 4 decimal places and below 1,000,000 m²")
    return area


def _at_least(part, whole, num, den):
    """part / whole ≥ num / den, exactly (whole > 0)."""
    return part * den >= whole * num


def _more_than(part, whole, num, den):
    return part * den > whole * num


def tally(matter, units, votes):
    """Count ``votes`` ({owner: yes|no|abstain}) over ``units`` (UnitRow, one per exclusive part).

    Owners absent from ``votes`` did not take part. A vote by an owner who holds no unit, a unit
    listed twice, an unknown choice or matter is refused (:class:`TallyError`), never ignored.
    """
    if matter not in MATTERS:
        raise TallyError("matter", f"must be one of {', '.join(MATTERS)}")
    with localcontext() as ctx:
        # Sums and cross-products must be exact: a rounded one would raise, not decide.
        ctx.prec = 60
        ctx.traps[Inexact] = True
        return _count(matter, units, votes)


def _count(matter, units, votes):
    area_of = {}
    seen = set()
    for i, row in enumerate(units):
        if row.unit in seen:
            raise TallyError(f"units[{i}].unit", f"unit {row.unit!r} is listed twice")
        seen.add(row.unit)
        if not row.owner:
            raise TallyError(f"units[{i}].owner", "is empty")
        # SPC interpretation art. 9: one owner of several parts (and the developer) is one head.
        area_of[row.owner] = area_of.get(row.owner, Decimal(0)) + row.area
    for owner, choice in votes.items():
        if owner not in area_of:
            raise TallyError(f"votes.{owner}", "this owner holds no unit in the electorate")
        if choice not in CHOICES:
            raise TallyError(f"votes.{owner}", f"must be one of {', '.join(CHOICES)}")

    sums = {c: [Decimal(0), 0] for c in CHOICES}
    for owner, choice in votes.items():
        sums[choice][0] += area_of[owner]
        sums[choice][1] += 1
    total_area = sum(area_of.values(), Decimal(0))
    total_heads = len(area_of)
    part_area = sum((s[0] for s in sums.values()), Decimal(0))
    part_heads = sum(s[1] for s in sums.values())
    yes_area, yes_heads = sums[YES]

    # Art. 278 ¶2: participation of ≥ 2/3 of the area AND ≥ 2/3 of the heads.
    quorum = (
        total_heads > 0
        and _at_least(part_area, total_area, 2, 3)
        and _at_least(part_heads, total_heads, 2, 3)
    )
    if matter == MAJOR:  # items 6–8: ≥ 3/4 of the participating area and heads
        consent = _at_least(yes_area, part_area, 3, 4) and _at_least(yes_heads, part_heads, 3, 4)
    else:  # other items: more than half of both
        consent = _more_than(yes_area, part_area, 1, 2) and _more_than(yes_heads, part_heads, 1, 2)
    return Result(
        matter=matter,
        total_area=total_area,
        total_heads=total_heads,
        participating_area=part_area,
        participating_heads=part_heads,
        yes_area=yes_area,
        yes_heads=yes_heads,
        no_area=sums[NO][0],
        no_heads=sums[NO][1],
        abstain_area=sums[ABSTAIN][0],
        abstain_heads=sums[ABSTAIN][1],
        quorum=quorum,
        passed=quorum and consent,
    )


def parse_file(data):
    """The tally file (``manage.py tally_vote``, a closed vote's export) into tally()'s arguments:
    ``{"matter": …, "units": [{"unit", "owner", "area"}], "votes": {owner: choice}}``."""
    if not isinstance(data, dict):
        raise TallyError("file", "must be a JSON object")
    matter = data.get("matter")
    if matter not in MATTERS:
        raise TallyError("matter", f"must be one of {', '.join(MATTERS)}")
    raw_units = data.get("units")
    if not isinstance(raw_units, list) or not raw_units:
        raise TallyError("units", "must be a non-empty list")
    units = []
    for i, raw in enumerate(raw_units):
        if not isinstance(raw, dict):
            raise TallyError(f"units[{i}]", "must be an object with unit, owner, area")
        for key in ("unit", "owner"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise TallyError(f"units[{i}].{key}", "must be a non-empty string")
        units.append(UnitRow(raw["unit"], raw["owner"], parse_area(raw.get("area"), f"units[{i}].area")))
    votes = data.get("votes", {})
    if not isinstance(votes, dict):
        raise TallyError("votes", "must be an object of owner: yes|no|abstain")
    return matter, units, votes
