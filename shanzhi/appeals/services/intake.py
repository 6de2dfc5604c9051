"""Intake (接诉): every channel enters the loop through ``submit``.

Nothing a resident submits may be lost or doubled. A submission carries an idempotency key: the
same (submitter or channel client, key) always returns the one appeal it created, also when two
retries race (a unique constraint decides; the loser reads the winner's row). The same key with
different content is refused, so a client bug cannot silently drop a second, different appeal.
Intake never depends on the holiday calendar: the clock starts at acceptance.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role
from shanzhi.core import crypto, inputs, prepared
from shanzhi.core.errors import DomainError
from shanzhi.registry import services as registry
from shanzhi.registry.households import own_resident

from .. import outbox, rollups
from ..models import DESCRIPTION_MAX_LENGTH, Appeal, AppealPhoto, Category
from . import base, notify, numbering, photos
from .placing import _community_of, _initial_level, place_for

C = Appeal.Channel
# ``Appeal(**values)`` without Django's per-field keyword search (``core.prepared.Constructor``).
_NEW_APPEAL = prepared.Constructor(Appeal)

# Which channels each role may use; Open311 and the hotline without a user come with a ``client``.
CHANNELS = {
    Role.RESIDENT: {C.WEB},
    Role.GRID_WORKER: {C.PATROL, C.HOME_VISIT, C.ON_BEHALF},
    Role.COMMUNITY_STAFF: {C.ON_BEHALF, C.HOME_VISIT, C.PATROL, C.PROPERTY, C.HOTLINE},
    Role.COMMUNITY_SECRETARY: {C.ON_BEHALF, C.HOME_VISIT, C.PATROL, C.PROPERTY, C.HOTLINE},
    Role.STREET_STAFF: {C.ON_BEHALF, C.HOTLINE},
    Role.DISTRICT_STAFF: {C.ON_BEHALF, C.HOTLINE},
    Role.DISTRICT_LEADER: {C.ON_BEHALF},
    Role.PROPERTY_STAFF: {C.PROPERTY},
}
CLIENT_CHANNELS = {C.OPEN311, C.HOTLINE}
# The fields' names in a refusal, translated only when one is written (each intake checks both).
_ADDRESS, _CONTACT = gettext_lazy("地址"), gettext_lazy("联系人")


# --- who may submit what ----------------------------------------------------------------------


def _check_submitter(by, channel, client, place, building, node=None, unplaced=False):
    if by is None:
        if channel not in CLIENT_CHANNELS or not client:
            raise DomainError(_("该渠道的诉求必须由登录用户提交。"), field="channel")
        return
    permissions.require(by, "appeals.submit")
    channels = set().union(*(CHANNELS.get(g.role, set()) for g in by.grants()))
    if channel not in channels:
        raise base.refuse(_("您不能通过该渠道登记诉求。"))
    if channel == C.WEB:
        return  # a resident may report a problem anywhere in the district, not only at home
    if channel == C.PROPERTY and any(g.role == Role.PROPERTY_STAFF for g in by.grants()):
        company_ids = {g.property_company_id for g in by.grants() if g.role == Role.PROPERTY_STAFF}
        if building is None or building.compound.property_company_id not in company_ids:
            raise DomainError(_("物业投诉须选择本企业服务小区的楼栋。"), field="building")
        return
    if unplaced:
        return  # nobody knows where yet: the district's dispatchers place it, within their scope
    if not permissions.covers(by, place, "registry.view_tree"):
        if node is not None and place.pk == node.pk:
            raise DomainError(_("所选社区/网格不在您的管辖范围内。"), field="node")
        raise DomainError(_("该位置不在您的管辖范围内。"), field="location")


def _digest(payload):
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _replay(existing, digest):
    if existing.payload_digest and existing.payload_digest != digest:
        raise DomainError(
            _("同一提交编号已用于另一条内容不同的诉求（%(n)s），请勿重复使用。") % {"n": existing.number},
            field="idempotency_key",
            code="idempotency_mismatch",
        )
    existing.is_replay = True
    return existing


_EXISTING_SQL = (
    f"SELECT id FROM {Appeal._meta.db_table} "  # noqa: S608 - the model's own table name
    "WHERE idempotency_scope = %s AND idempotency_key = %s LIMIT 1"
)


def filed_with_key(by, key):
    """The appeal ``by`` already filed with this idempotency key, or None (content unchecked:
    ``submit`` compares it when the retry comes through)."""
    key = (key or "").strip()
    if not key or len(key) > 80:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_EXISTING_SQL, [f"u:{by.pk}", key])
        row = cursor.fetchone()
    return Appeal.objects.get(pk=row[0]) if row is not None else None


def _existing(scope, key, hotline_case_number, digest):
    """The appeal this submission repeats, if any: same client and key (and then the same
    content), or the same hotline case (whose later versions are not re-imported)."""
    if key:
        # The id first (a retry is rare, and the whole row is some sixty columns), the row if any.
        # Written out: the ORM took longer to build this statement than PostgreSQL to answer it.
        with connection.cursor() as cursor:
            cursor.execute(_EXISTING_SQL, [scope, key])
            row = cursor.fetchone()
        if row is not None:
            return _replay(Appeal.objects.get(pk=row[0]), digest)
    if hotline_case_number:
        found = Appeal.objects.filter(hotline_case_number=hotline_case_number).first()
        if found:
            found.is_replay = True
            return found
    return None


def submit(
    *,
    by=None,
    client="",
    channel,
    title,
    description,
    category,
    lng=None,
    lat=None,
    building=None,
    household=None,
    node=None,
    address="",
    contact_name="",
    contact_phone="",
    photos_in=(),
    idempotency_key="",
    hotline_case_number=None,
    submitted_at=None,
    city_deadline=None,
):
    """Register one appeal and return it (``appeal.is_replay`` is True for a repeated submission).

    ``by``: the logged-in user (resident, or staff entering it), or None for a channel ``client``
    (an Open311 key's name, "hotline"). ``node``: a community or street for a place with no grid.
    ``submitted_at``: when the hotline received it (imports); otherwise now.
    ``city_deadline``: the 12345 centre's own deadline (hotline imports), stored as given.
    """
    title, description = (title or "").strip(), (description or "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        # Checked first: an oversized text is refused whole, before it is hashed or stored.
        raise DomainError(
            _("诉求内容不能超过 %(n)d 个字（现有 %(m)d 个字），请精简后再提交。")
            % {"n": DESCRIPTION_MAX_LENGTH, "m": len(description)},
            field="description",
            code="too_long",
        )
    # Lengths stated and refused, never cut (issue 12 §4): a cut key would match another's.
    key = inputs.clean_text(idempotency_key, "idempotency_key", max_length=80, label="Idempotency-Key")
    address = inputs.clean_text(address, "address", max_length=200, label=_ADDRESS)
    contact_name = inputs.clean_text(contact_name, "contact_name", max_length=50, label=_CONTACT)
    hotline_case_number = (hotline_case_number or "").strip() or None
    scope = f"u:{by.pk}" if by is not None else f"c:{client}"[:80]
    cleaned_photos = [photos.clean(f) for f in photos_in]
    payload = {
        "channel": channel,
        "title": title,
        "description": description,
        "category": getattr(category, "pk", None),
        "lng": lng,
        "lat": lat,
        "building": getattr(building, "pk", None),
        "household": getattr(household, "pk", None),
        "node": getattr(node, "pk", None),
        "address": address,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "hotline": hotline_case_number,
        "photos": [p.source_sha256 for p in cleaned_photos],
    }
    if city_deadline is not None:  # only when given, so that earlier submissions keep their digest
        payload["city_deadline"] = city_deadline.isoformat()
    digest = _digest(payload)
    if hotline_case_number:  # an import: a case already filed is not filed again, whatever it says now
        existing = _existing(scope, key, hotline_case_number, digest)
        if existing is not None:
            return existing
    # A repeated idempotency key is not looked for before every intake (a retry is rare, and the
    # SELECT was a round trip of each): the key's unique constraint refuses the INSERT, and the
    # ``IntegrityError`` below answers with the first appeal. A retry that would be refused now
    # (a category since retired, a grant since lost) is answered with it too, as before.
    try:
        return _new(
            by=by,
            client=client,
            channel=channel,
            title=title,
            description=description,
            category=category,
            lng=lng,
            lat=lat,
            building=building,
            household=household,
            node=node,
            address=address,
            contact_name=contact_name,
            contact_phone=contact_phone,
            cleaned_photos=cleaned_photos,
            key=key,
            scope=scope,
            digest=digest,
            hotline_case_number=hotline_case_number,
            submitted_at=submitted_at,
            city_deadline=city_deadline,
        )
    except (DomainError, PermissionDenied):
        existing = _existing(scope, key, None, digest) if key else None
        if existing is None:
            raise
        return existing


def _new(
    *,
    by,
    client,
    channel,
    title,
    description,
    category,
    lng,
    lat,
    building,
    household,
    node,
    address,
    contact_name,
    contact_phone,
    cleaned_photos,
    key,
    scope,
    digest,
    hotline_case_number,
    submitted_at,
    city_deadline,
):
    """``submit``'s checks and its new appeal (``submit``'s arguments, cleaned)."""
    if channel not in C.values:
        raise DomainError(_("未知的诉求来源。"), field="channel")
    if not title:
        raise DomainError(_("请填写标题。"), field="title")
    if len(title) > 100:
        raise DomainError(_("标题不能超过 100 个字。"), field="title")
    if not description:
        raise DomainError(_("请描述您反映的问题。"), field="description")
    if not isinstance(category, Category) or not category.active:
        raise DomainError(_("请选择一个有效的诉求分类。"), field="category")
    if channel == C.HOTLINE and not hotline_case_number:
        raise DomainError(_("热线诉求必须有热线工单号。"), field="hotline_case_number")
    if len(cleaned_photos) > photos.MAX_PER_STAGE:
        raise DomainError(_("最多上传 %(n)d 张照片。") % {"n": photos.MAX_PER_STAGE}, field="photos")
    if building is None and household is not None:
        building = household.building
    grid, place, lng, lat, building, unplaced = place_for(
        by=by, lng=lng, lat=lat, building=building, node=node, address=address
    )
    _check_submitter(by, channel, client, place, building, node, unplaced)
    contact_phone = registry.clean_phone(contact_phone, field="contact_phone")
    if by is not None and channel == C.WEB:
        resident = own_resident(by)
        if resident is not None:
            contact_name = contact_name or resident.name
            contact_phone = contact_phone or resident.phone
    community = _community_of(place)

    now = timezone.now()
    appeal = _NEW_APPEAL(
        channel=channel,
        hotline_case_number=hotline_case_number,
        city_deadline=city_deadline if channel == C.HOTLINE else None,
        idempotency_scope=scope if key else "",
        idempotency_key=key,
        payload_digest=digest,
        client=client[:80] if by is None else "",
        submitter=by if (by is not None and channel == C.WEB) else None,
        entered_by=by,
        contact_name=(contact_name or "").strip(),
        contact_phone=contact_phone,
        contact_phone_index=crypto.blind_index(contact_phone) if contact_phone else "",
        title=title,
        description=description,
        category=category,
        lng=lng,
        lat=lat,
        address=address,
        building=building,
        household=household,
        grid=grid,
        community=community,
        path=place.path,
        unplaced=unplaced,
        level=Appeal.Level.DISTRICT if unplaced else _initial_level(category, grid, community),
        created_at=submitted_at or now,
    )
    to_submitter = notify.submitter(appeal)
    first_event = base.new_event(
        appeal,
        base.V.SUBMIT,
        by,
        from_status="",
        data={"channel": channel, "client": client} if client else {"channel": channel},
    )
    try:
        if not cleaned_photos and numbering.one_statement():
            # PostgreSQL with its tasks in the database: the whole intake is one statement.
            with outbox.collect() as box:
                appeal.number = numbering.NUMBER_MARK  # in the notices' texts, until the statement
                _tell(appeal, by, title, unplaced, to_submitter)
            numbering.insert_whole(appeal, now, first_event, box.gathered())
            appeal.intake_event, appeal.intake_photos = first_event, []
        else:
            _in_transaction(appeal, now, first_event, by, title, unplaced, to_submitter, cleaned_photos)
    except IntegrityError:
        # A concurrent retry (or the same hotline case) won the race: return what it created.
        existing = _existing(scope, key, hotline_case_number, digest)
        if existing is None:
            raise
        return existing
    appeal.is_replay = False
    return appeal


def _in_transaction(appeal, now, first_event, by, title, unplaced, to_submitter, cleaned_photos):
    """The intake's writes in a transaction (SQLite, a task queue outside the database, photos).
    The day's number is taken by the appeal's own INSERT (``insert_numbered``), which therefore
    comes first: every intake of the day waits on the counter row from there to the commit, a
    few single-row INSERTs later. The photos' files are written before the transaction."""
    names = [photos.save_file(p) for p in cleaned_photos]
    try:
        with transaction.atomic(), outbox.gather():  # the notices and the rollup nudge: one task row
            if numbering.insert_numbered(appeal, now, first_event):
                rollups.after_mark()
            else:
                rollups.touch(appeal)
                first_event.appeal = appeal  # saved now: its id
                first_event.save(force_insert=True)
            appeal.intake_event = first_event
            appeal.intake_photos = [
                photos.store(appeal, p, stage=AppealPhoto.Stage.INTAKE, by=by, name=name)
                for p, name in zip(cleaned_photos, names, strict=True)
            ]
            _tell(appeal, by, title, unplaced, to_submitter)
    except BaseException:
        photos.discard_files(names)
        raise


def _tell(appeal, by, title, unplaced, to_submitter):
    """The intake's notices: the dispatchers who place or accept it, and the submitter."""
    notify.send_to_dispatchers(
        "submitted",
        appeal,
        (_("新诉求待定位：%(n)s %(t)s") if unplaced else _("新诉求待受理：%(n)s %(t)s"))
        % {"n": appeal.number, "t": title},
        exclude=by,
    )
    if to_submitter:  # a resident's own appeal; staff entering one for a resident tell nobody here
        notify.send(
            "received", appeal, to_submitter, _("您的诉求已收到，编号 %(n)s。") % {"n": appeal.number}
        )
