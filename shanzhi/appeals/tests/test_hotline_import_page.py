"""The 12345 hotline import page (issue 13 §13): upload, progress, report. Tasks run inline in tests."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shanzhi.appeals.models import Appeal, HotlineImportJob
from shanzhi.appeals.services.importing import import_file

from .test_city_hotline import HEADER
from .test_importing import HEADER as FULL_HEADER
from .test_importing import csv_bytes, rows

URL = "/appeals/hotline-imports/"


def upload(client, user, data, name="hotline.csv"):
    client.force_login(user)
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_the_page_imports_a_file_in_the_background_and_reports(client, cast, cats):
    client.force_login(cast.zhang)
    page = client.get(URL).content.decode()
    assert 'name="file"' in page and "市级办理时限" in page  # the columns are listed
    response = upload(client, cast.zhang, csv_bytes([FULL_HEADER, *rows(cats)]))
    job = HotlineImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("appeals:hotline_import", args=[job.pk])
    assert job.status == "done" and len(job.created_numbers) == 3 and job.skipped == []
    assert not job.file  # the upload (phone numbers in clear) is gone once run
    assert (job.processed_rows, job.total_rows) == (3, 3)
    page = client.get(response.url).content.decode()
    for number in job.created_numbers:
        assert reverse("appeals:detail", args=[number]) in page
    assert "hx-get" not in page  # finished: no more polling
    # The same file again: nothing new, every case number reported as skipped.
    upload(client, cast.zhang, csv_bytes([FULL_HEADER, *rows(cats)]))
    again = HotlineImportJob.objects.order_by("-id").first()
    assert again.created_numbers == [] and len(again.skipped) == 3
    assert "BJ12345-0001" in client.get(reverse("appeals:hotline_import", args=[again.pk])).content.decode()
    assert Appeal.objects.count() == 3


def test_a_file_with_bad_rows_imports_nothing_and_the_report_names_row_column_reason(client, cast, cats):
    table = [FULL_HEADER, *rows(cats)]
    table[2][5] = "不存在的分类"
    upload(client, cast.zhang, csv_bytes(table))
    job = HotlineImportJob.objects.get()
    assert job.status == "rejected" and not Appeal.objects.exists()
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "诉求分类")}
    page = client.get(reverse("appeals:hotline_import", args=[job.pk])).content.decode()
    assert "诉求分类" in page and "找不到该诉求分类" in page


def test_bad_uploads_are_refused_in_plain_words_and_leave_no_job(client, cast, cats):
    client.force_login(cast.zhang)
    missing = client.post(URL, {})
    assert missing.status_code == 400 and "请选择要上传的文件" in missing.content.decode()
    wrong = upload(client, cast.zhang, b"hello", name="notes.txt")
    assert wrong.status_code == 400 and ".xlsx" in wrong.content.decode()
    assert not HotlineImportJob.objects.exists()
    # An unreadable file is a job that reports why.
    upload(client, cast.zhang, b"\xff\xfe\x00garbage", name="broken.xlsx")
    assert HotlineImportJob.objects.get().status == "rejected"


def test_only_importers_upload_and_only_the_uploader_reads_the_report(client, cast, cats):
    assert upload(client, cast.wang, csv_bytes([HEADER])).status_code == 403
    assert upload(client, cast.jumin, csv_bytes([HEADER])).status_code == 403
    assert not HotlineImportJob.objects.exists()
    upload(client, cast.zhang, csv_bytes([FULL_HEADER, *rows(cats)]))
    job = HotlineImportJob.objects.get()
    client.force_login(cast.zhao)  # community secretary: may import, but this report is not theirs
    assert client.get(reverse("appeals:hotline_import", args=[job.pk])).status_code == 404
    assert client.get(reverse("appeals:hotline_import_progress", args=[job.pk])).status_code == 404
    assert job.original_name not in client.get(URL).content.decode()


def test_a_queued_job_page_polls_its_progress(client, cast):
    job = HotlineImportJob.objects.create(created_by=cast.zhang, original_name="待处理.csv")
    client.force_login(cast.zhang)
    page = client.get(reverse("appeals:hotline_import_progress", args=[job.pk])).content.decode()
    assert reverse("appeals:hotline_import_progress", args=[job.pk]) in page and "hx-get" in page


def test_import_reports_its_progress(cast, cats):
    heard = []
    import_file(
        csv_bytes([FULL_HEADER, *rows(cats)]),
        "hotline.csv",
        by=cast.zhang,
        progress=lambda phase, done, total: heard.append((phase, done, total)),
    )
    assert heard == [("validating", 3, 3), ("importing", 0, 3)]
