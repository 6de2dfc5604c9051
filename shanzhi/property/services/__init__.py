"""Every write of red property: the owners' roll, votes, ballots; companies, schemes,
evaluations. One function per verb; each is atomic, checks permission through the one permission
module and raises DomainError naming the field on bad input, leaving nothing half-written."""

from .ballots import cast, confirm_paper, enter_paper, reject_paper, withdraw_paper
from .companies import add_contact, add_contract, set_party_members, update_company
from .evaluations import enter, open_period, rate, score_one, start_run
from .roll import add_owner, edit_owner, put_unit, remove_unit
from .schemes import add_indicator, add_item, create_scheme, new_version, publish, set_thresholds
from .votes import close_vote, create_vote, open_vote

__all__ = [
    "add_contact",
    "add_contract",
    "add_indicator",
    "add_item",
    "add_owner",
    "cast",
    "close_vote",
    "confirm_paper",
    "create_scheme",
    "create_vote",
    "edit_owner",
    "enter",
    "enter_paper",
    "new_version",
    "open_period",
    "open_vote",
    "publish",
    "put_unit",
    "rate",
    "reject_paper",
    "remove_unit",
    "score_one",
    "set_party_members",
    "set_thresholds",
    "start_run",
    "update_company",
    "withdraw_paper",
]
