from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shanzhi.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from . import panels, signals  # noqa: F401  (signals: login/lockout events into the audit trail)

        panels.register()
