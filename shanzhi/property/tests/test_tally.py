"""The counting rule of Civil Code art. 278 at its exact boundaries, and against a brute recount."""

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shanzhi.property import tally as t


def units(*areas, owners=None):
    owners = owners or [f"o{i}" for i in range(len(areas))]
    return [t.UnitRow(f"u{i}", owners[i], D(a)) for i, a in enumerate(areas)]


def heads(n, choices):
    return {f"o{i}": c for i, c in enumerate(choices[:n])}


# Quorum: ≥ 2/3 of the area AND ≥ 2/3 of the heads.


def test_quorum_at_exactly_two_thirds_of_area_and_heads():
    r = t.tally("ordinary", units("10", "10", "10"), heads(2, ["yes", "yes"]))
    assert r.participating_area == D("20") and r.participating_heads == 2
    assert r.quorum and r.passed


def test_quorum_fails_one_hundredth_of_a_square_metre_short():
    # Participants hold 20 of 30.01 m² (just under 2/3), heads exactly 2/3.
    r = t.tally("ordinary", units("10", "10", "10.01"), heads(2, ["yes", "yes"]))
    assert not r.quorum and not r.passed


def test_quorum_needs_heads_too_even_with_the_area():
    # Owner o0 holds 90 % of the area but is one head of three.
    r = t.tally("ordinary", units("90", "5", "5"), heads(1, ["yes"]))
    assert not r.quorum


def test_quorum_needs_area_too_even_with_the_heads():
    r = t.tally("ordinary", units("1", "1", "98"), heads(2, ["yes", "yes"]))
    assert r.participating_heads * 3 == r.total_heads * 2
    assert not r.quorum


def test_one_head_more_than_two_thirds_is_quorate_and_one_less_is_not():
    six = units(*["10"] * 6)
    assert t.tally("ordinary", six, heads(4, ["yes"] * 4)).quorum  # 4/6 = 2/3
    assert t.tally("ordinary", six, heads(5, ["yes"] * 5)).quorum
    assert not t.tally("ordinary", six, heads(3, ["yes"] * 3)).quorum


# Ordinary matter: more than half of the participating area AND heads.


def test_ordinary_exactly_half_does_not_pass():
    r = t.tally("ordinary", units("10", "10", "10", "10"), heads(4, ["yes", "yes", "no", "no"]))
    assert r.quorum and r.yes_area * 2 == r.participating_area
    assert not r.passed


def test_ordinary_one_unit_more_than_half_passes():
    r = t.tally("ordinary", units(*["10"] * 5), heads(5, ["yes", "yes", "yes", "no", "no"]))
    assert r.passed


def test_ordinary_half_of_the_area_plus_a_hundredth_passes_only_with_heads():
    r = t.tally("ordinary", units("10.01", "10"), heads(2, ["yes", "no"]))
    assert r.yes_area * 2 > r.participating_area
    assert not r.passed  # 1 of 2 heads is not more than half


def test_abstention_takes_part_but_is_not_yes():
    # 3 heads take part (quorum 3/3); yes 1, abstain 2: not more than half.
    r = t.tally("ordinary", units("10", "10", "10"), heads(3, ["yes", "abstain", "abstain"]))
    assert r.quorum and r.participating_heads == 3 and r.abstain_heads == 2
    assert not r.passed
    # Without the abstainers there would be no quorum at all.
    assert not t.tally("ordinary", units("10", "10", "10"), heads(1, ["yes"])).quorum


# Major matter (items 6–8): at least three quarters of both.


def test_major_exactly_three_quarters_passes():
    r = t.tally("major", units(*["10"] * 4), heads(4, ["yes", "yes", "yes", "no"]))
    assert r.passed


def test_major_one_unit_less_than_three_quarters_fails():
    r = t.tally("major", units(*["10"] * 8), heads(8, ["yes"] * 5 + ["no"] * 3))
    assert not r.passed
    r = t.tally("major", units(*["10"] * 8), heads(8, ["yes"] * 6 + ["no"] * 2))
    assert r.passed


def test_major_three_quarters_of_heads_but_not_of_area_fails():
    r = t.tally("major", units("10", "10", "10", "20"), heads(4, ["yes", "yes", "yes", "no"]))
    assert not r.passed
    # The same vote on an ordinary matter passes.
    assert t.tally("ordinary", units("10", "10", "10", "20"), heads(4, ["yes", "yes", "yes", "no"])).passed


