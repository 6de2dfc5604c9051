"""Roster (台账) import: all or nothing, idempotent, scoped, with a report a community worker can act on."""

import csv
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.http import Http404
from django.urls import reverse
from faker import Faker

from shanzhi.core import crypto
from shanzhi.core.models import AuditEvent
from shanzhi.registry import importing
from shanzhi.registry.importing import writing
from shanzhi.registry.models import Household, ImportJob, Resident

HEADERS = ["网格编码", "小区", "楼栋", "单元", "房号", "姓名", "身份证号", "手机号", "与户主关系", "标签"]
A1, A2 = "370402001001001", "370402001001002"


def make_rows(n=4, seed=7):
    """``n`` residents in the two grids of community A, as header -> value dicts."""
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rows = []
    for i in range(n):
        grid, building = (A1, "1号楼") if i % 2 == 0 else (A2, "2号楼")
        rows.append(
            {
                "网格编码": grid,
                "小区": "幸福小区",
                "楼栋": building,
                "单元": "2单元",
                "房号": str(501 + i // 2),
                "姓名": fake.name(),
                "身份证号": fake.ssn(),
                "手机号": fake.phone_number(),
                "与户主关系": "户主" if i % 2 == 0 else "配偶",
                "标签": "独居老人、党员" if i == 0 else "",
            }
        )
    return rows


def as_csv(rows, encoding="utf-8-sig", headers=HEADERS):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def as_xlsx(rows, headers=HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data, name="roster.csv"):
    return importing.read_rows(io.BytesIO(data), name)


def import_file(data, cast, by=None, scope=None, name="roster.csv"):
    return importing.import_rows(read(data, name), by=by or cast.zhang, scope=scope or cast.community)


def snapshot():
    """Everything an import could touch, to show that a refused one touched nothing."""
    return (
        sorted(
            Resident.objects.values_list(
                "id", "name", "phone_index", "relation", "household_id", "updated_at"
            )
        ),
        sorted(Household.objects.values_list("id", "building_id", "unit_no", "room")),
        sorted(Resident.tags.through.objects.values_list("resident_id", "caretag_id")),
    )


# --- a good file -------------------------------------------------------------------------------


def test_good_file_imports_households_residents_and_tags(cast):
    rows = make_rows(4)
    counts = import_file(as_csv(rows), cast)

    assert (counts["created"], counts["updated"], counts["unchanged"]) == (4, 0, 0)
    assert counts["households_created"] == 4
    first = Resident.objects.get(id_number_index=crypto.blind_index(rows[0]["身份证号"]))
    assert first.name == rows[0]["姓名"]
    assert first.phone == rows[0]["手机号"]
    assert first.grid == cast.grid
    assert (first.household.building, first.household.unit_no, first.household.room) == (
        cast.building,
        "2单元",
        "501",
    )
    assert {t.code for t in first.tags.all()} == {"elderly_alone", "party_member"}
    assert first.name_initials and first.birth_date is not None
    second = Resident.objects.get(id_number_index=crypto.blind_index(rows[1]["身份证号"]))
    assert second.grid == cast.grid2 and second.relation == "配偶"
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.actor_username == cast.zhang.username
    assert event.detail["created"] == 4


def test_reimporting_the_same_file_changes_nothing(cast):
    data = as_csv(make_rows(6))
    import_file(data, cast)
    before = snapshot()

    counts = import_file(data, cast)

    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 6)
    assert counts["households_created"] == 0
    assert snapshot() == before


def test_changed_row_updates_only_that_resident(cast):
    rows = make_rows(4)
    import_file(as_csv(rows), cast)
    before = dict(Resident.objects.values_list("id_number_index", "updated_at"))
    rows[2]["手机号"] = "13700000000"
    rows[3]["标签"] = "退役军人"

    counts = import_file(as_csv(rows), cast)

    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 2, 2)
    changed = {crypto.blind_index(rows[i]["身份证号"]) for i in (2, 3)}
    after = dict(Resident.objects.values_list("id_number_index", "updated_at"))
    for index, stamp in before.items():
        assert (after[index] != stamp) == (index in changed)
    third = Resident.objects.get(id_number_index=crypto.blind_index(rows[2]["身份证号"]))
    assert third.phone == "13700000000" and third.phone_index == crypto.blind_index("13700000000")
    fourth = Resident.objects.get(id_number_index=crypto.blind_index(rows[3]["身份证号"]))
    assert [t.code for t in fourth.tags.all()] == ["veteran"]


