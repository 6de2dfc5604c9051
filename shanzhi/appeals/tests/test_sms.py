"""The SMS backend against a real HTTP server on a free local port: what it posts, what it logs
(numbers masked), and that a gateway failure does not stop the in-app notification."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shanzhi.appeals.models import Notification
from shanzhi.appeals.services import notify
from shanzhi.appeals.services.notify import DeliveryFailed
from shanzhi.appeals.services.sms import SMS_MAX, HttpSmsBackend, SmsGatewayError, sms_text
from shanzhi.appeals.tasks import deliver_notification
from shanzhi.core.masking import mask_phone

BACKENDS = ["shanzhi.appeals.services.notify.DatabaseBackend", "shanzhi.appeals.services.sms.HttpSmsBackend"]


class Gateway(BaseHTTPRequestHandler):
    received = []
    status = 200

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers["Content-Length"])
        type(self).received.append(
            {"auth": self.headers["Authorization"], "body": json.loads(self.rfile.read(length))}
        )
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    Gateway.received, Gateway.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SHANZHI_NOTIFICATION_BACKENDS = BACKENDS
    settings.SHANZHI_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_address[1]}/sms"
    settings.SHANZHI_SMS_GATEWAY_TOKEN = "gw-token"
    yield Gateway
    server.shutdown()
    server.server_close()


def test_posts_one_message_per_resident_with_a_phone(cast, file_appeal, gateway, caplog):
    a = file_appeal()
    phone = cast.resident.phone
    caplog.set_level(logging.INFO, logger="shanzhi.appeals")
    # 居民甲 is linked to a resident with a mobile; 张社区 (staff) has none and gets only the in-app one.
    deliver_notification.call(
        "resolved", a.pk, [cast.jumin.pk, cast.zhang.pk], f"您反映的诉求 {a.number} 已办结。"
    )
    # Filing the appeal already texted 居民甲 its receipt (kind "received"), through the real flow.
    assert [r["body"]["kind"] for r in gateway.received] == ["received", "resolved"]
    assert gateway.received[1:] == [
        {
            "auth": "Bearer gw-token",
            "body": {
                "to": phone,
                "text": f"【善治】您反映的诉求 {a.number} 已办结。",
                "kind": "resolved",
                "ref": a.number,
            },
        }
    ]
    assert Notification.objects.filter(kind="resolved", user__in=[cast.jumin, cast.zhang]).count() == 2
    assert mask_phone(phone) in caplog.text and phone not in caplog.text


def test_a_failing_gateway_does_not_stop_the_in_app_notification(cast, file_appeal, gateway, caplog):
    a = file_appeal()
    phone = cast.resident.phone
    gateway.status = 500
    with pytest.raises(DeliveryFailed) as err:
        deliver_notification.call("resolved", a.pk, [cast.jumin.pk], f"{a.number} 已办结。")
    assert [r["body"]["kind"] for r in gateway.received] == ["received", "resolved"]
    assert Notification.objects.filter(kind="resolved", user=cast.jumin).exists()
    assert mask_phone(phone) in str(err.value) and phone not in str(err.value)
    assert "HttpSmsBackend" in caplog.text and phone not in caplog.text


def test_an_unreachable_gateway_through_a_move(cast, file_appeal, settings):
    """The task runs in the worker (here: at once); the move that enqueued it is not affected."""
    settings.SHANZHI_NOTIFICATION_BACKENDS = BACKENDS
    settings.SHANZHI_SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # discard port: nothing listens
    a = file_appeal()
    notify.send("resolved", a, [cast.jumin], f"{a.number} 已办结。")
    assert Notification.objects.filter(kind="resolved", user=cast.jumin, appeal=a).exists()


def test_the_backend_raises_naming_numbers_masked(cast, file_appeal):
    backend = HttpSmsBackend(url="http://127.0.0.1:9/sms", token="t", timeout=1)
    with pytest.raises(SmsGatewayError) as err:
        backend.send([cast.jumin], "resolved", file_appeal(), "已办结")
    assert mask_phone(cast.resident.phone) in str(err.value)


def test_text_is_one_sms_and_keeps_the_number(cast, file_appeal):
    a = file_appeal()
    long = sms_text(a, "您有新派单：" + "很长的标题" * 30)
    assert len(long) == SMS_MAX and long.endswith("…") and a.number in long
    assert a.number in sms_text(a, "与编号无关的一句话")
    assert sms_text(None, "2027 年的节假日安排尚未录入。") == "【善治】2027 年的节假日安排尚未录入。"
