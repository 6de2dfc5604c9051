"""Notifications: opening one marks it read and goes to its appeal; the navbar counts the unread."""

import re

from django.urls import reverse

from shanzhi.appeals import services
from shanzhi.appeals.models import Notification

BADGE = re.compile(r'sz-unread">(\d+)')


def _note(user, appeal, text="测试通知"):
    return Notification.objects.create(user=user, kind="test", appeal=appeal, text=text)


def badge(client):
    found = BADGE.search(client.get(reverse("appeals:notifications")).content.decode())
    return int(found.group(1)) if found else 0


def test_opening_a_notification_marks_it_read_and_goes_to_its_appeal(cast, file_appeal, client):
    a = file_appeal()  # 张社区 is told of the new appeal: one unread already
    first, second = _note(cast.zhang, a), _note(cast.zhang, a)
    client.force_login(cast.zhang)
    assert badge(client) == 3
    response = client.get(reverse("appeals:notification", args=[first.pk]))
    assert response.status_code == 302 and response.url == reverse("appeals:detail", args=[a.number])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert badge(client) == 2


def test_nobody_opens_or_marks_another_persons_notification(cast, file_appeal, client):
    note = _note(cast.zhang, file_appeal())
    client.force_login(cast.zhao)  # sees the appeal, but the notification is 张社区's
    assert client.get(reverse("appeals:notification", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_a_notification_about_an_appeal_now_out_of_sight_opens_the_list_not_a_404(cast, file_appeal, client):
    a = services.dispatch(
        services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_department=cast.department
    )
    note = _note(cast.zheng, a)
    services.return_appeal(a, by=cast.zheng, reason="不属本局职责")  # 郑部门 no longer sees it
    client.force_login(cast.zheng)
    response = client.get(reverse("appeals:notification", args=[note.pk]), follow=True)
    assert response.status_code == 200 and "已不在您的办理范围内" in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


def test_no_badge_without_unread_notifications(cast, client):
    client.force_login(cast.wang)
    assert badge(client) == 0
