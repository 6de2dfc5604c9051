from django.urls import path

from .views import imports, maps, orgs, people, places, tree

app_name = "registry"
urlpatterns = [
    # the tree and its grids
    path("network/", tree.home, name="home"),
    path("org/<str:code>/", tree.node_detail, name="node"),
    path("org/<str:code>/boundary/", tree.node_boundary, name="node_boundary"),
    path("map/layers.geojson", maps.layers, name="map_layers"),
    path("grid-health/", tree.grid_health, name="grid_health"),
    # keeping the network by hand
    path("org/<str:code>/add/", places.node_add, name="node_add"),
    path("org/<str:code>/edit/", places.node_edit, name="node_edit"),
    path("org/<str:code>/retire/", places.node_retire, name="node_retire"),
    path("org/<str:code>/compounds/add/", places.compound_add, name="compound_add"),
    path("compounds/<int:pk>/edit/", places.compound_edit, name="compound_edit"),
    path("compounds/<int:pk>/retire/", places.compound_retire, name="compound_retire"),
    path("compounds/<int:pk>/buildings/add/", places.building_add, name="building_add"),
    path("buildings/<int:pk>/edit/", places.building_edit, name="building_edit"),
    path("buildings/<int:pk>/move/", places.building_move, name="building_move"),
    path("buildings/<int:pk>/retire/", places.building_retire, name="building_retire"),
    # places and people
    path("compounds/<int:pk>/", people.compound_detail, name="compound"),
    path("households/<int:pk>/", people.household_detail, name="household"),
    path("residents/<int:pk>/", people.resident_detail, name="resident"),
    path("residents/<int:pk>/reveal/", people.resident_reveal, name="resident_reveal"),
    path("search/", people.search, name="search"),
    # organisations on the network
    path("units/", orgs.unit_list, name="units"),
    path("property-companies/", orgs.property_company_list, name="property_companies"),
    path("party/", orgs.party_org_list, name="party_orgs"),
    path("party/<int:pk>/", orgs.party_org_detail, name="party_org"),
    # rosters in and out
    path("imports/", imports.import_list, name="imports"),
    path("imports/<int:pk>/", imports.import_detail, name="import"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("org/<str:code>/export.xlsx", imports.export_roster, name="export"),
]
