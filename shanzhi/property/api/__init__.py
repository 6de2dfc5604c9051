"""Owners' assembly votes over JSON (/api/v1/property/): the same services and queries as the pages."""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, File, Form, Router, Status
from ninja.files import UploadedFile

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.apischema import ERRORS, Schema
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Compound

from .. import queries, services
from ..access import manages_compound
from ..models import Owner, Vote

router = Router(tags=["property"])


class VoteIn(Schema):
    compound: int
    item: int
    question: str
    notice: str = ""
    called_by: Literal["committee", "community"]
    starts_on: datetime.date
    ends_on: datetime.date
    purpose: Literal["", "dismiss_company"] = ""
    buildings: list[int] = Field(
        default=[], max_length=500, description="表决范围：本小区楼栋的编号；不填为全体业主"
    )


class CountOut(Schema):
    total_area: str
    total_heads: int
    participating_area: str
    participating_heads: int
    yes_area: str | None = None
    yes_heads: int | None = None
    quorum: bool
    passed: bool | None = None


class VoteOut(Schema):
    id: int
    compound: str
    item: int
    matter: str
    question: str
    called_by: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: str
    purpose: str = ""
    buildings: list[str] = []
    live: CountOut | None = None
    result: dict | None = None


class BallotIn(Schema):
    choice: Literal["yes", "no", "abstain"]
    owner: int | None = None


class BallotOut(Schema):
    id: int
    owner: str
    choice: str
    channel: str
    counted: bool
    changes: int
    void: str = ""


class RejectIn(Schema):
    reason: str


def _vote_out(user, vote, *, live=False):
    out = VoteOut(
        id=vote.pk,
        compound=vote.compound.name,
        item=vote.item,
        matter=vote.matter,
        question=vote.question,
        called_by=vote.called_by,
        starts_on=vote.starts_on,
        ends_on=vote.ends_on,
        status=vote.status,
        purpose=vote.purpose,
        buildings=[b.name for b in vote.buildings.order_by("name")],
        result=vote.result,
    )
    if live and vote.status == Vote.Status.OPEN:
        r = queries.count(vote)
        watch = any(g.role in permissions.NODE_STAFF for g in user.grants())
        out.live = CountOut(
            total_area=str(r.total_area),
            total_heads=r.total_heads,
            participating_area=str(r.participating_area),
            participating_heads=r.participating_heads,
            # Owners see participation while it runs; the yes figures only staff watching it.
            yes_area=str(r.yes_area) if watch else None,
            yes_heads=r.yes_heads if watch else None,
            quorum=r.quorum,
        )
    return out


def _ballot_out(b):
    return BallotOut(
        id=b.pk,
        owner=b.owner.code,
        choice=b.choice,
        channel=b.channel,
        counted=b.counted,
        changes=b.changes,
        void=b.void,
    )


def _require_view(user):
    if not permissions.has_role_for(user, "property.view_vote"):
        raise PermissionDenied


@router.get(
    "votes", response={200: list[VoteOut], **ERRORS}, summary="我能看到的表决", url_name="property_votes"
)
def list_votes(request):
    _require_view(request.auth)
    return [_vote_out(request.auth, v) for v in queries.votes_for(request.auth).order_by("-created_at")[:200]]


@router.post(
    "votes", response={201: VoteOut, **ERRORS}, summary="发起表决（草稿）", url_name="property_create_vote"
)
def create_vote(request, payload: VoteIn):
    if not permissions.has_role_for(request.auth, "property.manage_vote"):
        raise PermissionDenied
    compound = Compound.objects.filter(pk=payload.compound).select_related("community").first()
    if compound is None or not manages_compound(request.auth, compound):
        # An unknown compound and one outside the caller's communities read the same.
        raise DomainError("请选择小区。", field="compound")
    data = payload.dict(exclude={"compound"})
    vote = services.create_vote(compound, **data, by=request.auth)
    return Status(201, _vote_out(request.auth, vote))


@router.get(
    "votes/{int:vote_id}",
    response={200: VoteOut, **ERRORS},
    summary="表决详情与实时计票",
    url_name="property_vote",
)
def get_vote(request, vote_id: int):
    return _vote_out(request.auth, queries.vote_for(request.auth, vote_id), live=True)


@router.post(
    "votes/{int:vote_id}/open",
    response={200: VoteOut, **ERRORS},
    summary="开始投票",
    url_name="property_open",
)
def open_vote(request, vote_id: int):
    vote = services.open_vote(queries.vote_for(request.auth, vote_id), by=request.auth)
    return _vote_out(request.auth, vote, live=True)


@router.post(
    "votes/{int:vote_id}/close",
    response={200: VoteOut, **ERRORS},
    summary="结束投票并封存",
    url_name="property_close",
)
def close_vote(request, vote_id: int):
    vote = services.close_vote(queries.vote_for(request.auth, vote_id), by=request.auth)
    return _vote_out(request.auth, vote)


