"""A compound's owners' roll (业主名册): the page (units with area and owner, totals, the households
not on it yet) for community staff and the staff above, and one POST view per change, each calling
one service (``services.roll``, ``services.roll_import``). Owners' names are shown masked."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook

from shanzhi.core import spreadsheets
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none
from shanzhi.core.masking import mask_name

from .. import queries, roll_reads
from ..access import compound_in_reach
from ..models import OwnedUnit, Vote
from ..services import roll as service
from ..services import roll_import

UNITS_PER_PAGE = 200
LISTED = 500  # owners and households not on the roll shown at once


def _page(request, compound, status=200, errors=()):
    user = request.user
    units, owners, totals, unlisted = roll_reads.roll_of(compound)
    keeper = compound_in_reach(user, compound.pk, "property.manage_roll") is not None
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    for u in page:
        u.owner_label = roll_reads.owner_label(u.owner)
    owners = list(owners[:LISTED])
    for o in owners:
        o.label = roll_reads.owner_label(o)
    residents = list(queries.compound_residents(compound)) if keeper else []
    for r in residents:
        r.label = mask_name(r.name)
    # "修改" on a unit's row opens the page with that unit in the form (?unit=<id>).
    editing = OwnedUnit.objects.filter(pk=id_or_none(request.GET.get("unit")), owner__compound=compound)
    editing = editing.select_related("household__building", "owner").first() if keeper else None
    households = list(unlisted[:LISTED]) if keeper else []
    if editing is not None:
        households.insert(0, editing.household)
    return render(
        request,
        "property/roll.html",
        {
            "compound": compound,
            "page": page,
            "owners": owners,
            "more_owners": len(owners) == LISTED,
            "totals": totals,
            "unlisted": unlisted[:LISTED],
            "unlisted_count": unlisted.count(),
            "keeper": keeper,
            "voting": Vote.objects.filter(compound=compound, status=Vote.Status.OPEN).exists(),
            "residents": residents,
            "households": households,
            "editing": editing,
            "errors": errors,
            "max_mb": roll_import.MAX_BYTES // (1024 * 1024),
            "form": request.POST if status != 200 else {},
        },
        status=status,
    )


@never_cache
@require_GET
def roll(request, pk):
    compound = roll_reads.roll_compound(request.user, pk)
    if request.GET.get("template") and compound_in_reach(request.user, compound.pk, "property.manage_roll"):
        return _template(compound)
    return _page(request, compound)


def _template(compound):
    """The import's workbook for this compound: every household's label, with the area already on
    the roll (no names: the community fills them in from the register)."""
    book = Workbook()
    sheet = book.active
    sheet.title = spreadsheets.sheet_title(_("业主名册"))
    spreadsheets.append(sheet, [header for _key, header, _required in roll_import.COLUMNS])
    areas = dict(OwnedUnit.objects.filter(owner__compound=compound).values_list("household_id", "area"))
    for label, household in sorted(roll_import.unit_labels(compound).items()):
        spreadsheets.append(sheet, [label, str(areas.get(household.pk, "")), "", "", ""])
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = 20
        sheet.column_dimensions[cell.column_letter].number_format = "@"  # areas stay text, exact
    return spreadsheets.xlsx_response(spreadsheets.xlsx_bytes(book), "业主名册导入模板.xlsx")


def _act(request, pk, call, ok):
    compound = roll_reads.roll_compound(request.user, pk)
    try:
        call(compound)
    except roll_import.RollRejected as exc:
        messages.error(request, str(exc.message))
        return _page(request, compound, status=400, errors=exc.errors)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _page(request, compound, status=400)
    messages.success(request, ok)
    return redirect("property:roll", pk=compound.pk)


def _flag(request):
    return request.POST.get("is_developer") in ("1", "on", "true")


@require_POST
def roll_owner_add(request, pk):
    f = request.POST
    return _act(
        request,
        pk,
        lambda c: service.add_owner(
            c, f.get("name"), residents=f.getlist("residents"), is_developer=_flag(request), by=request.user
        ),
        _("已登记业主。"),
    )


@require_POST
def roll_owner_edit(request, pk):
    f = request.POST

    def edit(compound):
        service.require_keeper(request.user, compound)
        service.edit_owner(
            service.owner_of(compound, f.get("owner")),
            name=f.get("name"),
            residents=f.getlist("residents"),
            is_developer=_flag(request),
            by=request.user,
        )

    return _act(request, pk, edit, _("已修改业主信息。"))


@require_POST
def roll_unit_put(request, pk):
    f = request.POST

    def put(compound):
        service.require_keeper(request.user, compound)
        household = service.household_of(compound, f.get("household"))
        owner = service.owner_of(compound, f.get("owner"))
        service.put_unit(household, owner, f.get("area"), by=request.user)

    return _act(request, pk, put, _("已登记专有部分。"))


def _unit(compound, unit_pk):
    unit = OwnedUnit.objects.filter(pk=id_or_none(unit_pk), owner__compound=compound).first()
    if unit is None:
        raise Http404
    return unit


@require_POST
def roll_unit_remove(request, pk, unit):
    return _act(
        request, pk, lambda c: service.remove_unit(_unit(c, unit), by=request.user), _("已从名册中移除。")
    )


@require_POST
def roll_import_file(request, pk):
    def run(compound):
        upload = request.FILES.get("file")
        if upload is None:
            service.require_keeper(request.user, compound)
            raise DomainError(_("请选择名册文件（.xlsx）。"), field="file")
        counts = roll_import.import_roll(compound, upload, by=request.user)
        messages.info(
            request,
            _("共 %(rows)d 行：新登记 %(added)d 户，更新 %(changed)d 户，新增业主 %(owners)d 位。")
            % {
                "rows": counts["rows"],
                "added": counts["units_added"],
                "changed": counts["units_changed"],
                "owners": counts["owners_added"],
            },
        )

    return _act(request, pk, run, _("名册已导入。"))
