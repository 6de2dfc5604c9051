"""Reading a roster file (.xlsx or .csv) into row dicts, and the limits every step shares.

A row is a dict with these canonical keys (``read_rows`` produces them from the Chinese header;
``seed_demo`` passes them directly):

=============  ==========  ===================================================================
key            header      meaning
=============  ==========  ===================================================================
``row``        (none)      spreadsheet row number, header = 1; optional (position + 2)
``grid_code``  网格编码    15-digit code of a grid inside the import scope (required)
``compound``   小区        name of a compound of that grid's community (required)
``building``   楼栋        name of a building of that compound, lying in that grid (required)
``unit_no``    单元        unit (optional)
``room``       房号        room (required)
``name``       姓名        (required)
``id_number``  身份证号    18-character resident ID number, the upsert key (required)
``phone``      手机号      mobile or landline with area code (optional)
``relation``   与户主关系  (optional)
``tags``       标签        CareTag names or codes separated by 、 or , (optional)
=============  ==========  ===================================================================
"""

import csv
import io
from pathlib import Path

import openpyxl
from django.utils.translation import gettext as _

from shanzhi.core.errors import DomainError

# (key, header, required)
COLUMNS = [
    ("grid_code", "网格编码", True),
    ("compound", "小区", True),
    ("building", "楼栋", True),
    ("unit_no", "单元", False),
    ("room", "房号", True),
    ("name", "姓名", True),
    ("id_number", "身份证号", True),
    ("phone", "手机号", False),
    ("relation", "与户主关系", False),
    ("tags", "标签", False),
]
HEADER = {key: header for key, header, _required in COLUMNS}
REQUIRED = [key for key, _header, required in COLUMNS if required]
# Headers that real rosters use for the same columns.
ALIASES = {
    "身份证": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "手机": "phone",
    "手机号码": "phone",
    "联系电话": "phone",
    "电话": "phone",
    "单元号": "unit_no",
    "房间号": "room",
    "门牌号": "room",
    "关系": "relation",
    "居民标签": "tags",
    "小区名称": "compound",
    "楼栋号": "building",
    "楼号": "building",
}
HEADER_LOOKUP = {header: key for key, header, _required in COLUMNS} | ALIASES
MAX_LENGTH = {"unit_no": 20, "room": 20, "name": 50, "relation": 20}
TAG_SEPARATORS = str.maketrans({",": "、", "，": "、", ";": "、", "；": "、", "/": "、"})

CHUNK = 2000  # rows written (and residents prefetched) per step
PROGRESS_EVERY = 5000
MAX_STORED_ERRORS = 1000  # a job keeps at most this many in ImportJob.errors


class RosterRejected(DomainError):
    """The file has errors; ``errors`` lists them as {"row", "column", "reason"}."""

    def __init__(self, errors):
        super().__init__(_("文件有 %(n)d 处错误，未导入任何数据。") % {"n": len(errors)}, field="file")
        self.errors = errors


def file_error(reason):
    return {"row": None, "column": "", "reason": reason}


# --- reading -----------------------------------------------------------------------------------


def _normalise_header(value):
    text = "".join(str(value or "").split())  # also drops full-width spaces
    return text.strip("*＊")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        if abs(value) >= 1e16:  # an ID number typed into a number cell: Excel kept 15 digits
            return f"{value:E}"
        value = int(value)
    text = str(value).strip()
    # A leading apostrophe is how people force Excel to keep digits as text.
    return text[1:].strip() if text.startswith("'") else text


def _find_header(raw_rows):
    """The first row (within the first ten) that names at least three known columns."""
    for number, values in enumerate(raw_rows, start=1):
        keys = [HEADER_LOOKUP.get(_normalise_header(v)) for v in values]
        if sum(k is not None for k in keys) >= 3:
            return number, keys
        if number >= 10:
            break
    return None, None


def _rows_from(raw_rows):
    """Dicts keyed by canonical names from an iterator of value tuples (header included)."""
    raw_rows = iter(raw_rows)
    head = []
    for values in raw_rows:
        head.append(values)
        if len(head) >= 10:
            break
    header_at, keys = _find_header(head)
    if header_at is None:
        raise RosterRejected(
            [file_error(_("找不到表头：第一行应为“网格编码、小区、楼栋、单元、房号、姓名、身份证号……”。"))]
        )
    missing = [HEADER[k] for k in REQUIRED if k not in keys]
    if missing:
        raise RosterRejected(
            [
                {"row": header_at, "column": col, "reason": _("表头缺少必填列“%(c)s”。") % {"c": col}}
                for col in missing
            ]
        )
    columns = [(i, k) for i, k in enumerate(keys) if k is not None]
    rows = []

    def emit(number, values):
        row = {k: _cell(values[i]) if i < len(values) else "" for i, k in columns}
        if any(row.values()):
            row["row"] = number
            rows.append(row)

    for number, values in enumerate(head[header_at:], start=header_at + 1):
        emit(number, values)
    for number, values in enumerate(raw_rows, start=len(head) + 1):
        emit(number, values)
    return rows


def _xlsx_values(f):
    try:
        book = openpyxl.load_workbook(f, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise RosterRejected([file_error(_("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。"))]) from exc
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def decode_csv(data):
    """UTF-8 (with or without BOM, as Excel writes it) or GB18030 (Excel on a Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterRejected([file_error(_("CSV 文件的编码无法识别，请另存为“CSV UTF-8”格式。"))])


def read_rows(path_or_file, filename):
    """Read an .xlsx or .csv roster into a list of row dicts (see the module docstring).

    Raises RosterRejected for a file that cannot be read or whose header lacks a required column.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise RosterRejected([file_error(_("只支持 .xlsx 或 .csv 文件。"))])
    if isinstance(path_or_file, str | Path):
        with open(path_or_file, "rb") as f:
            return read_rows(f, filename)
    if suffix == ".xlsx":
        return _rows_from(_xlsx_values(path_or_file))
    text = decode_csv(path_or_file.read())
    return _rows_from(csv.reader(io.StringIO(text, newline="")))


# The same reading for other apps' importers (red property's owners' roll): a workbook's first
# sheet as value tuples (RosterRejected when it cannot be opened), a cell as text, a header
# cell without its spaces and required-marks.
xlsx_values = _xlsx_values
cell_text = _cell
normalise_header = _normalise_header
