from django.apps import AppConfig


class PropertyConfig(AppConfig):
    name = "shanzhi.property"
    label = "property"
    verbose_name = "红色物业"

    def ready(self):
        # Adds this app's actions and scopes to accounts.permissions (see access.py).
        from shanzhi.core import workdays

        from . import access, dashboard, home
        from .services import supervision

        access.register()
        dashboard.register()  # its panel on the data centre's dashboards
        home.register()  # the dismissal notice on a dismissed company's staff's home
        # A rectification deadline counted before a year's notice is counted again once it is in.
        workdays.on_year_completed(supervision.year_completed)
        # Owners' committees and four-party meetings (access.COMMITTEE_ACTIONS; task deadlines).
        from .services import meetings

        access.register_committees()
        # The committee on the registry's compound page (registry.panels), which cannot import this app.
        from . import compound_panel

        compound_panel.register()
        # A vote whose ballot period is over is sealed by the sweep (services.votes.close_ended).
        from shanzhi.core import periodic

        from .services import votes

        periodic.register("property_votes_sealed", votes.close_ended)
        workdays.on_year_completed(meetings.year_completed)
        # Last quarter's disclosure (公示) on the first working day of a quarter, from the sweep.
        from shanzhi.core import periodic

        from .services import disclosures

        periodic.register("quarterly_disclosure", disclosures.schedule)
