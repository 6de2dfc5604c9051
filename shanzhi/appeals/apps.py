from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "shanzhi.appeals"
    label = "appeals"
    verbose_name = "接诉即办"

    def ready(self):
        # Adds this app's actions and scopes to accounts.permissions (see access.py).
        from . import access

        access.register()
