"""The appeals' test helpers (a fixed Monday, categories, ``file_appeal``) on the shared cast."""

from shanzhi.appeals.tests.conftest import _fixed_day, cats, file_appeal  # noqa: F401
