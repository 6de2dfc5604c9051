"""Every write of co-construction, one function per verb (split by subject; all re-exported here)."""

from .assessment import assess, grade_for, open_period, publish_period
from .lists import (
    cancel_need,
    close_need,
    create_resource,
    publish_need,
    publish_resource,
    submit_need,
    withdraw_resource,
)
from .orders import (
    accept_order,
    cancel_order,
    claim_need,
    finish_claim,
    finish_order,
    place_order,
    rate_claim,
    rate_order,
    reject_order,
    schedule_visit,
    start_claim,
    start_order,
    withdraw_claim,
)
from .projects import (
    add_milestone,
    complete_milestone,
    create_project,
    set_progress,
    set_status,
    weighted_progress,
)
from .reporting import (
    add_commitment,
    claim_post,
    create_post,
    leave_community,
    may_record,
    record_joint_activity,
    register_member,
    release_post,
    schedule_duty,
    sign_agreement,
)

__all__ = [
    "accept_order", "add_commitment", "add_milestone", "assess", "cancel_need", "cancel_order", "claim_need",
    "claim_post", "close_need", "complete_milestone", "create_post", "create_project", "create_resource",
    "finish_claim", "finish_order", "grade_for", "leave_community", "may_record", "open_period", "place_order", "publish_need",
    "publish_period", "publish_resource", "rate_claim", "rate_order", "record_joint_activity", "register_member",
    "reject_order", "release_post", "schedule_duty", "schedule_visit", "set_progress", "set_status",
    "sign_agreement", "start_claim", "start_order", "submit_need", "weighted_progress", "withdraw_claim",
    "withdraw_resource",
]
