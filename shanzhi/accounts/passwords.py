"""Password rules beyond Django's: character classes (等保 8.1.4.1a) and no reuse of recent ones."""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if classes < self.min_classes:
            raise ValidationError(
                _("密码需包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("至少包含小写字母、大写字母、数字、符号中的 %(n)d 类。") % {"n": self.min_classes}


class HistoryValidator:
    """Refuses the current password and the last ``keep`` ones (0 turns the rule off)."""

    def __init__(self, keep=5):
        self.keep = keep

    def validate(self, password, user=None):
        if not self.keep or user is None or user.pk is None:
            return
        previous = [user.password] + list(
            user.password_history.values_list("password", flat=True)[: self.keep]
        )
        if any(old and check_password(password, old) for old in previous):
            raise ValidationError(
                _("不能使用最近 %(n)d 次用过的密码。") % {"n": self.keep}, code="password_reused"
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or not self.keep:
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = user.password_history.values_list("pk", flat=True)[self.keep :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return _("不能与最近 %(n)d 次的密码相同。") % {"n": self.keep}
