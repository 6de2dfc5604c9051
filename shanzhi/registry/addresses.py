"""Placing a written Chinese address on the registry: pure functions, no database.

Other systems (Open311 clients, the 12345 hotline's files, a resident typing instead of tapping a
map) send an address as text: "山东省枣庄市市中区光明路12号幸福小区3号楼2单元301室", "幸福小区
三栋二单元", "光明路１２号 ３幢". The registry knows each compound's name and its road and number
(``Compound.address``), and each building's name ("3号楼"). Matching compares both sides after the
same normalisation, so whatever spelling the registry itself uses is found again:

* ``normalise``: NFKC (full-width digits, letters and dashes become ASCII), no spaces or
  punctuation, Chinese numerals before 号/栋/幢/单元/座/期/室/层/楼 become digits ("三栋" → "3栋",
  "二〇一室" → "201室"), and the 省/自治区, 市 and 区/县 prefix removed (never a compound's own
  "…小区").
* ``match_compound``: the compound whose normalised name or road-and-number occurs in the text
  (the longest wins; two different compounds with the same longest match are ambiguous: none).
* ``parse_door``: building, unit and room numbers from the rest ("3号楼2单元301", "3栋", "3幢",
  "3-2-301").
* ``match_building``: the compound's building whose name carries that number.
* ``match_named``: a community (or other node) whose name occurs in the text, when no compound does.

What cannot be placed is not guessed: the caller files it to the 待定位 queue for a person.
"""

import re
import unicodedata
from dataclasses import dataclass

DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
NUMERAL = "〇零一二两三四五六七八九十百"
# Words after which a number names a door, a building, a unit, a phase or a floor.
DOOR_WORDS = "号楼|号院|号|栋|幢|座|单元|期|室|层|楼|户"
_NUMERAL_RE = re.compile(rf"([{NUMERAL}]+)(?={DOOR_WORDS})")
_NOISE_RE = re.compile(r"[\s,，、。.·:：;；#＃()（）\[\]【】\"'“”‘’/\\_]+")
_PROVINCE_RE = re.compile(r"^[\u4e00-\u9fff]{2,7}?(?:省|自治区|特别行政区)")
_CITY_RE = re.compile(r"^[\u4e00-\u9fff]{2,7}?市")
_COUNTY_RE = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:区|县|旗)")
# A place name ending in 区 that is not a county: a compound (小区), a community (社区) …
_NOT_COUNTY = ("小区", "社区", "园区", "校区", "片区", "厂区", "矿区", "景区", "营区", "住宅区", "生活区")


def chinese_number(text):
    """'三' → 3, '十二' → 12, '二十' → 20, '一百零一' → 101; '三〇一' (read digit by digit) → 301."""
    if not text:
        return None
    if "十" not in text and "百" not in text:
        return int("".join(str(DIGITS[c]) for c in text))
    total, digit = 0, 0
    for c in text:
        if c in DIGITS:
            digit = DIGITS[c]
        elif c == "十":
            total += (digit or 1) * 10
            digit = 0
        elif c == "百":
            total += (digit or 1) * 100
            digit = 0
    return total + digit


def strip_prefix(text):
    """Remove a leading province, city and county (区/县) name: the registry holds one district."""
    for pattern in (_PROVINCE_RE, _CITY_RE):
        found = pattern.match(text)
        if found:
            text = text[found.end() :]
    found = _COUNTY_RE.match(text)
    if found and not found.group(0).endswith(_NOT_COUNTY):
        text = text[found.end() :]
    return text


def normalise(text, *, prefix=True):
    """The comparable form of an address or a place name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _NOISE_RE.sub("", text).replace("—", "-").replace("–", "-")
    text = _NUMERAL_RE.sub(lambda m: str(chinese_number(m.group(1))), text)
    return strip_prefix(text) if prefix else text


@dataclass(frozen=True)
class Place:
    """One compound as the matcher sees it (the caller loads these from the registry)."""

    id: int
    name: str
    address: str = ""


@dataclass(frozen=True)
class Door:
    building: str = ""
    unit: str = ""
    room: str = ""


def _keys(place):
    name = normalise(place.name, prefix=False)
    keys = [name] if len(name) >= 2 else []
    address = normalise(place.address)
    if address and re.search(r"\d+号$", address):  # a road without its number places nothing
        keys.append(address)
    return keys


def match_compound(text, places):
    """(the place, the text after it) or (None, text). ``text`` is already ``normalise``d."""
    best, best_len, best_end, tied = None, 0, 0, False
    for place in places:
        found = [(len(k), text.rfind(k) + len(k)) for k in _keys(place) if k in text]
        if not found:
            continue
        length, end = max(found)[0], max(e for _l, e in found)
        if length > best_len:
            best, best_len, best_end, tied = place, length, end, False
        elif length == best_len and place.id != best.id:
            tied = True
    if best is None or tied:
        return None, text
    return best, text[best_end:]


_DASHED_RE = re.compile(r"^(\d+|[A-Za-z])-(\d+)(?:-(\d+))?")
_BUILDING_RE = re.compile(r"(\d+|[A-Za-z])(?:号楼|号院|栋|幢|座|号|楼)")
_UNIT_RE = re.compile(r"(\d+)单元")
_ROOM_RE = re.compile(r"(\d{3,5})(?:室|号|户)?$")


def parse_door(rest):
    """Building, unit and room from what follows the compound ("3号楼2单元301室", "3-2-301")."""
    rest = rest.lstrip("-")
    dashed = _DASHED_RE.match(rest)
    if dashed:
        building, unit, room = dashed.groups()
        if room is None:  # "3-301": building and room
            unit, room = "", unit
        return Door(building.upper(), unit, room or "")
    unit = _UNIT_RE.search(rest)
    building = _BUILDING_RE.search(rest[: unit.start()] if unit else rest)
    after = rest[unit.end() :] if unit else (rest[building.end() :] if building else "")
    room = _ROOM_RE.search(after)
    return Door(
        building.group(1).upper() if building else "",
        unit.group(1) if unit else "",
        room.group(1) if room else "",
    )


def number_of(name):
    """The number a building or unit name carries ("3号楼" → "3", "三栋" → "3", "A座" → "A")."""
    text = normalise(name, prefix=False)
    found = re.search(r"\d+", text) or re.search(r"[A-Za-z]", text)
    return found.group(0).upper().lstrip("0") or "0" if found else ""


def match_building(door, buildings):
    """The id of the building among ``(id, name)`` pairs whose number is the door's, else None."""
    if not door.building:
        return None
    wanted = door.building.lstrip("0") or "0"
    ids = [pk for pk, name in buildings if number_of(name) == wanted]
    return ids[0] if len(ids) == 1 else None


def match_named(text, nodes):
    """The id of the node among ``(id, name)`` whose name occurs in ``text`` (the longest; a tie
    between different nodes is ambiguous: None)."""
    hits = sorted(
        ((len(n), pk) for pk, name in nodes if len(n := normalise(name, prefix=False)) >= 3 and n in text),
        reverse=True,
    )
    if not hits or (len(hits) > 1 and hits[0][0] == hits[1][0]):
        return None
    return hits[0][1]
