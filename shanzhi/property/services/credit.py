"""Company credit histories: ``record`` brings the ``CreditEvent`` rows of some companies up to
date with their sources (scored half-year evaluations, supervision actions, approved red and
black list placements), inside the caller's transaction; ``rebuild`` does it for every company
(``manage.py rebuild_credit``). The score's rules are ``property.credit``, pure.

The history is always what the sources give under the district's amounts in force: a row whose
source is unchanged is kept as it is; a rescored evaluation changes its row and the rows after
it; changing the amounts (``set_rules``) counts the district's histories again."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.registry.models import PropertyCompany

from .. import credit
from ..models import (
    CreditEvent,
    CreditRules,
    Evaluation,
    Period,
    StandingEntry,
    StandingList,
    SupervisionAction,
)
from .common import decimal

REBUILD_CHUNK = 200
_LINK = {"evaluation": "evaluation_id", "action": "action_id", "entry": "entry_id"}
_FIELDS = ["at", "seq", "kind", "delta", "score"]


def rules_of(district_ids):
    """{district id: credit.Rules}; a district without its own row gets the defaults."""
    return defaultdict(
        credit.Rules,
        {r.district_id: r.rules() for r in CreditRules.objects.filter(district_id__in=set(district_ids))},
    )


def changes_of(company_ids):
    """{company id: [credit.Change]}: three queries, whatever the number of companies."""
    out = defaultdict(list)
    for e in Evaluation.objects.filter(
        company_id__in=company_ids,
        period__kind=Period.Kind.HALF,
        score__isnull=False,
        scored_at__isnull=False,
    ).values("pk", "company_id", "score", "scored_at", "period__starts_on"):
        out[e["company_id"]].append(
            credit.Change(
                credit.EVALUATION,
                e["scored_at"],
                ("evaluation", e["pk"]),
                score=e["score"],
                period=e["period__starts_on"],
            )
        )
    for a in SupervisionAction.objects.filter(company_id__in=company_ids).values(
        "pk", "company_id", "kind", "created_at"
    ):
        out[a["company_id"]].append(credit.Change(a["kind"], a["created_at"], ("action", a["pk"])))
    for s in StandingEntry.objects.filter(
        company_id__in=company_ids, list__status=StandingList.Status.APPROVED
    ).values("pk", "company_id", "standing", "list__approved_at"):
        out[s["company_id"]].append(credit.Change(s["standing"], s["list__approved_at"], ("entry", s["pk"])))
    return out


def _key(row):
    for name, attr in _LINK.items():
        if getattr(row, attr):
            return (name, getattr(row, attr))
    return ("", row.pk)


def record(*companies):
    """Bring the credit history of ``companies`` up to date (called by the evaluation run's
    scoring, opening a supervision action and approving a list, in their transactions). The
    companies' rows are locked first, in id order, so two writers never interleave a history."""
    ids = sorted({c.pk for c in companies})
    if not ids:
        return (0, 0, 0)
    locked = list(PropertyCompany.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    rules = rules_of(c.district_id for c in locked)
    changes = changes_of(ids)
    existing = defaultdict(dict)
    for row in CreditEvent.objects.filter(company_id__in=ids):
        existing[row.company_id][_key(row)] = row
    create, update, stale = [], [], []
    for company in locked:
        rows = existing[company.pk]
        for seq, step in enumerate(credit.fold(changes[company.pk], rules[company.district_id])):
            c = step.change
            values = {"at": c.at, "seq": seq, "kind": c.kind, "delta": step.delta, "score": step.after}
            row = rows.pop(c.key, None)
            if row is None:
                create.append(CreditEvent(company_id=company.pk, **{_LINK[c.key[0]]: c.key[1]}, **values))
            elif any(getattr(row, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(row, f, v)
                update.append(row)
        stale += [r.pk for r in rows.values()]
    if stale:
        CreditEvent.objects.filter(pk__in=stale).delete()
    CreditEvent.objects.bulk_update(update, _FIELDS, batch_size=500)
    CreditEvent.objects.bulk_create(create, batch_size=500)
    return (len(create), len(update), len(stale))


def rebuild(district=None):
    """Every company's history counted again from its sources (idempotent: a second run changes
    nothing). Returns (created, updated, deleted)."""
    companies = PropertyCompany.objects.order_by("pk")
    if district is not None:
        companies = companies.filter(district=district)
    ids = list(companies.values_list("pk", flat=True))
    totals = [0, 0, 0]
    for i in range(0, len(ids), REBUILD_CHUNK):
        with transaction.atomic():
            chunk = PropertyCompany.objects.filter(pk__in=ids[i : i + REBUILD_CHUNK])
            for n, t in enumerate(record(*chunk)):
                totals[n] += t
    return tuple(totals)


@transaction.atomic
def set_rules(district, *, by, **amounts):
    """District staff set the district's amounts (each −100..100); its histories are counted
    again under them."""
    if not any(
        g.role in permissions.ACTIONS["property.propose_list"] and g.node_id == district.pk
        for g in by.grants()
    ):
        raise PermissionDenied
    rules = CreditRules.objects.select_for_update().get_or_create(district=district)[0]
    labels = {f.name: f.verbose_name for f in CreditRules._meta.fields if f.name in credit.ADJUSTMENTS}
    for name in credit.ADJUSTMENTS:
        if name in amounts:
            setattr(rules, name, decimal(amounts[name], name, str(labels[name]), low=-100, high=100))
    rules.save()
    record(*PropertyCompany.objects.filter(district=district))
    audit.record("property.credit_rules", actor=by, target=rules)
    return rules
