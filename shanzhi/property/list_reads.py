"""Reads of the red/black lists, the published disclosures and a company's supervision, shared by
their pages and their API."""

from shanzhi.accounts import permissions

from .queries import periods_for


def public_standings(district=None):
    """Approved (public) red and black lists, newest first; of one district when given."""
    from .models import StandingList

    qs = StandingList.objects.filter(status=StandingList.Status.APPROVED)
    if district is not None:
        qs = qs.filter(period__district=district)
    return qs.select_related("period").prefetch_related("entries__company").order_by("-period__starts_on")


def list_districts():
    """Districts with an approved red/black list (the public page's picker): each district's
    companies are ranked against its own rules and period, so its lists are shown apart."""
    from shanzhi.registry.models import OrgNode

    from .models import StandingList

    approved = StandingList.objects.filter(status=StandingList.Status.APPROVED)
    return OrgNode.objects.filter(pk__in=approved.values("period__district_id")).order_by("name")


def standings_for(user):
    """The lists of the user's districts, proposed ones too (the staff page; who may call it is
    the caller's check: district staff propose, street staff approve)."""
    from .models import StandingList

    qs = StandingList.objects.filter(period__in=periods_for(user)).select_related("period")
    return qs.prefetch_related("entries__company").order_by("-period__starts_on")


def disclosure_districts():
    """Districts with a published quarterly disclosure (the public page's picker)."""
    from shanzhi.registry.models import OrgNode

    from .models import Disclosure

    return OrgNode.objects.filter(pk__in=Disclosure.objects.values("period__district_id")).order_by("name")


def disclosures(district):
    """A district's published quarterly disclosures, newest first (public; never the live figures)."""
    from .models import Disclosure

    return (
        Disclosure.objects.filter(period__district=district)
        .select_related("period")
        .order_by("-period__starts_on")
    )


def supervision_of(user, company):
    """The supervision actions against ``company`` that ``user`` may see, newest first."""
    from .models import SupervisionAction

    return permissions.visible(user, SupervisionAction).filter(company=company).order_by("-created_at", "-pk")
