"""12345 hotline batch files."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from shanzhi.appeals.models import Appeal
from shanzhi.appeals.services.importing import HotlineFileRejected, import_file
from shanzhi.core.models import AuditEvent

from .conftest import IN_A1, IN_A2

HEADER = [
    "工单编号",
    "受理时间",
    "诉求人",
    "联系电话",
    "诉求内容",
    "诉求分类",
    "地址",
    "经度",
    "纬度",
    "所属社区",
]


def rows(cats):
    return [
        [
            "BJ12345-0001",
            "2026-03-01 08:15",
            "刘女士",
            "13912345678",
            "小区东门有僵尸车长期占用车位",
            cats.parking.code,
            "幸福小区东门",
            IN_A1[0],
            IN_A1[1],
            "",
        ],
        [
            "BJ12345-0002",
            "2026/03/01 09:00",
            "",
            "",
            "楼上深夜噪音",
            "噪音扰民（测）/邻里生活噪音（测）",
            "",
            IN_A2[0],
            IN_A2[1],
            "",
        ],
        [
            "BJ12345-0003",
            "",
            "王先生",
            "0632-3312345",
            "社区广场夜间活动噪音",
            cats.noise.code,
            "广场",
            "",
            "",
            "东一社区",
        ],
    ]


def csv_bytes(table, encoding="utf-8-sig"):
    lines = [",".join(str(c) for c in row) for row in table]
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(table):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["12345热线工单导出"])  # a title row above the header, as real exports have
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_importing_the_same_file_twice_creates_nothing_new(cast, cats):
    data = csv_bytes([HEADER, *rows(cats)])
    first = import_file(data, "hotline.csv", by=cast.zhang)
    assert len(first.created) == 3 and first.skipped == []
    second = import_file(data, "hotline.csv", by=cast.zhang)
    assert second.created == [] and len(second.skipped) == 3
    assert Appeal.objects.count() == 3
    a = Appeal.objects.get(hotline_case_number="BJ12345-0001")
    assert (a.channel, a.category, a.grid, a.contact_name) == ("hotline", cats.parking, cast.grid, "刘女士")
    assert timezone.localtime(a.created_at).hour == 8 and a.title.startswith("小区东门")
    b = Appeal.objects.get(hotline_case_number="BJ12345-0002")
    assert b.category == cats.neighbour_noise and b.grid == cast.grid2
    c = Appeal.objects.get(hotline_case_number="BJ12345-0003")
    assert c.grid is None and c.community == cast.community
    assert AuditEvent.objects.filter(action="import", actor_username=cast.zhang.username).count() == 2


def test_xlsx_and_gbk_csv_are_read(cast, cats):
    assert len(import_file(xlsx_bytes([HEADER, *rows(cats)]), "hotline.xlsx", by=cast.zhang).created) == 3
    table = [HEADER, *rows(cats)]
    table[1][0], table[2][0], table[3][0] = "G1", "G2", "G3"
    assert len(import_file(csv_bytes(table, "gb18030"), "hotline.csv", by=cast.zhang).created) == 3


def test_a_file_with_a_bad_row_imports_nothing_and_names_row_and_column(cast, cats):
    table = [HEADER, *rows(cats)]
    table[2][5] = "不存在的分类"
    table[3][3] = "12345"
    with pytest.raises(HotlineFileRejected) as err:
        import_file(csv_bytes(table), "hotline.csv", by=cast.zhang)
    problems = {(e["row"], e["column"]) for e in err.value.errors}
    assert problems == {(3, "诉求分类"), (4, "联系电话")}
    assert not Appeal.objects.exists()


def test_rows_outside_the_importers_area_are_refused(cast, cats):
    with pytest.raises(HotlineFileRejected) as err:
        import_file(csv_bytes([HEADER, *rows(cats)]), "hotline.csv", by=cast.chen)  # community B's staff
    assert {e["row"] for e in err.value.errors} == {2, 3, 4}
    assert not Appeal.objects.exists()


def test_a_file_without_the_case_number_column_is_refused(cast, cats):
    with pytest.raises(HotlineFileRejected):
        import_file(csv_bytes([HEADER[1:], *[r[1:] for r in rows(cats)]]), "hotline.csv", by=cast.zhang)


def test_the_command_imports_as_a_named_user(cast, cats, tmp_path, capsys):
    path = tmp_path / "hotline.csv"
    path.write_bytes(csv_bytes([HEADER, *rows(cats)]))
    call_command("import_hotline", str(path), "--as", cast.zhang.username)
    call_command("import_hotline", str(path), "--as", cast.zhang.username)
    assert Appeal.objects.count() == 3
    assert "跳过 3" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("import_hotline", str(path), "--as", cast.jumin.username)  # PermissionDenied → error
