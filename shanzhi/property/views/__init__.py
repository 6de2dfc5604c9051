from .companies import company_contact, company_contract, company_detail, company_edit, company_list
from .disclosures import disclosure_publish, disclosure_staff
from .evaluations import evaluation_detail, evaluation_list, inspect, rate, run_detail, run_start
from .lists import (
    evaluations_export,
    list_approve,
    list_propose,
    list_rules,
    list_staff,
    public_disclosure,
    public_lists,
)
from .public import result_detail, results
from .schemes import (
    scheme_list,
    version_detail,
    version_indicator,
    version_item,
    version_new,
    version_publish,
)
from .supervision import supervise, supervision_close, supervision_detail, supervision_note
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
    "disclosure_publish",
    "disclosure_staff",
    "evaluation_detail",
    "evaluation_list",
    "evaluations_export",
    "list_approve",
    "list_propose",
    "list_rules",
    "list_staff",
    "public_disclosure",
    "public_lists",
    "inspect",
    "rate",
    "result_detail",
    "results",
    "run_detail",
    "run_start",
    "scheme_list",
    "supervise",
    "supervision_close",
    "supervision_detail",
    "supervision_note",
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
    "market_accept",
    "market_decline",
    "market_withdraw",
    "market_listing",
    "market_listings",
    "market_public",
    "market_requests",
    "transition_confirm",
    "transition_detail",
    "transition_fallback",
    "transition_hand",
    "transition_list",
]

# Owners' committees and four-party meetings.
from .committees import (  # noqa: E402
    committee,
    committee_list,
    committee_member_add,
    committee_member_remove,
    committee_member_role,
    committee_reserve_add,
    committee_reserve_remove,
    committee_set,
)
from .market import (  # noqa: E402
    market_accept,
    market_decline,
    market_listing,
    market_listings,
    market_public,
    market_requests,
    market_withdraw,
)
from .meetings import decision_done, meeting_decision, meeting_detail, meeting_list, meeting_new  # noqa: E402
from .transitions import (  # noqa: E402
    transition_confirm,
    transition_detail,
    transition_fallback,
    transition_hand,
    transition_list,
)

__all__ += [
    "committee",
    "committee_list",
    "committee_member_add",
    "committee_member_remove",
    "committee_member_role",
    "committee_reserve_add",
    "committee_reserve_remove",
    "committee_set",
    "decision_done",
    "meeting_decision",
    "meeting_detail",
    "meeting_list",
    "meeting_new",
]