def test_existing_resident_is_matched_by_id_number_and_moved(cast):
    row = make_rows(1)[0] | {
        "身份证号": cast.resident.id_number,
        "姓名": cast.resident.name,
        "房号": "909",
        "手机号": cast.resident.phone,
        "与户主关系": "户主",
        "标签": "独居老人",
    }
    counts = import_file(as_csv([row]), cast)

    assert (counts["created"], counts["updated"]) == (0, 1)
    cast.resident.refresh_from_db()
    assert cast.resident.household.room == "909"
    assert Resident.objects.filter(id_number_index=cast.resident.id_number_index).count() == 1


def test_a_missing_column_leaves_that_field_alone(cast):
    rows = make_rows(2)
    import_file(as_csv(rows), cast)
    headers = [h for h in HEADERS if h not in ("手机号", "标签")]
    rows[0]["与户主关系"] = "其他"

    counts = import_file(as_csv(rows, headers=headers), cast)

    assert (counts["updated"], counts["unchanged"]) == (1, 1)
    first = Resident.objects.get(id_number_index=crypto.blind_index(rows[0]["身份证号"]))
    assert first.relation == "其他"
    assert first.phone == rows[0]["手机号"] and first.phone_index == crypto.blind_index(rows[0]["手机号"])
    assert first.tags.count() == 2


def test_a_new_name_gets_new_pinyin_initials(cast):
    rows = make_rows(1)
    import_file(as_csv(rows), cast)
    rows[0]["姓名"] = "欧阳明"

    import_file(as_csv(rows), cast)

    resident = Resident.objects.get(id_number_index=crypto.blind_index(rows[0]["身份证号"]))
    assert (resident.name, resident.name_initials) == ("欧阳明", "oym")
    assert resident.phone == rows[0]["手机号"]


# --- reading both formats --------------------------------------------------------------------


def test_xlsx_and_csv_give_the_same_rows():
    rows = make_rows(3)
    from_csv = read(as_csv(rows), "a.csv")
    assert read(as_xlsx(rows), "a.xlsx") == from_csv
    assert read(as_csv(rows, encoding="utf-8"), "a.csv") == from_csv
    assert read(as_csv(rows, encoding="gb18030"), "a.csv") == from_csv
    assert [r["row"] for r in from_csv] == [2, 3, 4]
    assert from_csv[0]["name"] == rows[0]["姓名"]


def test_header_is_found_in_any_order_with_spaces_and_a_title_row(cast):
    rows = make_rows(2)
    shuffled = [" 姓名 ", "身份证号", "房号", "楼栋", "小区", "网格编码", "单元", "手机号\u3000"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["东一社区居民台账"])
    sheet.append([h.strip() and h for h in shuffled])
    for row in rows:
        sheet.append([row[h.strip()] for h in shuffled])
    sheet.append([])  # trailing blank rows are common in hand-kept sheets
    out = io.BytesIO()
    book.save(out)

    parsed = read(out.getvalue(), "a.xlsx")

    assert [r["row"] for r in parsed] == [3, 4]
    assert parsed[1]["id_number"] == rows[1]["身份证号"] and parsed[1]["phone"] == rows[1]["手机号"]
    assert "tags" not in parsed[0]
    assert importing.validate_rows(parsed, scope=cast.community) == []


def test_xlsx_file_imports(cast):
    counts = import_file(as_xlsx(make_rows(3)), cast, name="roster.xlsx")
    assert counts["created"] == 3


def test_an_id_number_typed_as_a_number_in_excel_is_explained(cast):
    rows = make_rows(1)
    rows[0]["身份证号"] = float(rows[0]["身份证号"][:17] + "0")  # Excel keeps 15 significant digits
    errors = importing.validate_rows(read(as_xlsx(rows), "a.xlsx"), scope=cast.community)
    assert [(e["column"], "科学计数法" in e["reason"]) for e in errors] == [("身份证号", True)]


def test_a_missing_required_column_rejects_the_file():
    data = as_csv(make_rows(1), headers=[h for h in HEADERS if h != "身份证号"])
    with pytest.raises(importing.RosterRejected) as exc:
        read(data)
    assert exc.value.errors == [{"row": 1, "column": "身份证号", "reason": "表头缺少必填列“身份证号”。"}]


