"""Values every app checks the same way: the resident ID number and the phone number."""

import datetime
import re

from django.utils.translation import gettext as _

from .errors import DomainError

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


PROVINCE_CODES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
}


def birth_date_of(id_number):
    """The date in digits 7–14 of an 18-character ID number; ValueError when it is no date."""
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_check_digit(id_number):
    """GB 11643-1999's check character over the first 17 digits: ISO 7064 MOD 11-2, 10 written X.

    Σ aᵢ·2^(18−i) mod 11 is computed as the first 17 digits read in base 13 (13 ≡ 2 mod 11),
    the way python-stdnum does it; the ID number is read a whole file at a time on import.
    """
    checksum = (1 - 2 * int(id_number[:17], 13)) % 11
    return "X" if checksum == 10 else str(checksum)


def clean_id_number(value, field="id_number"):
    """A mainland resident ID number (GB 11643): 18 characters, a real date, a valid check digit.

    The county part is not looked up: people keep the code of the county that issued their
    card, and counties get merged and renamed, so a list would refuse real residents.
    """
    value = (value or "").strip().upper()
    if not value:
        raise DomainError(_("身份证号不能为空。"), field=field)
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise DomainError(_("身份证号应为 18 位（最后一位可以是 X）。"), field=field)
    if value[:2] not in PROVINCE_CODES:
        raise DomainError(_("身份证号前两位不是有效的省级代码。"), field=field)
    try:
        born = birth_date_of(value)
    except ValueError as exc:
        raise DomainError(_("身份证号中的出生日期无效。"), field=field) from exc
    if born > datetime.date.today() or born.year < 1880:
        raise DomainError(_("身份证号中的出生日期无效。"), field=field)
    if id_check_digit(value) != value[17]:
        raise DomainError(_("身份证号校验位不正确，请核对。"), field=field)
    return value


def clean_phone(value, field="phone"):
    """An 11-digit mobile or a landline with its area code; empty is allowed."""
    value = re.sub(r"\s", "", value or "")
    if not value or PHONE_RE.match(value) or LANDLINE_RE.match(value):
        return value
    raise DomainError(_("手机号格式不正确（应为 11 位手机号或带区号的固定电话）。"), field=field)


# GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》: 18 characters from 0–9 and the capital
# letters without I, O, Z, S, V (31 symbols, each worth its index); the 18th is the check character
# C18 = 31 − (Σ Ci × Wi mod 31) over the first 17, with Wi = 3^(i−1) mod 31, and 31 written as 0.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_check_char(first17):
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def clean_credit_code(value, field="credit_code", required=True):
    """A unified social credit code, upper-cased, with its GB 32100-2015 check character verified."""
    value = re.sub(r"\s", "", value or "").upper()
    if not value:
        if required:
            raise DomainError(_("请填写统一社会信用代码。"), field=field)
        return value
    if len(value) != 18 or any(c not in CREDIT_CODE_CHARS for c in value):
        raise DomainError(_("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）。"), field=field)
    if credit_code_check_char(value[:17]) != value[17]:
        raise DomainError(_("统一社会信用代码校验位不正确，请核对。"), field=field)
    return value
