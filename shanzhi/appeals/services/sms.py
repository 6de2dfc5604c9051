"""The SMS notification backend: hands each message to an HTTP SMS gateway (the district's or a
carrier's), beside the in-app ``notify.DatabaseBackend``.

Enable it by adding ``"shanzhi.appeals.services.sms.HttpSmsBackend"`` to
``settings.SHANZHI_NOTIFICATION_BACKENDS``; it reads ``SHANZHI_SMS_GATEWAY_URL`` and
``SHANZHI_SMS_GATEWAY_TOKEN`` (settings first, then the environment) and POSTs one JSON body
``{to, text, kind, ref}`` per recipient with ``Authorization: Bearer <token>``.

Only users linked to a resident record with a mobile number get an SMS (staff accounts carry no
phone). The number is decrypted here, in the worker, for the request body only: log lines and
the error the task records name it masked.
"""

import json
import logging
import os
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from shanzhi.accounts.models import RoleGrant
from shanzhi.core.masking import mask_phone

logger = logging.getLogger(__name__)

# One SMS in UCS-2 (any Chinese text) holds 70 characters; longer ones are billed as several and
# some gateways refuse them.
SMS_MAX = 70
TIMEOUT_S = 5


class SmsGatewayError(Exception):
    """Some messages did not reach the gateway; the message names the numbers masked."""


def _setting(name):
    return getattr(settings, name, None) or os.environ.get(name, "")


def sms_text(appeal, text):
    """The message cut to one SMS, always carrying the appeal number so the reader can look it up."""
    text = " ".join(str(text).split())
    prefix = _("【善治】")
    room = SMS_MAX - len(prefix)
    if appeal is not None and appeal.number not in text[:room]:
        text = f"{appeal.number} {text}"
    if len(text) > room:
        text = text[: room - 1] + "…"
    return prefix + text


def phones(users):
    """{user id: mobile number} for the users linked to a resident who has one."""
    grants = RoleGrant.objects.filter(user__in=[u.pk for u in users], resident__isnull=False).select_related(
        "resident"
    )
    out = {}
    for g in grants:
        phone = (g.resident.phone or "").strip()
        if phone:
            out.setdefault(g.user_id, phone)
    return out


class HttpSmsBackend:
    def __init__(self, url=None, token=None, timeout=TIMEOUT_S):
        self.url = url or _setting("SHANZHI_SMS_GATEWAY_URL")
        self.token = token or _setting("SHANZHI_SMS_GATEWAY_TOKEN")
        self.timeout = timeout

    def post(self, body):
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's own configuration)
            self.url,
            data=json.dumps(body, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
            },
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise urllib.error.HTTPError(
                    self.url, response.status, "gateway refused", response.headers, None
                )

    def send(self, users, kind, appeal, text):
        if not self.url:
            raise ImproperlyConfigured("HttpSmsBackend needs SHANZHI_SMS_GATEWAY_URL")
        numbers = phones(users)
        if not numbers:
            return
        message = sms_text(appeal, text)
        ref = appeal.number if appeal is not None else ""
        failed = []
        # One recipient's failure must not keep the message from the others.
        for user_id, phone in numbers.items():
            try:
                self.post({"to": phone, "text": message, "kind": kind, "ref": ref})
            except (OSError, ValueError) as e:  # URLError/HTTPError/timeouts are OSErrors
                masked = mask_phone(phone)
                logger.warning(
                    "SMS to %s (user %s, %s %s) failed: %s",
                    masked,
                    user_id,
                    kind,
                    ref,
                    type(e).__name__ + (f" {e.code}" if isinstance(e, urllib.error.HTTPError) else ""),
                )
                failed.append(masked)
            else:
                logger.info("SMS to %s (user %s, %s %s) sent", mask_phone(phone), user_id, kind, ref)
        if failed:
            raise SmsGatewayError(
                f"SMS gateway: {len(failed)} of {len(numbers)} failed ({', '.join(failed)})"
            )
