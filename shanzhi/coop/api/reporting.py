"""Projects, unit agreements (promised vs delivered) and posts over the API."""

from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, ErrorOut, Pages
from shanzhi.core.errors import DomainError

from .. import queries, services
from ..models import Agreement, Post, Project
from .schemas import (
    AgreementOut,
    JointActivityIn,
    PostOut,
    ProgressIn,
    ProjectOut,
    agreement_out,
    post_out,
    project_out,
)

router = Router(tags=["coop"])


@router.get("projects", response=list[ProjectOut], summary="项目清单", url_name="coop_list_projects")
@paginate(Pages)
def list_projects(request):
    qs = permissions.visible(request.auth, Project).select_related("node", "lead_unit", "lead_department")
    return [project_out(p) for p in qs[:1000]]


@router.get(
    "projects/{int:project_id}", response={200: ProjectOut, 404: ErrorOut}, url_name="coop_get_project"
)
def get_project(request, project_id: int):
    return project_out(permissions.get_visible_or_404(request.auth, Project, pk=project_id))


@router.post(
    "projects/{int:project_id}/progress",
    response={200: ProjectOut, **ERRORS},
    summary="更新进度（有子项目的由子项目计算）",
    url_name="coop_set_progress",
)
def set_progress(request, project_id: int, payload: ProgressIn):
    project = permissions.get_visible_or_404(request.auth, Project, pk=project_id)
    return project_out(
        services.set_progress(project, progress=payload.progress, note=payload.note, by=request.auth)
    )


@router.get(
    "agreements", response=list[AgreementOut], summary="共建协议：承诺与兑现", url_name="coop_list_agreements"
)
def list_agreements(request):
    return [
        agreement_out(a)
        for a in permissions.visible(request.auth, Agreement).select_related("unit", "community")[:500]
    ]


@router.get(
    "agreements/{int:agreement_id}",
    response={200: AgreementOut, 404: ErrorOut},
    url_name="coop_get_agreement",
)
def get_agreement(request, agreement_id: int):
    return agreement_out(permissions.get_visible_or_404(request.auth, Agreement, pk=agreement_id))


@router.post(
    "agreements/{int:agreement_id}/activities",
    response={200: AgreementOut, **ERRORS},
    summary="记录一次共建活动（计入已开展次数）",
    url_name="coop_record_activity",
)
def record_activity(request, agreement_id: int, payload: JointActivityIn):
    agreement = permissions.get_visible_or_404(request.auth, Agreement, pk=agreement_id)
    services.may_record(request.auth, agreement)
    commitment = agreement.commitments.filter(pk=payload.commitment).first()
    if commitment is None:
        raise DomainError(_("请选择协议中的一项承诺。"), field="commitment")
    services.record_joint_activity(
        commitment,
        title=payload.title,
        held_on=payload.held_on,
        place=payload.place,
        participants=payload.participants,
        note=payload.note,
        by=request.auth,
    )
    return agreement_out(agreement)


@router.get("posts", response=list[PostOut], summary="岗位", url_name="coop_list_posts")
def list_posts(request):
    return [post_out(p) for p in queries.post_list(request.auth).select_related("community")[:500]]


@router.post(
    "posts/{int:post_id}/claim",
    response={200: PostOut, **ERRORS},
    summary="认领岗位（本人在该社区的报到身份）",
    url_name="coop_claim_post",
)
def claim_post(request, post_id: int):
    user = request.auth
    post = permissions.get_visible_or_404(user, Post, pk=post_id)
    services.claim_post(post, by=user)
    post.refresh_from_db()
    return post_out(post)