def test_a_file_that_is_not_a_spreadsheet_is_rejected():
    with pytest.raises(importing.RosterRejected):
        read(b"\x89PNG\r\n\x1a\n....", "roster.xlsx")
    with pytest.raises(importing.RosterRejected):
        read(b"a,b\n", "roster.txt")


# --- a file with a bad row ---------------------------------------------------------------------


def _bad_checksum(row, rows, cast):
    good = row["身份证号"]
    row["身份证号"] = good[:17] + ("0" if good[17] != "0" else "1")


BAD_ROWS = {
    "bad checksum": (_bad_checksum, "身份证号", "校验位"),
    "ID in scientific notation": (
        lambda row, rows, cast: row.update({"身份证号": "3.70402E+17"}),
        "身份证号",
        "科学计数法",
    ),
    "bad phone": (lambda row, rows, cast: row.update({"手机号": "1234567"}), "手机号", "手机号格式不正确"),
    "unknown grid": (
        lambda row, rows, cast: row.update({"网格编码": "370402001001099"}),
        "网格编码",
        "不存在或不在您的管辖范围",
    ),
    "grid of another community": (
        lambda row, rows, cast: row.update({"网格编码": cast.grid_b.code}),
        "网格编码",
        "不存在或不在您的管辖范围",
    ),
    "malformed grid code": (lambda row, rows, cast: row.update({"网格编码": "37040"}), "网格编码", "15 位"),
    "unknown building": (lambda row, rows, cast: row.update({"楼栋": "9号楼"}), "楼栋", "还没有楼栋"),
    "building of another grid": (
        lambda row, rows, cast: row.update({"楼栋": "2号楼"}),
        "楼栋",
        "请核对网格编码",
    ),
    "unknown compound": (lambda row, rows, cast: row.update({"小区": "无名小区"}), "小区", "还没有小区"),
    "missing name": (lambda row, rows, cast: row.update({"姓名": "  "}), "姓名", "姓名不能为空"),
    "missing room": (lambda row, rows, cast: row.update({"房号": ""}), "房号", "房号不能为空"),
    "duplicate ID in the file": (
        lambda row, rows, cast: row.update({"身份证号": rows[0]["身份证号"]}),
        "身份证号",
        "与第 2 行的身份证号重复",
    ),
    "unknown tag": (lambda row, rows, cast: row.update({"标签": "独居老人、外星人"}), "标签", "外星人"),
    "name too long": (lambda row, rows, cast: row.update({"姓名": "张" * 51}), "姓名", "过长"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_one_bad_row_imports_nothing_and_is_reported(case, cast):
    spoil, column, reason = BAD_ROWS[case]
    rows = make_rows(5)
    spoil(rows[2], rows, cast)  # the third data row: row 4 of the sheet
    before = snapshot()

    with pytest.raises(importing.RosterRejected) as exc:
        import_file(as_csv(rows), cast)

    assert [(e["row"], e["column"]) for e in exc.value.errors] == [(4, column)]
    assert reason in exc.value.errors[0]["reason"]
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


def test_unknown_grid_and_other_communitys_grid_read_the_same(cast):
    rows = make_rows(2)
    rows[0]["网格编码"] = "370402001001099"
    rows[1]["网格编码"] = cast.grid_b.code
    errors = importing.validate_rows(read(as_csv(rows)), scope=cast.community)
    reasons = [
        e["reason"].replace(code, "CODE")
        for e, code in zip(errors, ["370402001001099", cast.grid_b.code], strict=True)
    ]
    assert reasons[0] == reasons[1]


def test_every_bad_row_is_reported_not_only_the_first(cast):
    rows = make_rows(4)
    rows[0]["姓名"] = ""
    rows[3]["手机号"] = "12"
    errors = importing.validate_rows(read(as_csv(rows)), scope=cast.community)
    assert [(e["row"], e["column"]) for e in errors] == [(2, "姓名"), (5, "手机号")]


def test_resident_registered_outside_the_scope_is_refused_not_moved(cast):
    row = make_rows(1)[0] | {"身份证号": cast.resident_c.id_number}
    household = cast.resident_c.household_id

    with pytest.raises(importing.RosterRejected) as exc:
        import_file(as_csv([row]), cast)

    assert exc.value.errors[0]["column"] == "身份证号"
    cast.resident_c.refresh_from_db()
    assert cast.resident_c.household_id == household


# --- permissions -------------------------------------------------------------------------------


def test_grid_worker_may_not_import(cast):
    with pytest.raises(PermissionDenied):
        import_file(as_csv(make_rows(1)), cast, by=cast.wang, scope=cast.grid)


def test_community_staff_may_not_import_into_another_community(cast):
    with pytest.raises(Http404):
        import_file(as_csv(make_rows(1)), cast, by=cast.chen, scope=cast.community)


def test_system_import_needs_no_user_and_takes_code_lists_for_tags(cast):
    row = {
        "grid_code": A1,
        "compound": "幸福小区",
        "building": "1号楼",
        "unit_no": "",
        "room": "1",
        "name": "测试人",
        "id_number": make_rows(1)[0]["身份证号"],
        "phone": "",
        "relation": "户主",
        "tags": ["veteran", "党员"],
    }
    counts = importing.import_rows([row], by=None, scope=cast.district)
    assert counts["created"] == 1
    resident = Resident.objects.get(id_number_index=crypto.blind_index(row["id_number"]))
    assert {t.code for t in resident.tags.all()} == {"veteran", "party_member"}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second writer during the import needs PostgreSQL"
)
@pytest.mark.django_db(
    transaction=True,
    available_apps=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "axes",
        "django_otp",
        "django_otp.plugins.otp_totp",
        "django_tasks_db",
        "shanzhi.core",
        "shanzhi.accounts",
        "shanzhi.registry",
    ],
)
def test_progress_is_visible_to_the_polling_page_while_the_import_runs(cast, monkeypatch):
    monkeypatch.setattr(writing, "CHUNK", 2)  # the writer's own names: the package re-exports them
    monkeypatch.setattr(writing, "PROGRESS_EVERY", 2)
    job = ImportJob.objects.create(
        created_by=cast.zhang,
        scope=cast.community,
        file="",
        original_name="x.csv",
        status=ImportJob.Status.IMPORTING,
        total_rows=6,
    )
    seen = []
    save_aside = writing._save_progress_aside

    def look_from_elsewhere(job):
        save_aside(job)
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT processed_rows FROM registry_importjob WHERE id = %s", [job.pk])
                progress = cursor.fetchone()[0]
                cursor.execute("SELECT count(*) FROM registry_resident")
                seen.append((progress, cursor.fetchone()[0]))
        finally:
            other.close()

    monkeypatch.setattr(writing, "_save_progress_aside", look_from_elsewhere)
    importing.import_rows(read(as_csv(make_rows(6))), by=cast.zhang, scope=cast.community, job=job)

    # Progress is seen while the residents are not yet: the import is still one open transaction.
    assert seen == [(2, 4), (4, 4), (6, 4)]
    assert Resident.objects.count() == 10


