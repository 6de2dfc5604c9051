"""Moving demo stories back in time keeps every notification about its own appeal."""

from shanzhi.appeals.demo import timeline
from shanzhi.appeals.models import Appeal, Notification


def test_renumbering_swapped_appeals_keeps_each_notice_on_its_own_number(cast, file_appeal):
    first = file_appeal(title="噪音一")
    second = file_appeal(title="噪音二", idempotency_key="k2")
    # Filed in the other order: renumbering swaps their numbers (A → B while B → A).
    Appeal.objects.filter(pk=first.pk).update(created_at=second.created_at)
    Appeal.objects.filter(pk=second.pk).update(created_at=first.created_at)
    notes = {
        a.pk: Notification.objects.create(
            user=cast.zhang, kind="test", appeal=a, text=f"诉求 {a.number} 待受理"
        )
        for a in (first, second)
    }
    before = (first.number, second.number)
    timeline.renumber([first.pk, second.pk])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.number, first.number) == before  # swapped
    for a in (first, second):
        notes[a.pk].refresh_from_db()
        assert notes[a.pk].text == f"诉求 {a.number} 待受理"
