"""Roster (台账) import: a spreadsheet of households and residents into the registry.

``reading`` turns a file into row dicts (the columns are listed there), ``checking`` validates
every row, ``writing`` upserts them in one transaction, and ``jobs.import_file`` is the one
service that reads, checks, imports and audits a file for the upload page's task and the
``import_roster`` command alike.

What an import does:

* Compounds and buildings must already exist (they carry the grid and the map position); the
  households are created as needed, keyed by (building, 单元, 房号).
* Residents are upserted by ID number through the blind index. The file is the truth for the
  columns it has: an empty 手机号 cell clears the phone, an empty 标签 cell clears the tags; a
  column missing from the file (a key missing from the dict) leaves that field as it is.
  Residents absent from the file are left alone: an import never deletes anybody.
* A resident registered outside the import scope is refused, not moved: moving them would
  write to a record the importer may not edit.
* Everything is validated first; one bad row and nothing is written. The writes run in one
  transaction, in chunks, with bulk statements.
"""

from .checking import Record, check_rows, validate_rows
from .jobs import create_import_job, import_file, run_import
from .reading import (
    CHUNK,
    COLUMNS,
    HEADER,
    MAX_STORED_ERRORS,
    PROGRESS_EVERY,
    REQUIRED,
    RosterRejected,
    decode_csv,
    file_error,
    read_rows,
)
from .writing import check_permission, import_rows

__all__ = [
    "CHUNK",
    "COLUMNS",
    "HEADER",
    "MAX_STORED_ERRORS",
    "PROGRESS_EVERY",
    "REQUIRED",
    "Record",
    "RosterRejected",
    "check_permission",
    "check_rows",
    "create_import_job",
    "decode_csv",
    "file_error",
    "import_file",
    "import_rows",
    "read_rows",
    "run_import",
    "validate_rows",
]
