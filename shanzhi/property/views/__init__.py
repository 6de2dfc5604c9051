from .companies import company_contact, company_contract, company_detail, company_edit, company_list
from .evaluations import evaluation_detail, evaluation_list, inspect, rate, run_detail, run_start
from .public import result_detail, results
from .schemes import (
    scheme_list,
    version_detail,
    version_indicator,
    version_item,
    version_new,
    version_publish,
)
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
    "company_contact",
    "company_contract",
    "company_detail",
    "company_edit",
    "company_list",
    "evaluation_detail",
    "evaluation_list",
    "inspect",
    "rate",
    "result_detail",
    "results",
    "run_detail",
    "run_start",
    "scheme_list",
    "version_detail",
    "version_indicator",
    "version_item",
    "version_new",
    "version_publish",
    "vote_cast",
    "vote_close",
    "vote_detail",
    "vote_export",
    "vote_list",
    "vote_new",
    "vote_open",
    "vote_paper",
]
