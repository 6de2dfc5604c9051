from .public import result_detail, results
from .votes import (
    ballot_confirm,
    vote_cast,
    vote_close,
    vote_detail,
    vote_export,
    vote_list,
    vote_new,
    vote_open,
    vote_paper,
)

__all__ = [
    "ballot_confirm",
    "result_detail",
    "results",
    "vote_cast",
    "vote_close",
    "vote_detail",
    "vote_export",
    "vote_list",
    "vote_new",
    "vote_open",
    "vote_paper",
]
