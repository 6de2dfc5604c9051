"""Pages of co-construction: the three lists, orders and claims with their timelines, projects,
agreements (promised vs delivered), posts, assessments and their public list, the unit report.

Every fetch goes through the permission module; every write is one service call. Actions on one
object are POSTs to ``<object>/<verb>/``, dispatched from a table, so each verb has one entry point.
"""

from .edits import need_edit, resource_edit
from .lists import (
    me,
    need_action,
    need_detail,
    need_list,
    overview,
    resource_action,
    resource_detail,
    resource_list,
)
from .reporting import (
    agreement_detail,
    agreement_list,
    member_list,
    period_detail,
    period_list,
    post_action,
    post_detail,
    post_list,
    public_assessment,
    unit_report,
    unit_report_pdf,
)
from .work import (
    claim_action,
    claim_detail,
    order_action,
    order_detail,
    project_action,
    project_detail,
    project_list,
    public_project,
    public_projects,
)

__all__ = [
    "agreement_detail",
    "agreement_list",
    "claim_action",
    "claim_detail",
    "me",
    "member_list",
    "need_action",
    "need_detail",
    "need_edit",
    "need_list",
    "order_action",
    "order_detail",
    "overview",
    "period_detail",
    "period_list",
    "post_action",
    "post_detail",
    "post_list",
    "project_action",
    "project_detail",
    "project_list",
    "public_assessment",
    "public_project",
    "public_projects",
    "resource_action",
    "resource_detail",
    "resource_edit",
    "resource_list",
    "unit_report",
    "unit_report_pdf",
]
