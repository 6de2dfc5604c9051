from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "shanzhi.appeals"
    label = "appeals"
    verbose_name = "接诉即办"

    def ready(self):
        # Adds this app's actions and scopes to accounts.permissions (see access.py).
        from shanzhi.accounts import publicdata
        from shanzhi.core import workdays

        from . import access, home, public
        from .services import recompute

        access.register()
        home.register()  # its panels on every role's home page
        publicdata.register_section(public.public_section)  # the data centre's public page
        # Completing a year's holiday notice recomputes the provisional deadlines (core never imports appeals).
        workdays.on_year_completed(recompute.year_completed)
