"""The registry's older owners' committee table (``registry.OwnersCommittee`` and its members) is
folded into this app's ``Committee``: every compound that has one there and none here gets a
业主委员会 with the same members and dates. The registry's migration 0005 then deletes its tables,
so this one runs before it (``run_before``: the registry, a lower layer, names no app above it).

Positions map to roles: 主任 → director (the first by id, since property allows one), 副主任 → deputy
(and any further 主任), anything else → member. Property needs a full term where the registry
allowed blanks: a missing start is five years (the longest term) before the end, or the day of
the move when both are blank; a missing or non-positive end is the start plus five years.
``updated_by`` names a community staff member of the compound's community, else the first
superuser, else the first account; with committees to move and no account at all the migration
stops and says so rather than drop them.
"""

from django.db import migrations
from django.utils import timezone

TERM_YEARS = 5  # the longest term (MAX_TERM_YEARS in services/committees.py)
KEEPER_ROLES = ("community_staff", "community_secretary")


def _years(day, n):
    try:
        return day.replace(year=day.year + n)
    except ValueError:  # 29 February
        return day.replace(year=day.year + n, day=28)


def _term(elected_on, term_ends_on, today):
    start = elected_on or (_years(term_ends_on, -TERM_YEARS) if term_ends_on else today)
    end = term_ends_on if term_ends_on and term_ends_on > start else _years(start, TERM_YEARS)
    return start, end


def _roles(rows):
    """(resident_id, position) in id order → (resident_id, role), one director at most."""
    out, director = [], False
    for resident_id, position in rows:
        position = (position or "").strip()
        if position == "主任" and not director:
            role, director = "director", True
        elif position in ("主任", "副主任"):
            role = "deputy"
        else:
            role = "member"
        out.append((resident_id, role))
    return out


def _fallback_user(User):
    user = User.objects.filter(is_superuser=True).order_by("id").first()
    return user or User.objects.order_by("id").first()


def move(apps, schema_editor):
    Old = apps.get_model("registry", "OwnersCommittee")
    OldMember = apps.get_model("registry", "OwnersCommitteeMember")
    Committee = apps.get_model("property", "Committee")
    Member = apps.get_model("property", "CommitteeMember")
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    User = apps.get_model("accounts", "User")
    db = schema_editor.connection.alias

    taken = set(Committee.objects.using(db).values_list("compound_id", flat=True))
    old = list(Old.objects.using(db).exclude(compound_id__in=taken).select_related("compound").order_by("id"))
    if not old:
        return
    fallback = _fallback_user(User)
    if fallback is None:
        raise RuntimeError(
            "registry.OwnersCommittee rows need an account to be recorded by in property.Committee: "
            "create one (manage.py createsuperuser), then migrate again."
        )
    keepers = {}
    grants = RoleGrant.objects.using(db).filter(
        role__in=KEEPER_ROLES, node_id__in={c.compound.community_id for c in old}
    )
    # Community staff first (they keep committees day to day), then the secretary; the oldest grant.
    for _staff, _pk, node_id, user_id in sorted(
        (role != KEEPER_ROLES[0], pk, node_id, user_id)
        for role, pk, node_id, user_id in grants.values_list("role", "pk", "node_id", "user_id")
    ):
        keepers.setdefault(node_id, user_id)
    today, now = timezone.localdate(), timezone.now()
    for oc in old:
        start, end = _term(oc.elected_on, oc.term_ends_on, today)
        committee = Committee.objects.using(db).create(
            compound_id=oc.compound_id,
            kind="owners",
            term_start=start,
            term_end=end,
            updated_by_id=keepers.get(oc.compound.community_id, fallback.pk),
            updated_at=now,
        )
        rows = OldMember.objects.using(db).filter(committee=oc).order_by("id")
        Member.objects.using(db).bulk_create(
            Member(committee=committee, resident_id=resident_id, role=role, added_at=now)
            for resident_id, role in _roles(rows.values_list("resident_id", "position"))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("property", "0008_credit"),
        ("registry", "0004_orgnode_refversion"),
    ]
    run_before = [("registry", "0005_delete_owners_committee")]

    # Backwards the registry's tables come back empty; the committees stay here.
    operations = [migrations.RunPython(move, migrations.RunPython.noop, elidable=True)]
