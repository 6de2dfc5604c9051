"""A big screen (大屏): a wall display bound to one org node by a token, with no login."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Screen(models.Model):
    """Whoever holds the token sees the node's figures, read-only, and nothing else: no person, no
    link to a case. Only the token's SHA-256 is stored (shown once when issued); revoking is final."""

    node = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("大屏")
        verbose_name_plural = _("大屏")

    def __str__(self):
        return f"{self.label} ({self.prefix}…)"

    @staticmethod
    def digest_of(token):
        return hashlib.sha256(token.encode()).hexdigest()
