"""Co-construction's JSON API (/api/v1/coop/): the same services, queries and permissions as the pages.

One router per subject, combined here; no module imports this package's router back.
"""

from ninja import Router

from . import needs, reporting, resources, work

router = Router(tags=["coop"])
for part in (resources, needs, work, reporting):
    router.add_router("", part.router)
