"""Notifications: enqueued as tasks in the move's transaction, delivered by pluggable backends."""

from shanzhi.appeals import services
from shanzhi.appeals.models import Notification
from shanzhi.appeals.services import notify

SENT = []


class RecordingBackend:
    """Stands in for an SMS or WeChat template-message backend."""

    def send(self, users, kind, appeal, text):
        SENT.extend((u.username, kind, appeal.number if appeal else None, text) for u in users)


def test_backends_are_pluggable(cast, file_appeal, settings):
    settings.SHANZHI_NOTIFICATION_BACKENDS = [
        "shanzhi.appeals.services.notify.DatabaseBackend",
        "shanzhi.appeals.tests.test_notify.RecordingBackend",
    ]
    SENT.clear()
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    assert ("wang_grid", "assigned", a.number, f"您有新派单：{a.number} {a.title}") in SENT
    assert Notification.objects.filter(user=cast.wang, kind="assigned").count() == 1


def test_the_actor_is_not_notified_of_their_own_move(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_pool=True)
    assert not Notification.objects.filter(user=cast.zhang, kind="pooled").exists()
    assert Notification.objects.filter(user=cast.zhao, kind="pooled", appeal=a).exists()


def test_mark_read(cast, file_appeal):
    file_appeal()
    file_appeal(title="第二件")
    mine = list(Notification.objects.filter(user=cast.zhang))
    assert len(mine) == 2
    assert notify.mark_read(cast.zhang, [mine[0].pk]) == 1
    assert notify.mark_read(cast.wang, [mine[1].pk]) == 0  # not his
    assert notify.mark_read(cast.zhang) == 1
    assert not Notification.objects.filter(user=cast.zhang, read_at__isnull=True).exists()
