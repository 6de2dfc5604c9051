from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "shanzhi.appeals"
    label = "appeals"
    verbose_name = "接诉即办"

    def ready(self):
        # Adds this app's actions and scopes to accounts.permissions (see access.py).
        from shanzhi.accounts import publicdata
        from shanzhi.core import refdata, workdays
        from shanzhi.registry import figures

        from . import access, compound_figures, home, public
        from .models import Category
        from .services import recompute

        access.register()
        refdata.watch(Category)  # this process's own category edits are seen within the same request
        home.register()  # its panels on every role's home page
        publicdata.register_section(public.public_section)  # the data centre's public page
        # Completing a year's holiday notice recomputes the provisional deadlines (core never imports appeals).
        workdays.on_year_completed(recompute.year_completed)
        # Red property scores companies on these counters (property may not import appeals).
        figures.register_compound_figures(compound_figures.compound_counters)
        # Red property's meetings file appeals through intake (property may not import appeals).
        from shanzhi.registry import referrals as registry_referrals

        from . import referrals

        registry_referrals.register_appeal_filer(
            file=referrals.file, states=referrals.states, categories=referrals.categories
        )
