"""Login outcomes reach the audit trail from Django's and axes' signals: these are the only
places the framework tells us about them, so this is the one use of signals in the project."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from shanzhi.core import audit
from shanzhi.core.models import AuditEvent

A = AuditEvent.Action


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(A.LOGIN, actor=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(A.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit.record(
        A.LOGIN_FAILED,
        request=request,
        outcome=AuditEvent.Outcome.FAILURE,
        username=(credentials.get("username") or "")[:150],
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit.record(
        A.LOCKOUT, request=request, outcome=AuditEvent.Outcome.DENIED, username=(username or "")[:150]
    )