# --- the command -------------------------------------------------------------------------------


def test_command_imports_and_prints_counts(cast, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(as_csv(make_rows(3)))

    call_command("import_roster", str(path), "--scope", cast.community.code, "--user", cast.zhang.username)

    out = capsys.readouterr().out
    assert "新增 3 人" in out and "行/秒" in out
    assert Resident.objects.count() == 4 + 3


def test_command_rejects_a_bad_file_with_a_report_and_a_nonzero_exit(cast, tmp_path, capsys):
    rows = make_rows(3)
    rows[1]["手机号"] = "12"
    path = tmp_path / "roster.csv"
    path.write_bytes(as_csv(rows))

    with pytest.raises(CommandError) as exc:
        call_command("import_roster", str(path))  # a system import into the only district

    assert exc.value.returncode != 0
    out = capsys.readouterr().out
    assert "第 3 行" in out and "【手机号】" in out and "手机号格式不正确" in out
    assert Resident.objects.count() == 4


def test_command_refuses_a_user_without_the_right(cast, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(as_csv(make_rows(1)))
    with pytest.raises(CommandError, match="无权"):
        call_command("import_roster", str(path), "--user", cast.wang.username, "--scope", cast.grid.code)
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (event.outcome, event.actor_id) == ("denied", cast.wang.pk)
    assert Resident.objects.count() == 4


def test_command_audits_a_rejected_file_as_the_page_does(cast, tmp_path, capsys):
    rows = make_rows(3)
    rows[0]["身份证号"] = "12345"
    path = tmp_path / "roster.csv"
    path.write_bytes(as_csv(rows))
    before = snapshot()

    with pytest.raises(CommandError):
        call_command(
            "import_roster", str(path), "--scope", cast.community.code, "--user", cast.zhang.username
        )

    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (event.outcome, event.actor_id) == ("failure", cast.zhang.pk)
    assert event.detail == {"scope": cast.community.code, "errors": 1}
    assert snapshot() == before


def test_a_file_that_cannot_be_read_is_audited_as_rejected(cast, tmp_path):
    path = tmp_path / "roster.txt"
    path.write_bytes(b"not a roster")
    with pytest.raises(importing.RosterRejected):
        importing.import_file(path, path.name, by=cast.zhang, scope=cast.community)
    assert AuditEvent.objects.get(action=AuditEvent.Action.IMPORT).outcome == "failure"


def test_the_file_service_imports_and_audits_once(cast, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(as_csv(make_rows(2)))
    counts = importing.import_file(path, path.name, by=cast.zhang, scope=cast.community)
    assert (counts["created"], Resident.objects.count()) == (2, 6)
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (event.outcome, event.detail["created"]) == ("success", 2)


# --- the pages ---------------------------------------------------------------------------------


def upload(client, data, name, scope):
    return client.post(
        reverse("registry:imports"),
        {
            "scope": scope.pk,
            "file": SimpleUploadedFile(name, data),
        },
    )


def test_community_staff_uploads_and_follows_the_job_to_done(cast, login):
    client = login(cast.zhang)
    assert client.get(reverse("registry:imports")).status_code == 200

    response = upload(client, as_xlsx(make_rows(4)), "roster.xlsx", cast.community)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("registry:import", args=[job.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert job.status == ImportJob.Status.DONE and job.created_count == 4 and job.total_rows == 4
    assert "已导入 4 行" in page.content.decode()
    fragment = client.get(reverse("registry:import_progress", args=[job.pk])).content.decode()
    assert "hx-get" not in fragment  # finished: the page stops polling
    assert not job.file  # the upload (ID numbers in clear) is not kept


def test_a_bad_upload_shows_the_error_table_and_imports_nothing(cast, login):
    client = login(cast.zhang)
    rows = make_rows(3)
    rows[2]["身份证号"] = rows[2]["身份证号"][:17] + ("0" if rows[2]["身份证号"][17] != "0" else "1")

    response = upload(client, as_csv(rows), "roster.csv", cast.community)

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert job.errors == [{"row": 4, "column": "身份证号", "reason": "身份证号校验位不正确，请核对。"}]
    page = client.get(response.url).content.decode()
    assert "身份证号校验位不正确" in page and "<td>4</td>" in page
    assert Resident.objects.count() == 4
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, outcome="failure").exists()


def test_a_running_job_page_polls_for_progress(cast, login):
    job = ImportJob.objects.create(
        created_by=cast.zhang,
        scope=cast.community,
        file="imports/x.csv",
        original_name="x.csv",
        status=ImportJob.Status.VALIDATING,
        total_rows=200,
        processed_rows=50,
    )
    fragment = login(cast.zhang).get(reverse("registry:import_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "25%" in fragment


def test_upload_checks_the_content_not_the_name(cast, login):
    client = login(cast.zhang)
    response = upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "roster.xlsx", cast.community)
    assert response.status_code == 200 and "不是 Excel" in response.content.decode()
    response = upload(client, b"\x00\x01\x02binary", "roster.csv", cast.community)
    assert response.status_code == 200 and "不是 CSV" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_refuses_a_scope_outside_the_users(cast, login):
    response = upload(login(cast.zhang), as_csv(make_rows(1)), "roster.csv", cast.community_b)
    assert response.status_code == 200
    assert not ImportJob.objects.exists()


def test_grid_worker_gets_403_on_the_upload_page(cast, login):
    client = login(cast.wang)
    assert client.get(reverse("registry:imports")).status_code == 403
    assert upload(client, as_csv(make_rows(1)), "roster.csv", cast.grid).status_code == 403


def test_another_communitys_job_is_404(cast, login):
    job = ImportJob.objects.create(
        created_by=cast.zhang,
        scope=cast.community,
        file="imports/x.csv",
        original_name="x.csv",
        status=ImportJob.Status.DONE,
    )
    client = login(cast.chen)
    assert client.get(reverse("registry:import", args=[job.pk])).status_code == 404
    assert client.get(reverse("registry:import_progress", args=[job.pk])).status_code == 404
    assert "x.csv" not in client.get(reverse("registry:imports")).content.decode()


def test_template_download_is_a_header_only_workbook(cast, login):
    response = login(cast.zhang).get(reverse("registry:imports") + "?template=1")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS and sheet.max_row == 1
