"""Every write of owners' assembly votes: the owners' roll, votes, ballots. One function per verb;
each is atomic, checks permission through the one permission module and raises DomainError naming
the field on bad input, leaving nothing half-written."""

from .ballots import cast, confirm_paper, enter_paper
from .roll import add_owner, put_unit
from .votes import close_vote, create_vote, open_vote

__all__ = [
    "add_owner",
    "cast",
    "close_vote",
    "confirm_paper",
    "create_vote",
    "enter_paper",
    "open_vote",
    "put_unit",
]
