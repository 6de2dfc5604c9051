"""The love bank API's request and response bodies."""

import datetime

from ninja import Field

from shanzhi.core.apischema import Schema


class MeOut(Schema):
    id: int
    name: str
    community: str
    balance: int
    confirmed_hours: float
    star_level: int = Field(description="0–5：累计确认服务 100/300/600/1000/1500 小时")
    hours_to_next_star: int | None


class MovementOut(Schema):
    id: int
    at: datetime.datetime
    kind: str
    amount: int = Field(description="对本人账户：正数为收入，负数为支出")
    memo: str
    reverses: int | None = None


class AttendanceOut(Schema):
    id: int
    session: int
    title: str
    status: str
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    derived_minutes: int | None
    confirmed_minutes: int | None


class ActivityOut(Schema):
    id: int
    title: str
    community: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    confirmed: int
    status: str


class SignUpOut(Schema):
    id: int
    activity: int
    status: str = Field(description="confirmed 已报名 / waitlisted 候补 / cancelled 已取消")


class ScanIn(Schema):
    token: str
    lat: float | None = None
    lng: float | None = None


class ConfirmIn(Schema):
    minutes: int | None = Field(None, description="不填则按签到签退时长确认；不能超过它")
    note: str = ""


class ItemOut(Schema):
    id: int
    name: str
    price: int
    stock: int
    community: str


class RedeemIn(Schema):
    quantity: int = 1


class RedemptionOut(Schema):
    id: int
    item: str
    quantity: int
    points: int
    code: str
    status: str


class RankOut(Schema):
    rank: int
    name: str
    community: str
    points: int
    hours: float
    star: str


class AwardIn(Schema):
    title: str = ""
    on: datetime.date | None = None
    count: int = 1
    value_yuan: str = ""


class AdjustIn(Schema):
    amount: int
    reason: str = ""


class ReverseIn(Schema):
    reason: str = ""
