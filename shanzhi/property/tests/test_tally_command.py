"""``manage.py tally_vote FILE.json``: the independent recount of an exported vote."""

import json

import pytest
from django.core.management import CommandError, call_command


def run(tmp_path, data, raw=None):
    f = tmp_path / "vote.json"
    f.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
    out = __import__("io").StringIO()
    call_command("tally_vote", str(f), stdout=out)
    return json.loads(out.getvalue())


FILE = {
    "matter": "ordinary",
    "units": [
        {"unit": "1-101", "owner": "甲", "area": "89.50"},
        {"unit": "1-102", "owner": "甲", "area": "60.25"},
        {"unit": "1-201", "owner": "乙", "area": "120.00"},
        {"unit": "1-202", "owner": "开发商", "area": "75.10"},
        {"unit": "1-301", "owner": "开发商", "area": "75.10"},
    ],
    "votes": {"甲": "yes", "乙": "abstain", "开发商": "yes"},
}


def test_prints_exactly_the_keys_with_areas_as_decimal_strings(tmp_path):
    out = run(tmp_path, FILE)
    assert out == {
        "total_area": "419.95",
        "total_heads": 3,
        "participating_area": "419.95",
        "participating_heads": 3,
        "yes_area": "299.95",
        "yes_heads": 2,
        "quorum": True,
        "passed": True,
    }


def test_major_matter_at_three_quarters_of_heads_fails_on_area(tmp_path):
    data = dict(FILE, matter="major", votes={"甲": "yes", "乙": "no", "开发商": "yes"})
    out = run(tmp_path, data)
    # 2 of 3 heads (< 3/4): a major matter fails though the area is 299.95 / 419.95.
    assert out["quorum"] is True and out["passed"] is False


def test_json_numbers_are_read_as_exact_decimals(tmp_path):
    raw = '{"matter": "ordinary", "units": [{"unit": "a", "owner": "x", "area": 0.1}, {"unit": "b", "owner": "y", "area": 0.2}], "votes": {"x": "yes", "y": "yes"}}'
    assert run(tmp_path, None, raw=raw)["total_area"] == "0.3"


@pytest.mark.parametrize(
    "data, field",
    [
        (dict(FILE, matter="urgent"), "matter"),
        (dict(FILE, units=[]), "units"),
        (dict(FILE, units=[{"unit": "a", "owner": "x", "area": "-1"}]), "units[0].area"),
        (dict(FILE, units=[{"unit": "a", "area": "1"}]), "units[0].owner"),
        (dict(FILE, votes={"丙": "yes"}), "votes.丙"),
        (dict(FILE, votes={"甲": "perhaps"}), "votes.甲"),
    ],
)
def test_bad_files_are_refused_naming_the_field(tmp_path, data, field):
    with pytest.raises(CommandError) as e:
        run(tmp_path, data)
    assert str(e.value).startswith(field)


def test_not_json_is_refused(tmp_path):
    with pytest.raises(CommandError, match="JSON"):
        run(tmp_path, None, raw="{nope")
