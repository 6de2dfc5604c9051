"""双报到 (agreements, in-service members, posts), 一考双评一公示 (assessment periods and their public
list) and the per-unit report for the employer (.xlsx and PDF)."""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role
from shanzhi.core import audit, spreadsheets
from shanzhi.core.inputs import id_or_none
from shanzhi.registry.models import Unit

from .. import queries, reports, services
from ..models import (
    Agreement,
    AssessmentPeriod,
    Commitment,
    JointActivity,
    MemberRegistration,
    Post,
    PostClaim,
)
from .common import _communities, _community_from_post, _page, act, list_page


@never_cache
@require_http_methods(["GET", "POST"])
def agreement_list(request):
    user = request.user

    def create(p):
        community = _community_from_post(request, "coop.manage_agreements")
        unit = permissions.get_visible_or_404(user, Unit, pk=id_or_none(p.get("unit")))
        commitments = [
            {"kind": kind, "content": p.get(f"{kind}_content"), "promised_count": p.get(f"{kind}_count")}
            for kind in Commitment.Kind.values
            if p.get(f"{kind}_content")
        ]
        services.sign_agreement(
            unit=unit,
            community=community,
            period_start=p.get("period_start"),
            period_end=p.get("period_end"),
            unit_signatory=p.get("unit_signatory"),
            signed_on=p.get("signed_on") or timezone.localdate(),
            commitments=commitments,
            by=user,
        )

    def context():
        communities = _communities(user, "coop.manage_agreements")
        return {
            "rows": queries.agreements_overview(user),
            "communities": communities,
            "kinds": Commitment.Kind.choices,
            "units": permissions.visible(user, Unit).order_by("name") if communities else [],
            "today": timezone.localdate(),
        }

    return list_page(
        request,
        "coop/agreements.html",
        context,
        create=create,
        ok=_("共建协议已签订。"),
        back="coop:agreements",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def agreement_detail(request, pk):
    """The agreement page: each commitment, promised against delivered, and the activities recorded."""
    user = request.user
    agreement = permissions.get_visible_or_404(user, Agreement, pk=pk)
    if request.method == "POST":
        p = request.POST
        commitment = get_object_or_404(agreement.commitments, pk=id_or_none(p.get("commitment")))
        return act(
            request,
            lambda: services.record_joint_activity(
                commitment,
                title=p.get("title"),
                held_on=p.get("held_on"),
                place=p.get("place", ""),
                participants=p.get("participants") or 0,
                note=p.get("note", ""),
                by=user,
                starts_at=p.get("starts_at") or None,
                ends_at=p.get("ends_at") or None,
            ),
            _("已记录一次共建活动。"),
            reverse("coop:agreement", args=[pk]),
        )
    rows = queries.agreement_progress(agreement)
    may_record = permissions.can(user, "coop.manage_agreements", agreement) or permissions.can(
        user, "coop.record_delivery", agreement
    )
    return render(
        request,
        "coop/agreement.html",
        {
            "a": agreement,
            "rows": rows,
            "may_record": may_record,
            "today": timezone.localdate(),
            "activities": JointActivity.objects.filter(commitment__agreement=agreement)
            .select_related("commitment", "session")
            .order_by("-held_on"),
            "promised": sum(r.promised for r in rows),
            "delivered": sum(min(r.delivered, r.promised) for r in rows),
            "may_report": permissions.has_role_for(user, "coop.report")
            and _may_report_on(user, agreement.unit),
        },
    )


@never_cache
@require_GET
def member_list(request):
    qs = permissions.visible(request.user, MemberRegistration).select_related(
        "volunteer", "community", "branch", "workplace_unit"
    )
    return list_page(request, "coop/members.html", lambda: {"page": _page(request, qs)})


@never_cache
@require_http_methods(["GET", "POST"])
def post_list(request):
    user = request.user

    def create(p):
        community = _community_from_post(request, "coop.manage_lists")
        services.create_post(
            community=community,
            kind=p.get("kind"),
            title=p.get("title"),
            slots=p.get("slots"),
            description=p.get("description", ""),
            place=p.get("place", ""),
            schedule=p.get("schedule", ""),
            by=user,
        )

    return list_page(
        request,
        "coop/posts.html",
        lambda: {
            "page": _page(request, queries.post_list(user).select_related("community")),
            "kinds": Post.Kind.choices,
            "communities": _communities(user, "coop.manage_lists"),
        },
        create=create,
        ok=_("岗位已发布。"),
        back="coop:posts",
    )


@never_cache
@require_GET
def post_detail(request, pk):
    user = request.user
    post = permissions.get_visible_or_404(user, Post, pk=pk)
    return render(
        request,
        "coop/post.html",
        {
            "post": post,
            "holders": post.claims.filter(status="active").select_related("registration__volunteer"),
            "duties": post.duties.select_related("session")[:20],
            "staff": permissions.can(user, "coop.manage_lists", post),
            "registration": queries.active_registration(user, post.community_id),
            "mine": PostClaim.objects.filter(post=post, registration__user=user, status="active").first(),
        },
    )


@require_POST
def post_action(request, pk, verb):
    user = request.user
    post = permissions.get_visible_or_404(user, Post, pk=pk)
    p = request.POST
    back = reverse("coop:post", args=[pk])

    def claim():
        services.claim_post(post, by=user)

    def release():
        holder = get_object_or_404(PostClaim, post=post, pk=id_or_none(p.get("claim")))
        services.release_post(holder, by=user)

    calls = {
        "claim": claim,
        "release": release,
        "duty": lambda: services.schedule_duty(
            post, starts_at=p.get("starts_at"), ends_at=p.get("ends_at"), by=user
        ),
    }
    if verb not in calls:
        raise Http404
    return act(request, calls[verb], _("已更新。"), back)


@never_cache
@require_http_methods(["GET", "POST"])
def period_list(request):
    user = request.user

    def create(p):
        community = _community_from_post(request, "coop.assess")
        services.open_period(
            community=community,
            name=p.get("name"),
            starts_on=p.get("starts_on"),
            ends_on=p.get("ends_on"),
            by=user,
        )

    return list_page(
        request,
        "coop/periods.html",
        lambda: {
            "periods": permissions.visible(user, AssessmentPeriod).select_related("community"),
            "communities": _communities(user, "coop.assess"),
        },
        create=create,
        ok=_("考评周期已建立。"),
        back="coop:periods",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def period_detail(request, pk):
    user = request.user
    period = permissions.get_visible_or_404(user, AssessmentPeriod, pk=pk)
    if request.method == "POST":
        p = request.POST
        if p.get("verb") == "publish":
            return act(
                request,
                lambda: services.publish_period(period, by=user),
                _("考评结果已公示。"),
                reverse("coop:period", args=[pk]),
            )
        # Whom the community may assess: units that signed with it, members registered with it.
        unit = Unit.objects.filter(
            coop_agreements__community=period.community, pk=id_or_none(p.get("unit"))
        ).first()
        registration = MemberRegistration.objects.filter(
            community=period.community, pk=id_or_none(p.get("registration"))
        ).first()
        return act(
            request,
            lambda: services.assess(
                period,
                score=p.get("score"),
                by=user,
                unit=unit,
                registration=registration,
                comment=p.get("comment", ""),
            ),
            _("考评已保存。"),
            reverse("coop:period", args=[pk]),
        )
    staff = permissions.can(user, "coop.assess", period)
    return render(
        request,
        "coop/period.html",
        {
            "period": period,
            "rows": queries.assessment_rows(period),
            "staff": staff,
            "units": Unit.objects.filter(coop_agreements__community=period.community).distinct()
            if staff
            else [],
            "registrations": MemberRegistration.objects.filter(
                community=period.community, status="active"
            ).select_related("volunteer")
            if staff
            else [],
        },
    )


@login_not_required
@require_GET
def public_assessment(request, slug):
    period = get_object_or_404(
        AssessmentPeriod.objects.select_related("community"),
        slug=slug,
        status=AssessmentPeriod.Status.PUBLISHED,
    )
    return render(
        request,
        "coop/public_assessment.html",
        {"period": period, "rows": queries.assessment_rows(period, public=True)},
    )


def _date_param(request, name, default):
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


def _report_for(request, pk):
    """The unit and the report's data, for whoever may have it (else 404), and the export audited."""
    user = request.user
    unit = permissions.get_visible_or_404(user, Unit, pk=pk)
    permissions.require(user, "coop.report")
    if not _may_report_on(user, unit):
        raise Http404
    today = timezone.localdate()
    starts_on = _date_param(request, "from", today.replace(month=1, day=1))
    ends_on = _date_param(request, "to", today)
    return unit, starts_on, ends_on, queries.unit_report(unit, starts_on, ends_on)


def _audited(request, unit, starts_on, ends_on, kind):
    audit.record(
        "export",
        request=request,
        target=unit,
        detail={
            "report": "coop_unit",
            "format": kind,
            "from": starts_on.isoformat(),
            "to": ends_on.isoformat(),
        },
    )


@never_cache
@require_GET
def unit_report(request, pk):
    """The unit's report for its employer (.xlsx). Audited as an export."""
    unit, starts_on, ends_on, report = _report_for(request, pk)
    data = reports.unit_report_xlsx(report)
    _audited(request, unit, starts_on, ends_on, "xlsx")
    return spreadsheets.xlsx_response(data, f"unit-{unit.pk}-report.xlsx")


@never_cache
@require_GET
def unit_report_pdf(request, pk):
    """The same report as a printable A4 PDF, for the employer's party organisation."""
    unit, starts_on, ends_on, report = _report_for(request, pk)
    data = reports.unit_report_pdf(report, generated_on=timezone.localdate())
    _audited(request, unit, starts_on, ends_on, "pdf")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="unit-{unit.pk}-report.pdf"'
    return response


def _may_report_on(user, unit):
    """Staff of the unit's community (or above), or a member of the unit itself."""
    for grant in user.grants():
        if grant.role == Role.UNIT_MEMBER and grant.unit_id == unit.pk:
            return True
        if (
            grant.role in permissions.ACTIONS["coop.report"]
            and grant.node_id
            and grant.role != Role.UNIT_MEMBER
        ):
            if unit.community.path.startswith(grant.node.path):
                return True
    return False
