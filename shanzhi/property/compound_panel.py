"""The owners' committee on the registry's compound page (``registry.panels``): the kind, the term
and the members with their roles, by name only. The scope is the page's own, as it was when the
registry kept the committee: whoever sees the compound sees that it has a committee and its term,
and of the members only the residents the registry lets them see. The link to this app's committee
page is offered only to those who may open it."""

from django.urls import reverse

from shanzhi.accounts import permissions
from shanzhi.registry import panels
from shanzhi.registry.models import Resident

from .access import compound_in_reach
from .models import Committee, CommitteeMember

ROLE_ORDER = {CommitteeMember.Role.DIRECTOR: 0, CommitteeMember.Role.DEPUTY: 1}


def committee_panel(user, compound):
    committee = Committee.objects.filter(compound=compound).first()
    members = []
    if committee is not None:
        members = sorted(
            CommitteeMember.objects.filter(
                committee=committee, resident__in=permissions.visible(user, Resident)
            ).select_related("resident"),
            key=lambda m: (ROLE_ORDER.get(m.role, 9), m.pk),
        )
    link = None
    if compound_in_reach(user, compound.pk, "property.view_committee") is not None:
        link = reverse("property:committee", kwargs={"pk": compound.pk})
    return {
        "template": "property/_compound_committee.html",
        "committee": committee,
        "members": members,
        "link": link,
    }


def register():
    panels.register_compound_panel(committee_panel)
