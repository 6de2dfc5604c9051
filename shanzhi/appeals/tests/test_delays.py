"""Pending 延期/缓办 requests do not outlive the stage they were asked in."""

import pytest

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, AppealEvent, ExtensionRequest, Notification, SuspensionRequest
from shanzhi.core.errors import DomainError

S = Appeal.Status


def _in_hand(cast, file_appeal, **kw):
    a = services.accept(file_appeal(**kw), by=cast.zhang)
    return services.dispatch(a, by=cast.zhang, to_user=cast.wang)


def test_resolving_cancels_pending_requests_and_approving_them_is_refused(cast, file_appeal):
    a = services.start(_in_hand(cast, file_appeal), by=cast.wang)
    ext = services.request_extension(a, by=cast.wang, days=3, reason="等配件")
    sus = services.request_suspension(a, by=cast.wang, days=5, reason="等预算")
    a = services.resolve(a, by=cast.wang, result="已处理")
    ext.refresh_from_db()
    sus.refresh_from_db()
    assert (ext.status, sus.status) == ("cancelled", "cancelled")
    assert "办结" in ext.decision_note and ext.decided_by == cast.wang and ext.decided_at is not None
    rows = AppealEvent.objects.filter(appeal=a, verb="cancel_request").order_by("id")
    assert [r.data["kind"] for r in rows] == ["extension", "suspension"]
    assert all(r.version == a.version for r in rows)  # written with the resolution, same version
    assert not services.delays.pending_requests(a)
    before = (a.deadline, Appeal.objects.get(pk=a.pk).version)
    with pytest.raises(DomainError) as err:
        services.decide_extension(ext, by=cast.zhao, approve=True)
    assert err.value.code == "moved_on" and "待核实" in err.value.message
    a.refresh_from_db()
    assert (a.deadline, a.version) == before and not a.suspended


def test_a_cancelled_request_cannot_be_decided_even_if_the_appeal_is_timed_again(cast, file_appeal):
    a = services.start(_in_hand(cast, file_appeal), by=cast.wang)
    ext = services.request_extension(a, by=cast.wang, days=3, reason="等配件")
    a = services.resolve(a, by=cast.wang, result="已处理")
    a = services.send_back(a, by=cast.zhang, reason="未修好")  # timed again
    with pytest.raises(DomainError) as err:
        services.decide_extension(ext, by=cast.zhao, approve=True)
    assert err.value.code == "cancelled" and "已撤销" in err.value.message
    # A fresh request may be asked for the rework.
    assert services.request_extension(a, by=cast.wang, days=2, reason="返工需材料").status == "pending"


def test_merge_cancels_the_duplicates_pending_requests(cast, file_appeal):
    main = services.accept(file_appeal(title="噪音一"), by=cast.zhang)
    dup = _in_hand(cast, file_appeal, title="噪音二", idempotency_key="k2")
    req = services.request_suspension(dup, by=cast.wang, days=5, reason="等预算")
    services.merge(dup, into=main, by=cast.zhang, note="同一事项")
    req.refresh_from_db()
    assert req.status == SuspensionRequest.Status.CANCELLED and "并案" in req.decision_note
    assert Notification.objects.filter(user=cast.wang, kind="suspension_cancelled").exists()


def test_pending_requests_survive_moves_that_keep_the_case_in_hand(cast, file_appeal):
    a = _in_hand(cast, file_appeal)
    req = services.request_extension(a, by=cast.wang, days=3, reason="等配件")
    services.start(a, by=cast.wang)
    assert ExtensionRequest.objects.get(pk=req.pk).status == "pending"
    req = services.decide_extension(req, by=cast.zhao, approve=True)
    assert req.status == "approved"
