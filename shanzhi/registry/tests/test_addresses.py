"""The address matcher: normalisation, compounds, doors and buildings, on synthetic addresses
written the ways residents, hotlines and other systems write them; then the registry lookup."""

import pytest

from shanzhi.registry import addresses as a
from shanzhi.registry import queries
from shanzhi.registry import services as registry

PLACES = [
    a.Place(1, "幸福小区", "光明路12号"),
    a.Place(2, "幸福小区二期", "光明路14号"),
    a.Place(3, "和谐家园", "龙山路8号"),
    a.Place(4, "青檀苑", ""),
]


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("幸福小区３号楼", "幸福小区3号楼"),  # full-width digits
        ("幸福小区 3 号楼 2 单元", "幸福小区3号楼2单元"),  # spaces
        ("幸福小区三栋二单元", "幸福小区3栋2单元"),  # Chinese numerals before 栋/单元
        ("幸福小区十二号楼", "幸福小区12号楼"),
        ("青檀苑二〇一室", "青檀苑201室"),  # 〇, read digit by digit
        ("山东省枣庄市市中区幸福小区1号楼", "幸福小区1号楼"),  # 省市区 removed
        ("枣庄市市中区光明路12号", "光明路12号"),
        ("市中区幸福小区", "幸福小区"),
        ("幸福小区1号楼", "幸福小区1号楼"),  # a compound's own 小区 is not a county
        ("东一社区幸福小区", "东一社区幸福小区"),
        ("内蒙古自治区呼和浩特市新城区青檀苑", "青檀苑"),
        ("幸福小区，3号楼（东门）", "幸福小区3号楼东门"),
    ],
)
def test_normalise(text, normal):
    assert a.normalise(text) == normal


@pytest.mark.parametrize(
    ("text", "value"),
    [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百零一", 101), ("三〇一", 301)],
)
def test_chinese_numbers(text, value):
    assert a.chinese_number(text) == value


@pytest.mark.parametrize(
    ("text", "compound", "door"),
    [
        ("幸福小区3号楼2单元301室", 1, ("3", "2", "301")),
        ("山东省枣庄市市中区光明路12号幸福小区3号楼2单元301", 1, ("3", "2", "301")),
        ("光明路１２号　３幢", 1, ("3", "", "")),  # by road and number, full-width
        ("光明路12号3栋", 1, ("3", "", "")),
        ("幸福小区 三 号楼", 1, ("3", "", "")),
        ("幸福小区3-2-301", 1, ("3", "2", "301")),  # the dashed form
        ("幸福小区二期1号楼", 2, ("1", "", "")),  # the longer name wins
        ("光明路14号2座", 2, ("2", "", "")),
        ("龙山路8号和谐家园五幢一单元", 3, ("5", "1", "")),
        ("青檀苑A座", 4, ("A", "", "")),
        ("枣庄市市中区青檀苑", 4, ("", "", "")),
    ],
)
def test_compound_and_door(text, compound, door):
    place, rest = a.match_compound(a.normalise(text), PLACES)
    assert place is not None and place.id == compound
    found = a.parse_door(rest)
    assert (found.building, found.unit, found.room) == door


@pytest.mark.parametrize(
    "text",
    [
        "光明路3号",  # the road, another number
        "光明路",  # a road without a number places nothing
        "光明路120号",  # "12号" is not a prefix match of "120号"
        "新华书店门口",
        "",
        "  ",
    ],
)
def test_what_is_not_a_compound_is_not_guessed(text):
    assert a.match_compound(a.normalise(text), PLACES)[0] is None


def test_two_compounds_with_the_same_match_are_ambiguous():
    twins = [a.Place(1, "阳光小区", ""), a.Place(2, "阳光小区", "")]
    assert a.match_compound("阳光小区1号楼", twins)[0] is None


def test_buildings_by_their_number():
    buildings = [(10, "1号楼"), (11, "2号楼"), (12, "十二号楼"), (13, "A座")]
    assert a.match_building(a.Door("2"), buildings) == 11
    assert a.match_building(a.Door("12"), buildings) == 12
    assert a.match_building(a.Door("A"), buildings) == 13
    assert a.match_building(a.Door("02"), buildings) == 11
    assert a.match_building(a.Door("9"), buildings) is None
    assert a.match_building(a.Door(""), buildings) is None


def test_named_nodes_longest_and_unambiguous():
    nodes = [(1, "东一社区"), (2, "东一社区服务站"), (3, "西一社区")]
    assert a.match_named("东一社区门口", nodes) == 1
    assert a.match_named("西一社区东一社区服务站旁", nodes) == 2
    assert a.match_named("某某路", nodes) is None


# --- against the registry -----------------------------------------------------------------------


@pytest.fixture
def addressed(cast):
    """The cast's 幸福小区 (buildings 1 and 2 in grids A1 and A2) with a road and number."""
    cast.compound.address = "光明路12号"
    cast.compound.save(update_fields=["address"])
    return cast


def test_find_place_building_and_household(addressed):
    c = addressed
    found = queries.find_place("山东省枣庄市市中区光明路１２号幸福小区2号楼1单元201室")
    assert found.building == c.building2 and found.node == c.grid2 and found.household == c.household2
    found = queries.find_place("幸福小区 一栋")
    assert found.building == c.building and found.household is None


def test_find_place_compound_only_gives_its_community(addressed):
    found = queries.find_place("光明路12号 9号楼")  # no building 9: the compound's community
    assert found.building is None and found.compound == addressed.compound
    assert found.node == addressed.community


def test_find_place_community_by_name_and_nothing(addressed):
    assert queries.find_place("西一社区居委会对面").node == addressed.community_c
    assert queries.find_place("火星路1号") is None
    assert queries.find_place("") is None


def test_find_place_within_a_subtree(addressed):
    assert queries.find_place("幸福小区1号楼", within=addressed.street2) is None
    assert queries.find_place("幸福小区1号楼", within=addressed.street).building == addressed.building


def test_a_new_compound_is_found_as_registered(addressed):
    other = registry.create_compound(community=addressed.community_b, name="幸福小区东苑")
    assert queries.find_place("幸福小区东苑").compound == other  # the longer name, not 幸福小区