@router.post(
    "votes/{int:vote_id}/ballot",
    response={200: BallotOut, **ERRORS},
    summary="投票或改票",
    url_name="property_cast",
)
def cast(request, vote_id: int, payload: BallotIn):
    vote = queries.vote_for(request.auth, vote_id)
    return _ballot_out(services.cast(vote, payload.choice, owner=payload.owner, by=request.auth))


@router.get(
    "votes/{int:vote_id}/ballots/mine",
    response={200: list[BallotOut], **ERRORS},
    summary="我的选票",
    url_name="property_my_ballots",
)
def my_ballots(request, vote_id: int):
    vote = queries.vote_for(request.auth, vote_id)
    return [_ballot_out(b) for b in queries.my_ballots(request.auth, vote).select_related("owner")]


@router.post(
    "votes/{int:vote_id}/paper",
    response={201: BallotOut, **ERRORS},
    summary="录入纸质选票（须另一人确认）",
    url_name="property_paper",
)
def paper(
    request, vote_id: int, owner: Form[int] = 0, choice: Form[str] = "", scan: File[UploadedFile] = None
):
    vote = queries.vote_for(request.auth, vote_id)
    permissions.require(request.auth, "property.enter_paper", vote)
    found = Owner.objects.filter(pk=owner, compound=vote.compound_id).first()
    if found is None:
        raise DomainError("请选择业主。", field="owner")
    return Status(201, _ballot_out(services.enter_paper(vote, found, choice, scan=scan, by=request.auth)))


@router.post(
    "votes/{int:vote_id}/paper/{int:ballot_id}/confirm",
    response={200: BallotOut, **ERRORS},
    summary="确认纸质选票",
    url_name="property_confirm",
)
def confirm(request, vote_id: int, ballot_id: int):
    ballot = queries.ballot_for(request.auth, vote_id, ballot_id)
    return _ballot_out(services.confirm_paper(ballot, by=request.auth))


@router.post(
    "votes/{int:vote_id}/paper/{int:ballot_id}/reject",
    response={200: BallotOut, **ERRORS},
    summary="退回纸质选票（作废，须说明原因）",
    url_name="property_reject",
)
def reject(request, vote_id: int, ballot_id: int, payload: RejectIn):
    ballot = queries.ballot_for(request.auth, vote_id, ballot_id)
    return _ballot_out(services.reject_paper(ballot, reason=payload.reason, by=request.auth))


@router.post(
    "votes/{int:vote_id}/paper/{int:ballot_id}/withdraw",
    response={200: BallotOut, **ERRORS},
    summary="撤回本人录入的纸质选票",
    url_name="property_withdraw",
)
def withdraw(request, vote_id: int, ballot_id: int):
    ballot = queries.ballot_for(request.auth, vote_id, ballot_id)
    return _ballot_out(services.withdraw_paper(ballot, by=request.auth))


@router.get(
    "votes/{int:vote_id}/paper/{int:ballot_id}/scan",
    response={200: None, **ERRORS},
    summary="纸质选票扫描件（仅可确认纸质选票的工作人员）",
    url_name="property_scan",
    openapi_extra={
        "responses": {
            200: {
                "description": "扫描件",
                "content": {
                    "image/jpeg": {},
                    "image/png": {},
                    "application/pdf": {},
                    "application/octet-stream": {},
                },
            }
        }
    },
)
def scan(request, vote_id: int, ballot_id: int):
    from ..views.ballots import open_scan, scan_response

    return scan_response(request, *open_scan(request.auth, vote_id, ballot_id))


@router.get(
    "votes/{int:vote_id}/export",
    response={200: dict, **ERRORS},
    summary="导出计票文件",
    url_name="property_export",
)
def export(request, vote_id: int):
    """Each owner's choice: staff only, audited (as the page's file)."""
    vote = queries.vote_for(request.auth, vote_id)
    if vote.status != Vote.Status.CLOSED:
        raise Http404
    permissions.require(request.auth, "property.view_tally", vote)
    audit.record(
        "export",
        actor=request.auth,
        request=request,
        target=vote,
        detail={"report": "property_vote", "format": "json"},
    )
    return queries.export_file(vote)


@router.get(
    "results",
    response={200: list[VoteOut]},
    auth=None,
    summary="已结束表决的封存结果（公开）",
    url_name="property_results",
)
def results(request):
    return [_vote_out(None, v) for v in queries.public_results()[:200]]


# Their endpoints join this router: red property's evaluation; after a dismissal, the market.
from . import committees, credit, evaluation, roll, schemes, transitions  # noqa: E402,F401

# isort: split
from . import manage  # noqa: E402,F401  (keeping red property: companies, schemes, periods, lists, supervision)
