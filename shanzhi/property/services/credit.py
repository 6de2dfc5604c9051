"""Company credit histories: ``record`` brings the ``CreditEvent`` rows of some companies up to
date with their sources (scored half-year evaluations, supervision actions, approved red and
black list placements), inside the caller's transaction; ``rebuild`` does it for every company
(``manage.py rebuild_credit``). The score's rules are ``property.credit``, pure.

The history is always what the sources give under the district's amounts in force: a row whose
source is unchanged is kept as it is; a rescored evaluation changes its row and the rows after
it; changing the amounts (``set_rules``: the credit rules page, ``PUT
/api/v1/property/credit-rules``) counts the district's histories again through ``rebuild``, as
``manage.py rebuild_credit`` does for every district."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import PropertyCompany

from .. import credit, queries
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


rules_of = queries.credit_rules


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


def rules_for(district):
    """The district's row (unsaved defaults before its staff first set them)."""
    return CreditRules.objects.filter(district=district).first() or CreditRules(district=district)


def labels():
    return {f.name: str(f.verbose_name) for f in CreditRules._meta.fields}


@transaction.atomic
def set_rules(district, *, by, **values):
    """District staff set the district's amounts (points deducted, 红榜 added: each 0..100) and
    grade thresholds (A > B > C, each 0..100); a field not given keeps its value. The district's
    histories are then counted again under them (``rebuild``), in the same transaction."""
    if not any(
        g.role in permissions.ACTIONS["property.credit_rules"] and g.node_id == district.pk
        for g in by.grants()
    ):
        raise PermissionDenied
    rules = CreditRules.objects.select_for_update().get_or_create(district=district)[0]
    names = labels()
    before = {f: getattr(rules, f) for f in (*credit.ADJUSTMENTS, *credit.THRESHOLDS)}
    for name in before:
        if values.get(name) is not None:
            setattr(rules, name, decimal(values[name], name, names[name], low=0, high=100))
    if rules.grade_a <= rules.grade_b:
        raise DomainError(
            _("%(b)s应低于%(a)s。") % {"b": names["grade_b"], "a": names["grade_a"]}, field="grade_b"
        )
    if rules.grade_b <= rules.grade_c:
        raise DomainError(
            _("%(c)s应低于%(b)s。") % {"c": names["grade_c"], "b": names["grade_b"]}, field="grade_c"
        )
    rules.save()
    created, updated, deleted = rebuild(district)
    changed = {f: [str(v), str(getattr(rules, f))] for f, v in before.items() if v != getattr(rules, f)}
    audit.record(
        "property.credit_rules",
        actor=by,
        target=rules,
        detail={"changed": changed, "rebuilt": [created, updated, deleted]},
    )
    return rules