# Heads: one owner of several units and the developer's unsold units are one head each.


def test_one_owner_of_several_units_is_one_head_with_all_their_area():
    rows = units("10", "10", "10", "10", owners=["a", "a", "a", "b"])
    r = t.tally("ordinary", rows, {"a": "yes"})
    assert r.total_heads == 2 and r.participating_heads == 1 and r.yes_area == D("30")
    assert not r.quorum  # 1 of 2 heads


def test_developer_unsold_units_are_one_head():
    rows = units("80", "80", "80", "10", "10", owners=["dev", "dev", "dev", "x", "y"])
    r = t.tally("ordinary", rows, {"x": "yes", "y": "yes"})
    assert r.total_heads == 3 and r.participating_heads == 2
    assert not r.quorum  # 2 of 3 heads but 20 of 260 m²
    r = t.tally("ordinary", rows, {"dev": "no", "x": "yes", "y": "yes"})
    assert r.quorum and not r.passed  # heads 2/3 yes, area 20/260 yes


def test_areas_stay_exact_decimals():
    r = t.tally("ordinary", units("0.1", "0.2", "0.3"), heads(3, ["yes"] * 3))
    assert r.total_area == D("0.6") and r.as_json()["total_area"] == "0.6"


def test_refuses_votes_of_strangers_and_unknown_choices():
    with pytest.raises(t.TallyError) as e:
        t.tally("ordinary", units("1"), {"nobody": "yes"})
    assert e.value.field == "votes.nobody"
    with pytest.raises(t.TallyError):
        t.tally("ordinary", units("1"), {"o0": "maybe"})
    with pytest.raises(t.TallyError):
        t.tally("urgent", units("1"), {})
    with pytest.raises(t.TallyError):
        t.tally("ordinary", [t.UnitRow("u", "a", D(1)), t.UnitRow("u", "b", D(1))], {})


def test_parse_area_refuses_floats_and_nonsense():
    for bad in (1.5, "abc", "-3", "0", "NaN", "Infinity", "1.00001", True):
        with pytest.raises(t.TallyError):
            t.parse_area(bad)
    assert t.parse_area(" 89.50 ") == D("89.50")


def test_item_to_matter_follows_article_278():
    assert [t.matter_of_item(i) for i in range(1, 10)] == ["ordinary"] * 5 + ["major"] * 3 + ["ordinary"]


# A brute recount with Fractions, unit by unit, as a second reading of the article.


def brute(matter, rows, votes):
    heads = {}
    for r in rows:
        heads.setdefault(r.owner, Fraction(0))
        heads[r.owner] += Fraction(r.area)
    total_a = sum(heads.values(), Fraction(0))
    part = [o for o in heads if o in votes]
    yes = [o for o in part if votes[o] == "yes"]
    pa = sum((heads[o] for o in part), Fraction(0))
    ya = sum((heads[o] for o in yes), Fraction(0))
    quorum = (
        bool(heads) and pa / total_a >= Fraction(2, 3) and Fraction(len(part), len(heads)) >= Fraction(2, 3)
    )
    if not part:
        return quorum, False
    ra, rh = ya / pa if pa else Fraction(0), Fraction(len(yes), len(part))
    ok = (
        (ra >= Fraction(3, 4) and rh >= Fraction(3, 4))
        if matter == "major"
        else (ra > Fraction(1, 2) and rh > Fraction(1, 2))
    )
    return quorum, quorum and ok


row = st.tuples(
    st.integers(0, 6),  # owner index: few owners, so several own more than one unit
    st.decimals(min_value=D("0.01"), max_value=D("300"), places=2),
)


@settings(max_examples=300, deadline=None)
@given(
    matter=st.sampled_from(["ordinary", "major"]),
    rows=st.lists(row, min_size=1, max_size=14),
    choices=st.lists(st.sampled_from(["yes", "no", "abstain", None]), min_size=7, max_size=7),
)
def test_tally_agrees_with_a_brute_fraction_recount(matter, rows, choices):
    unit_rows = [t.UnitRow(f"u{i}", f"o{o}", a) for i, (o, a) in enumerate(rows)]
    owners = {r.owner for r in unit_rows}
    votes = {f"o{i}": c for i, c in enumerate(choices) if c and f"o{i}" in owners}
    got = t.tally(matter, unit_rows, votes)
    assert (got.quorum, got.passed) == brute(matter, unit_rows, votes)
    assert got.participating_area == got.yes_area + got.no_area + got.abstain_area
