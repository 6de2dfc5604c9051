"""Owners' committees (业委会/物管会): term and its warning, members from the compound's residents,
reserve lists; who keeps, who reads, what a resident sees; refusals leave nothing written."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.registry import services as registry

from ..models import Committee, CommitteeMember, ReserveCandidate
from ..services import committees as svc

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 3)


def _committee(cast, **kw):
    data = {"kind": "owners", "term_start": "2022-01-10", "term_end": "2027-01-09"} | kw
    return svc.set_committee(cast.compound, **data, by=cast.zhang)


def _neighbour(cast, room="103"):
    hh = registry.create_household(building=cast.building, unit_no="1单元", room=room)
    return registry.register_resident(
        household=hh, name="钱邻居", id_number="110101199003078515", relation="户主"
    )


def test_term_is_recorded_and_warned_within_ninety_days(cast):
    c = _committee(cast)
    assert c.kind == "owners" and c.term_end == datetime.date(2027, 1, 9)
    assert c.term_state(TODAY) == "ending" and c.days_left(TODAY) == 37
    assert c.term_state(datetime.date(2026, 10, 10)) == "current"
    assert c.term_state(datetime.date(2027, 1, 10)) == "expired"
    again = svc.set_committee(
        cast.compound, kind="management", term_start="2027-01-10", term_end="2030-01-09", by=cast.zhao
    )
    assert again.pk == c.pk and again.kind == "management"
    events = AuditEvent.objects.filter(action="property.committee_set").order_by("id")
    assert events.count() == 2 and events.last().detail["before"]["kind"] == "owners"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "union"}, "kind"),
        ({"term_start": "2026-13-01"}, "term_start"),
        ({"term_end": "2021-01-01"}, "term_end"),
        ({"term_end": "2032-01-10"}, "term_end"),
    ],
)
def test_bad_term_is_refused_naming_the_field(cast, data, field):
    with pytest.raises(DomainError) as exc:
        _committee(cast, **data)
    assert exc.value.field == field
    assert not Committee.objects.exists()


def test_only_the_communitys_staff_keep_it(cast):
    with pytest.raises(PermissionDenied):
        svc.set_committee(
            cast.compound, kind="owners", term_start="2022-01-10", term_end="2027-01-09", by=cast.liu
        )
    with pytest.raises(PermissionDenied):  # a resident of the compound reads, never keeps
        svc.set_committee(
            cast.compound, kind="owners", term_start="2022-01-10", term_end="2027-01-09", by=cast.jumin
        )
    with pytest.raises(Http404):  # another community's staff do not learn it exists
        svc.set_committee(
            cast.compound, kind="owners", term_start="2022-01-10", term_end="2027-01-09", by=cast.chen
        )
    assert not Committee.objects.exists()


def test_members_are_residents_of_the_compound_with_one_director(cast):
    _committee(cast)
    m = svc.add_member(cast.compound, resident=cast.resident.pk, role="director", by=cast.zhang)
    assert m.role == "director"
    svc.add_member(cast.compound, resident=str(cast.resident2.pk), role="member", by=cast.zhang)
    with pytest.raises(DomainError) as exc:
        svc.add_member(cast.compound, resident=cast.resident_b.pk, role="member", by=cast.zhang)
    assert exc.value.field == "resident"  # 和谐小区's resident is no owner here
    with pytest.raises(DomainError) as exc:
        svc.add_member(cast.compound, resident=_neighbour(cast).pk, role="director", by=cast.zhang)
    assert exc.value.field == "role"
    with pytest.raises(DomainError) as exc:
        svc.add_member(cast.compound, resident=cast.resident.pk, role="member", by=cast.zhang)
    assert exc.value.field == "resident"
    with pytest.raises(DomainError) as exc:
        svc.add_member(cast.compound, resident="12x", role="member", by=cast.zhang)
    assert exc.value.field == "resident"
    assert CommitteeMember.objects.count() == 2


def test_a_member_needs_a_committee_first(cast):
    with pytest.raises(DomainError) as exc:
        svc.add_member(cast.compound, resident=cast.resident.pk, role="member", by=cast.zhang)
    assert exc.value.field == "committee"


def test_a_barred_person_cannot_become_a_member(cast):
    _committee(cast)
    person = _neighbour(cast)
    with pytest.raises(DomainError) as exc:
        svc.add_reserve(cast.compound, resident=person.pk, list_name="negative", reason="", by=cast.zhang)
    assert exc.value.field == "reason"  # barring needs its reason
    svc.add_reserve(
        cast.compound, resident=person.pk, list_name="negative", reason="拖欠物业费三年", by=cast.zhang
    )
    with pytest.raises(DomainError) as exc:
        svc.add_member(cast.compound, resident=person.pk, role="member", by=cast.zhang)
    assert exc.value.field == "resident" and "负面清单" in str(exc.value.message)
    assert not CommitteeMember.objects.exists()
    svc.add_reserve(cast.compound, resident=cast.resident2.pk, list_name="positive", by=cast.zhang)
    with pytest.raises(DomainError) as exc:  # once on a list per compound
        svc.add_reserve(
            cast.compound, resident=cast.resident2.pk, list_name="negative", reason="x", by=cast.zhang
        )
    assert exc.value.field == "resident"
    assert ReserveCandidate.objects.count() == 2
    svc.remove_reserve(ReserveCandidate.objects.get(resident=person), by=cast.zhang)
    assert svc.add_member(cast.compound, resident=person.pk, role="member", by=cast.zhang)
    assert AuditEvent.objects.filter(action="property.reserve_removed").count() == 1


def test_a_member_cannot_be_barred_before_removal(cast):
    _committee(cast)
    m = svc.add_member(cast.compound, resident=cast.resident2.pk, role="member", by=cast.zhang)
    with pytest.raises(DomainError) as exc:
        svc.add_reserve(
            cast.compound, resident=cast.resident2.pk, list_name="negative", reason="违规", by=cast.zhang
        )
    assert exc.value.field == "resident"
    svc.remove_member(m, by=cast.zhang)
    assert not CommitteeMember.objects.exists()
    assert AuditEvent.objects.filter(action="property.member_removed").count() == 1


@time_machine.travel(datetime.datetime(2026, 12, 3, 10, tzinfo=datetime.UTC), tick=False)
def test_resident_sees_the_public_part_only(client, cast):
    _committee(cast)
    svc.add_member(cast.compound, resident=cast.resident2.pk, role="director", by=cast.zhang)
    svc.add_reserve(cast.compound, resident=cast.resident.pk, list_name="positive", by=cast.zhang)
    url = reverse("property:committee", kwargs={"pk": cast.compound.pk})
    client.force_login(cast.jumin)
    page = client.get(url).content.decode()
    assert cast.resident2.name in page and "主任" in page and "2027-01-09" in page
    assert cast.resident2.phone not in page and cast.resident2.id_number not in page
    assert "后备人选" not in page
    client.force_login(cast.zhang)
    staff = client.get(url).content.decode()
    assert "后备人选" in staff and cast.resident2.phone not in staff and "任期将于" in staff
    client.force_login(cast.chen)
    assert client.get(url).status_code == 404


def test_page_refusal_is_400_naming_the_problem_and_writes_nothing(client, cast):
    _committee(cast)
    client.force_login(cast.zhang)
    url = reverse("property:committee_member_add", kwargs={"pk": cast.compound.pk})
    r = client.post(url, {"resident": cast.resident_b.pk, "role": "member"})
    assert r.status_code == 400 and "请选择本小区登记的居民" in r.content.decode()
    r = client.post(url, {"resident": "abc", "role": "member"})
    assert r.status_code == 400
    assert not CommitteeMember.objects.exists()
    r = client.post(url, {"resident": cast.resident.pk, "role": "deputy"})
    assert r.status_code == 302 and CommitteeMember.objects.get().role == "deputy"


@time_machine.travel(datetime.datetime(2026, 12, 3, 10, tzinfo=datetime.UTC), tick=False)
def test_committee_list_warns_of_terms_ending(client, cast):
    _committee(cast, term_end="2026-12-01")
    client.force_login(cast.liu)
    page = client.get(reverse("property:committees")).content.decode()
    assert "幸福小区" in page and "任期已届满" in page


def test_street_staff_read_but_cannot_remove(client, cast):
    _committee(cast)
    m = svc.add_member(cast.compound, resident=cast.resident.pk, role="member", by=cast.zhang)
    client.force_login(cast.liu)
    url = reverse("property:committee_member_remove", kwargs={"pk": cast.compound.pk, "member": m.pk})
    assert client.post(url).status_code == 403
    assert client.get(reverse("property:committee", kwargs={"pk": cast.compound.pk})).status_code == 200
    assert CommitteeMember.objects.filter(pk=m.pk).exists()
