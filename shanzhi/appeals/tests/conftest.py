"""Appeals on top of the shared cast: a category per handler kind and a helper to file appeals.

Categories are created here rather than taken from the seeding migration, so that the tests do
not depend on data a transactional test elsewhere may have flushed; their names end in （测） so
they never clash with the seeded taxonomy.
"""

import datetime as dt
import io
import os

import pytest
import time_machine
from PIL import Image

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, Category

# Every test runs on Monday 2 March 2026, 10:00: deadlines then never depend on the day the suite
# runs (nor cross into a year the holiday library does not know yet).
MONDAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(MONDAY, tick=True):
        yield


IN_A1 = (117.552, 34.862)  # inside grid A1 (王网格's)
IN_A2 = (117.556, 34.862)  # inside grid A2 (李网格's)


def make_category(
    code,
    name,
    *,
    value=5,
    unit="workdays",
    handler="grid",
    auto_escalate=False,
    parent=None,
    urgency="normal",
):
    return Category.objects.create(
        code=code,
        name=name,
        deadline_value=value,
        deadline_unit=unit,
        default_handler_kind=handler,
        auto_escalate=auto_escalate,
        parent=parent,
        urgency=urgency,
        response_template="{number} 已办理：",
    )


@pytest.fixture
def cats(cast):
    noise = make_category("T03", "噪音扰民（测）", handler="community")
    return type(
        "Cats",
        (),
        {
            "noise": noise,
            "neighbour_noise": make_category("T0303", "邻里生活噪音（测）", parent=noise, handler="grid"),
            "parking": make_category("T0203", "僵尸车清理（测）", handler="community", value=10),
            "fire": make_category(
                "T0501",
                "电动车违规充电（测）",
                value=8,
                unit="work_hours",
                handler="grid",
                auto_escalate=True,
                urgency="urgent",
            ),
            "gas": make_category(
                "T0804",
                "燃气泄漏（测）",
                value=2,
                unit="hours",
                handler="department",
                auto_escalate=True,
                urgency="emergency",
            ),
            "property": make_category("T0101", "物业服务质量（测）", handler="property"),
        },
    )


@pytest.fixture
def file_appeal(cast, cats):
    """``file_appeal(**overrides)``: 居民甲 reports a noise problem in grid A1 through the web."""

    def _file(**kw):
        kw.setdefault("by", cast.jumin)
        kw.setdefault("channel", Appeal.Channel.WEB)
        kw.setdefault("title", "楼上夜间噪音")
        kw.setdefault("description", "每天夜里十二点后仍有很大的噪音，影响休息。")
        kw.setdefault("category", cats.neighbour_noise)
        if "building" not in kw and "node" not in kw and "lng" not in kw:
            kw["lng"], kw["lat"] = IN_A1
        return services.submit(**kw)

    return _file


def jpeg_with_gps(size=(64, 48), noise=False):
    """A JPEG carrying EXIF with a GPS position and a camera model, as phones write them."""
    image = (
        Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
        if noise
        else Image.new("RGB", size, (200, 30, 30))
    )
    exif = Image.Exif()
    exif[0x0110] = "TestPhone 9"  # Model
    gps = {1: "N", 2: (34.0, 51.0, 43.2), 3: "E", 4: (117.0, 33.0, 7.2)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size=(20, 20)):
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 128)).save(out, format="PNG")
    return out.getvalue()


def snapshot(appeal):
    """What a refused move must leave exactly as it was."""
    appeal = Appeal.objects.get(pk=appeal.pk)
    return {
        "status": appeal.status,
        "version": appeal.version,
        "assignee": (
            appeal.assignee_kind,
            appeal.assignee_user_id,
            appeal.assignee_node_id,
            appeal.assignee_department_id,
            appeal.assignee_company_id,
        ),
        "level": appeal.level,
        "deadline": appeal.deadline,
        "events": list(appeal.events.values_list("id", flat=True)),
    }


def local(y, m, d, hh=10, mm=0):
    from zoneinfo import ZoneInfo

    return dt.datetime(y, m, d, hh, mm, tzinfo=ZoneInfo("Asia/Shanghai"))
