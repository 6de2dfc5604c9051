"""Co-construction (共驻共建): the three lists, ordering and claiming, and "双报到".

* The three lists (三项清单): ``Resource`` (what units, departments, teams and businesses offer),
  ``Need`` (what residents need, common or individual), ``Project`` (what takes several departments),
  with ``Milestone`` rows and a public progress page.
* "支部制单、群众点单、党员接单": a resident orders a resource (``Order``, 点单); a unit or an
  in-service party member accepts a need (``Claim``, 接单); every status change of an order, a claim,
  a need or a project is an ``Event`` row: the timeline.
* "双报到": a unit reports to a community by signing an ``Agreement`` with ``Commitment`` rows
  (组织联建、阵地联营、活动联办、人才联培, each with a promised count); what it delivered is counted
  from its recorded ``JointActivity`` rows. An in-service party member reports where they live
  (``MemberRegistration``) and claims posts (``Post``, ``PostClaim``).
* "一考双评一公示": ``AssessmentPeriod`` and ``Assessment`` (the community's score), with residents'
  ratings of orders and claims as the second evaluation, published as a public list.

Counters that a capacity limits (``Resource.open_orders``, ``Need.taken``, ``Post.taken``) are kept by
conditional UPDATEs in the services and bounded by CHECK constraints, so the last place is given once.
"""

from .agreements import Agreement, Commitment, JointActivity
from .assessment import Assessment, AssessmentPeriod
from .events import Event
from .lists import WEEKDAYS_HELP, Category, Claim, Need, Order, Resource, public_slug
from .members import MemberRegistration, Post, PostClaim, PostDuty
from .projects import Milestone, Project

__all__ = [
    "Category",
    "WEEKDAYS_HELP",
    "public_slug",
    "Resource",
    "Need",
    "Order",
    "Claim",
    "MemberRegistration",
    "Post",
    "PostClaim",
    "PostDuty",
    "Agreement",
    "Commitment",
    "JointActivity",
    "Project",
    "Milestone",
    "Event",
    "AssessmentPeriod",
    "Assessment",
]
