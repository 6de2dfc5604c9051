"""Roster (台账) import: a spreadsheet of households and residents into the registry.

``reading`` turns a file into row dicts (the columns are listed there), ``checking`` validates
every row, ``writing`` upserts them in one transaction (``bulk``: PostgreSQL's COPY path and the
per-row work shared out to worker processes), and ``jobs.import_file`` is the one
service that reads, checks, imports and audits a file for the upload page's task and the
``import_roster`` command alike. The rules of an import (upsert by ID number, the file is the
truth for its columns, all or nothing, never a move out of scope): docs/ARCHITECTURE.md.
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
