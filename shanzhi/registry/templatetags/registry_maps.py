"""``{% map_attrs %}``: the data attributes every map widget reads (static/shanzhi/mapkit.js)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from .. import maps

register = template.Library()


@register.simple_tag
def map_attrs(within=""):
    """The layers endpoint (narrowed to the node ``within``, a code), and the tile configuration."""
    layers = reverse("registry:map_layers")
    if within:
        layers += "?" + urlencode({"within": within})
    tiles = maps.tiles()
    return format_html(
        'data-layers="{}" data-tiles="{}" data-attribution="{}" data-crs="{}"',
        layers,
        tiles["url"],
        tiles["attribution"],
        tiles["crs"],
    )


@register.simple_tag
def map_crs():
    return maps.crs()
