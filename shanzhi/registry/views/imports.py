"""Rosters in and out: upload a 台账 file, follow its import, read its error report; the masked export."""

import zipfile

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from openpyxl import Workbook
from openpyxl.styles import Font

from shanzhi.accounts import permissions
from shanzhi.core import spreadsheets
from shanzhi.core.errors import DomainError

from .. import exporting, importing
from ..models import CareTag, ImportJob, OrgNode

MAX_UPLOAD_BYTES = 30 * 1024 * 1024  # about 250,000 rows of CSV
FINISHED = {ImportJob.Status.DONE, ImportJob.Status.REJECTED, ImportJob.Status.FAILED}
JOBS_SHOWN = 50


def importable_nodes(user):
    """The nodes this user may import into: their own and those below it, down to communities."""
    return (
        permissions.visible(user, OrgNode, "registry.import")
        .exclude(level=OrgNode.Level.GRID)
        .order_by("path")
    )


class NodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        indent = {"district": 0, "street": 1, "community": 2}.get(obj.level, 3)
        return f"{'　' * indent}{obj.name}（{obj.code}）"


class UploadForm(forms.Form):
    scope = NodeChoiceField(queryset=OrgNode.objects.none(), label=gettext_lazy("导入到"), empty_label=None)
    file = forms.FileField(label=gettext_lazy("台账文件（.xlsx 或 .csv）"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = importable_nodes(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件太大（最大 %(n)d MB），请分成几个文件导入。")
                % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        name = upload.name.lower()
        if name.endswith(".xlsx"):
            _check_xlsx(upload)
        elif name.endswith(".csv"):
            _check_csv(upload)
        else:
            raise forms.ValidationError(_("只支持 .xlsx 或 .csv 文件。"))
        upload.seek(0)
        return upload


def _check_xlsx(upload):
    """By content, not by name: an .xlsx is a zip archive holding a workbook part."""
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":
        raise forms.ValidationError(
            _("文件内容不是 Excel（.xlsx）格式；旧版 .xls 请在 Excel 中另存为 .xlsx。")
        )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            ok = "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        ok = False
    if not ok:
        raise forms.ValidationError(_("文件内容不是 Excel（.xlsx）格式，或文件已损坏。"))


def _check_csv(upload):
    upload.seek(0)
    data = upload.read()
    if b"\x00" in data:
        raise forms.ValidationError(_("文件内容不是 CSV 文本。"))
    try:
        importing.decode_csv(data)
    except importing.RosterRejected as exc:
        raise forms.ValidationError(exc.errors[0]["reason"]) from exc


def _require_importer(user):
    if not permissions.has_role_for(user, "registry.import"):
        raise PermissionDenied


@never_cache
def import_list(request):
    """The upload form, the template download (?template=1) and the jobs this user may see."""
    user = request.user
    _require_importer(user)
    if request.GET.get("template"):
        return _template_response()
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.create_import_job(
                by=user, scope=form.cleaned_data["scope"], uploaded_file=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("registry:import", pk=job.pk)
    jobs = permissions.visible(user, ImportJob).select_related("scope", "created_by").order_by("-created_at")
    return render(
        request,
        "registry/imports/list.html",
        {
            "form": form,
            "jobs": jobs[:JOBS_SHOWN],
            "columns": importing.COLUMNS,
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
    )


@never_cache
def import_detail(request, pk):
    job = permissions.get_visible_or_404(request.user, ImportJob, pk=pk)
    return render(request, "registry/imports/detail.html", _job_context(job))


@never_cache
def import_progress(request, pk):
    """The part of the job page that htmx polls every second until the job has finished."""
    job = permissions.get_visible_or_404(request.user, ImportJob, pk=pk)
    return render(request, "registry/imports/_progress.html", _job_context(job))


def _job_context(job):
    return {"job": job, "finished": job.status in FINISHED}


@never_cache
def export_roster(request, code):
    node = permissions.get_visible_or_404(request.user, OrgNode, code=code)
    data = exporting.export_roster(request.user, node, request=request)
    return spreadsheets.xlsx_response(data, f"台账_{node.name}_{timezone.localdate():%Y%m%d}.xlsx")


def _template_response():
    """A header-only workbook to fill in, with a second sheet explaining the columns."""
    book = Workbook()
    sheet = book.active
    sheet.title = spreadsheets.sheet_title("台账")
    sheet.append([header for _key, header, _required in importing.COLUMNS])
    for cell, (_key, _header, required) in zip(sheet[1], importing.COLUMNS, strict=True):
        cell.font = Font(bold=True, color="B71C1C" if required else "000000")
        sheet.column_dimensions[cell.column_letter].width = 20
        # Text format keeps Excel from turning ID numbers and codes into rounded numbers.
        sheet.column_dimensions[cell.column_letter].number_format = "@"
    notes = book.create_sheet(spreadsheets.sheet_title("填写说明"))
    notes.append([_("列"), _("是否必填"), _("说明")])
    for row in _column_notes():
        spreadsheets.append(notes, row)
    notes.append([])
    spreadsheets.append(notes, [_("可用标签"), "", "、".join(CareTag.objects.values_list("name", flat=True))])
    return spreadsheets.xlsx_response(spreadsheets.xlsx_bytes(book), "台账导入模板.xlsx")


def _column_notes():
    text = {
        "grid_code": _("15 位网格编码，必须是您管辖范围内的网格"),
        "compound": _("小区名称，须已在系统中登记"),
        "building": _("楼栋名称，须已在该网格登记，例如“1号楼”"),
        "unit_no": _("例如“1单元”，没有单元可不填"),
        "room": _("例如“302”"),
        "name": _("居民姓名"),
        "id_number": _("18 位身份证号，按身份证号识别同一个人；请把该列设为文本格式"),
        "phone": _("11 位手机号或带区号的固定电话；留空会清除已登记的电话"),
        "relation": _("例如“户主”“配偶”“子女”"),
        "tags": _("多个标签用顿号“、”或逗号分隔；留空会清除已有标签"),
    }
    return [
        [header, _("必填") if required else _("选填"), text[key]]
        for key, header, required in importing.COLUMNS
    ]
