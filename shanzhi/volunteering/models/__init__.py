"""Volunteers and the love bank (爱心银行).

Three groups of tables:

* people and what they do: ``Volunteer``, ``Team``, ``Activity`` with ``SignUp`` (capacity and
  waiting list), ``Commendation``, ``Pairing`` with ``PairingVisit`` (结对帮扶);
* check-in and hours, shared with the co-construction app: a ``ServiceSession`` is anything people
  check in to with a QR code (an activity, a claimed need, a post's duty, a joint activity), and an
  ``Attendance`` is one person's check-in, check-out and the hours the organiser confirmed;
* the points ledger: ``Account`` and ``Movement`` (append-only double entry; balances are kept by a
  database trigger and can never go negative for a person), ``PointsRate``, ``GoodDeed``,
  ``Donation``, the points shop (``Item``, ``Redemption``) and the ``PointsTally`` rollup that
  rankings read.
"""

from .activities import Activity, Attendance, ServiceSession, SignUp
from .people import Commendation, Pairing, PairingVisit, Team, TeamMember, Volunteer
from .points import Account, Donation, GoodDeed, Item, Movement, PointsRate, PointsTally, Redemption

__all__ = [
    "Volunteer",
    "Team",
    "TeamMember",
    "Commendation",
    "Pairing",
    "PairingVisit",
    "ServiceSession",
    "Attendance",
    "Activity",
    "SignUp",
    "Account",
    "Movement",
    "PointsRate",
    "GoodDeed",
    "Donation",
    "Item",
    "Redemption",
    "PointsTally",
]
