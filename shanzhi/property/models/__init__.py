"""Red property's tables, split by subject; every name is re-exported here."""

from .companies import CompanyContact, CompanyProfile, ServiceContract
from .credit import CreditEvent, CreditRules
from .disclosures import Disclosure
from .evaluations import Evaluation, EvaluationEntry, EvaluationRun, Period, ResidentRating
from .lists import ListRules, StandingEntry, StandingList
from .market import MarketListing, MarketRequest
from .schemes import Indicator, Scheme, SchemeItem, SchemeVersion
from .supervision import SupervisionAction, SupervisionEvent
from .transitions import HandoverItem, Transition, TransitionEvent
from .votes import Ballot, BallotChange, Elector, OwnedUnit, Owner, Vote

__all__ = [
    "Ballot",
    "BallotChange",
    "CompanyContact",
    "CompanyProfile",
    "CreditEvent",
    "CreditRules",
    "Disclosure",
    "Elector",
    "Evaluation",
    "EvaluationEntry",
    "EvaluationRun",
    "Indicator",
    "ListRules",
    "OwnedUnit",
    "Owner",
    "Period",
    "ResidentRating",
    "Scheme",
    "SchemeItem",
    "SchemeVersion",
    "ServiceContract",
    "StandingEntry",
    "StandingList",
    "SupervisionAction",
    "SupervisionEvent",
    "Vote",
    "HandoverItem",
    "MarketListing",
    "MarketRequest",
    "Transition",
    "TransitionEvent",
]

# Owners' committees, reserve lists and four-party meetings (committees.py, meetings.py).
from .committees import Committee, CommitteeMember, ReserveCandidate  # noqa: E402
from .meetings import Attendee, Decision, Meeting, Party  # noqa: E402

__all__ += ["Attendee", "Committee", "CommitteeMember", "Decision", "Meeting", "Party", "ReserveCandidate"]
