"""Every write to appeals. Import the verbs from here: ``from shanzhi.appeals import services``
then ``services.dispatch(appeal, by=user, to_user=worker)``.

Modules: ``intake`` (submit), ``placing`` (where it is; 定位 of an unplaced appeal), ``nearby`` (nearby_open), ``moves`` (acceptance to verification), ``resolving`` (办结 and 就地解决), ``contact`` (revealing the contact phone), ``closing`` (visit, rating, reopen, close), ``oversight`` (escalate, supervise, remind, merge), ``categories`` (the taxonomy),
``summons`` (吹哨报到), ``delays`` (延期/缓办), ``photos``, ``deadlines``, ``notify``, ``sweep``,
``actions`` (what a user may do now, for the buttons), ``moveforms`` (a page's or the API's fields →
the move's call), ``importing`` (12345 hotline files). ``base.ALLOWED`` is the one table of allowed moves.
"""

from .actions import available_actions
from .base import ALLOWED
from .categories import create_category, set_category_active, update_category
from .closing import close, rate, visit
from .delays import decide_extension, decide_suspension, request_extension, request_suspension, resume
from .intake import submit
from .moves import (
    accept,
    claim,
    dispatch,
    reject,
    return_appeal,
    return_to_city,
    send_back,
    start,
    suggest_assignee,
    verify,
)
from .nearby import nearby_open
from .oversight import escalate, merge, remind, supervise
from .photos import add_photos
from .placing import place
from .resolving import resolve, response_template, self_handle
from .summons import cancel_summons, finish_part, report, summon

__all__ = [
    "ALLOWED",
    "accept",
    "add_photos",
    "available_actions",
    "cancel_summons",
    "claim",
    "close",
    "create_category",
    "decide_extension",
    "decide_suspension",
    "dispatch",
    "escalate",
    "finish_part",
    "merge",
    "nearby_open",
    "place",
    "rate",
    "reject",
    "return_to_city",
    "remind",
    "report",
    "request_extension",
    "request_suspension",
    "resolve",
    "response_template",
    "resume",
    "return_appeal",
    "self_handle",
    "send_back",
    "set_category_active",
    "start",
    "submit",
    "suggest_assignee",
    "summon",
    "supervise",
    "update_category",
    "verify",
    "visit",
]
