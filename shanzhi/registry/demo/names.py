"""Names and places of Zaozhuang, and the shapes of its households, for the demo district."""

import datetime
import itertools

from faker.providers.person.zh_CN import Provider as ZhNames

DISTRICT = ("370402", "市中区")
CENTER = (117.55, 34.86)
# Ages are counted at a fixed day, not today, so that a seed gives the same ID numbers every year.
REFERENCE_DAY = datetime.date(2026, 7, 1)


# --- names and places of Zaozhuang ----------------------------------------------------------------

STREETS = [
    ("001", "光明路街道"),
    ("002", "龙山路街道"),
    ("003", "文化路街道"),
    ("004", "中心街街道"),
    ("005", "矿区街道"),
    ("006", "垎塔埠街道"),
    ("100", "税郭镇"),
]
COMMUNITIES = [
    "建华",
    "振兴",
    "青檀",
    "龙庭",
    "华山",
    "君山",
    "峨山",
    "东湖",
    "立新",
    "和平",
    "红旗",
    "解放",
    "民生",
    "永兴",
    "新华",
    "光华",
    "文苑",
    "书院",
    "龙首",
    "金泰",
    "荆山",
    "鑫昌",
    "安城",
    "锦屏",
    "凤鸣",
    "西昌",
    "兴仁",
    "翠屏",
    "太平",
    "泉源",
    "汇泉",
    "枣园",
    "桃园",
    "榴园",
    "新城",
    "北安",
    "南马道",
    "坊上",
]
ROADS = [
    "光明路",
    "龙山路",
    "文化路",
    "振兴路",
    "建华路",
    "君山路",
    "华山路",
    "青檀路",
    "解放路",
    "和平路",
    "民生路",
    "胜利路",
    "立新路",
    "西昌路",
    "北安路",
    "龙头路",
    "枣庄路",
    "台儿庄路",
    "鲁班路",
    "建设路",
]
COMPOUND_WORDS = [
    "龙山",
    "光明",
    "君山",
    "青檀",
    "金色",
    "阳光",
    "锦绣",
    "翰林",
    "书香",
    "御景",
    "枫林",
    "丽景",
    "东湖",
    "泰山",
    "荆河",
    "凤凰",
    "幸福",
    "和谐",
    "盛世",
    "华府",
    "金泰",
    "鑫城",
    "福泽",
    "安泰",
    "润泽",
    "银座",
    "恒泰",
    "天衢",
    "怡馨",
    "康居",
    "紫薇",
    "玉兰",
    "秀水",
    "龙泉",
    "文昌",
    "嘉禾",
    "东城",
    "西城",
    "福源",
    "滨湖",
    "祥和",
    "桂园",
    "月亮湾",
    "香港街",
    "世纪",
    "新华",
    "香榭",
    "水岸",
]
COMPOUND_SUFFIXES = ["花园", "小区", "家园", "苑", "新村", "名苑", "华庭", "嘉园"]
OLD_COMPOUNDS = [
    "矿务局宿舍",
    "煤建公司家属院",
    "化肥厂宿舍",
    "纺织厂家属院",
    "供电公司宿舍",
    "水泥厂宿舍",
    "运输公司家属院",
    "粮食局宿舍",
    "机床厂宿舍",
    "造纸厂家属院",
]
PROPERTY_WORDS = [
    "龙润",
    "中兴",
    "鲁南",
    "金地",
    "恒安",
    "安居",
    "顺和",
    "诚信",
    "宜家",
    "佳和",
    "瑞丰",
    "中成",
    "华鑫",
    "祥泰",
    "君泰",
    "福满",
    "盛泰",
    "康泰",
    "德润",
    "同创",
]
DEPARTMENTS = [
    "区公安分局",
    "区城管局",
    "区住建局",
    "区民政局",
    "区卫健局",
    "区市场监管局",
    "区生态环境分局",
    "区应急管理局",
    "区水务局",
    "区交通运输局",
    "区人社局",
    "区教体局",
    "区司法局",
    "区信访局",
]
UNITS = [
    ("{road}派出所", "government"),
    ("市中区{short}小学", "school"),
    ("枣庄{road}幼儿园", "school"),
    ("{short}社区卫生服务站", "institution"),
    ("枣庄市立医院{short}分院", "hospital"),
    ("中国建设银行枣庄{road}支行", "enterprise"),
    ("国网枣庄市中供电中心{short}供电所", "enterprise"),
    ("中国邮政枣庄{short}营业所", "enterprise"),
    ("市中区税务局{short}税务所", "government"),
    ("{short}社区志愿者协会", "social"),
    ("{short}社会工作服务站", "social"),
]
# (name pattern, PartyOrg kind): one of each kind across any three communities.
PARTY_EXTRAS = [
    ("{short}社区志愿服务党支部", "interest"),
    ("{short}社区文体爱好者党支部", "hobby"),
    ("{short}社区退休教师党支部", "work"),
    ("{short}社区流动党员党支部", "functional"),
    ("{short}社区快递物流行业党支部", "industry"),
    ("{short}社区“红色e家”网络党支部", "online"),
]
# Where ID numbers were issued: mostly this district, then the rest of Zaozhuang and Shandong.
ID_REGIONS = (
    ["370402"] * 70
    + ["370403"] * 6
    + ["370404"] * 5
    + ["370405"] * 3
    + ["370406"] * 4
    + ["370481"] * 6
    + ["370102", "370211", "370811", "371302", "370883", "371502"]
)
PHONE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]
# Building styles: floors, units per building, flats per floor per unit, share of flats lived in,
# buildings per compound.
STYLES = {
    "old": ((5, 6), (2, 4), (2, 2), 0.93, (6, 16)),
    "mid": ((7, 11), (2, 3), (2, 2), 0.88, (5, 10)),
    "high": ((18, 26), (1, 2), (2, 4), 0.80, (3, 7)),
}
# Given names by generation (born before 1970, 1970–1994, from 1995), mixed with Faker's own, so
# that 200,000 residents are not a few thousand 王伟s.
GIVEN_CHARS = {
    ("M", 0): "建国军华明德福成永志庆春海山林保全忠文平东兴贵良",
    ("F", 0): "秀桂玉英兰凤珍芳霞莲琴翠梅淑花荣云香",
    ("M", 1): "伟强磊勇军杰涛斌超鹏刚辉亮峰宁晓建新海波立东俊",
    ("F", 1): "丽静敏燕艳娟霞红玲芳莉慧洁琳婷晓雪丹晶萍",
    ("M", 2): "浩宇子轩梓睿博文泽俊一铭皓晨辰豪航瑞嘉奕锦",
    ("F", 2): "梓涵欣怡子萱雨诗可馨思佳悦语梦琪一诺妍若",
}
SURNAMES = list(ZhNames.last_names)
SURNAME_WEIGHTS = list(itertools.accumulate(ZhNames.last_names.values()))
HOUSEHOLD_SIZES = ([1, 2, 3, 4, 5], list(itertools.accumulate([15, 28, 30, 17, 10])))
CN_DIGITS = "零一二三四五六七八九"
FAMILY, HEAD, PREV = "family", "head", "prev"


def cn_number(n):
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (grid names: 第一网格 …)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "")
