"""The registry's panel on each role's home page (``accounts.home``): the way into the network
(a grid worker's own grid, a resident's home, the organisations a unit or company sees)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from shanzhi.accounts import home, permissions

from . import queries


def network_panel(user):
    if permissions.has_role_for(user, "registry.view_tree"):
        tops = queries.top_nodes(user)
        places = [home.Link(str(n), reverse("registry:node", args=[n.code]), "geo-alt") for n in tops[:3]]
        return home.Panel(
            _("一张网"),
            icon="diagram-3",
            order=40,
            shortcuts=[
                *places,
                home.link(user, "registry.view_tree", _("一张网"), "registry:home", icon="diagram-3"),
                home.link(
                    user,
                    ("registry.view_tree", "registry.view_people"),
                    _("查找居民"),
                    "registry:search",
                    icon="search",
                ),
                home.link(
                    user, "registry.view_tree", _("网格体检"), "registry:grid_health", icon="heart-pulse"
                ),
                home.link(
                    user, "registry.import", _("台账导入"), "registry:imports", icon="file-earmark-arrow-up"
                ),
            ],
        )
    if permissions.has_role_for(user, "registry.view_people"):  # a resident: their own household
        return home.Panel(
            _("我的家"),
            icon="house",
            order=40,
            shortcuts=[home.link(user, "registry.view_people", _("我的家庭"), "registry:home", icon="house")],
        )
    if permissions.has_role_for(user, "registry.view_orgs"):
        return home.Panel(
            _("组织"),
            icon="buildings",
            order=40,
            shortcuts=[
                home.link(user, "registry.view_orgs", _("驻区单位"), "registry:units", icon="building"),
                home.link(
                    user,
                    "registry.view_orgs",
                    _("物业企业"),
                    "registry:property_companies",
                    icon="house-gear",
                ),
                home.link(user, "registry.view_orgs", _("党组织"), "registry:party_orgs", icon="flag"),
            ],
        )
    return None


def register():
    home.register_panel(network_panel)
