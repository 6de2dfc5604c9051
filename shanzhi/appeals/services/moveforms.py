"""Form fields (a page's POST or the API's JSON) → the matching service call, for every move.

Pages and the API share this so a move reads its input one way; the rules stay in the services.
``params`` needs ``get(name)`` and ``getlist(name)`` (a QueryDict, or ``Params`` for JSON).
"""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none, parse_int
from shanzhi.core.versioning import require_version
from shanzhi.registry.models import Building, Department, OrgNode, PropertyCompany

from .. import services
from ..models import Appeal, Category, ExtensionRequest, InvalidKind, SuspensionRequest
from . import choices


class Params(dict):
    """A JSON body seen like a form: values as strings, lists through ``getlist``."""

    def get(self, key, default=None):
        value = super().get(key, default)
        if value is None or isinstance(value, str | list):
            return value
        return str(value)

    def getlist(self, key):
        value = super().get(key)
        if value is None or value == "":
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _text(post, name):
    return (post.get(name) or "").strip()


def public(post):
    """The note's audience from the form (issue 13 §7): "note_public" ticked → the resident may read
    it; unticked or absent → internal (the verb's default, see ``progress.RESIDENT_NOTES``)."""
    value = str(post.get("note_public") or "").strip().lower()
    return True if value in ("1", "true", "on", "yes") else None


def _days(post, name):
    """A number of days: ASCII digits, at most ten years (empty: the service's default)."""
    return parse_int(post.get(name), name, min_value=1, max_value=3650)


def _department(pk, field):
    if not pk:
        return None
    found = Department.objects.filter(pk=id_or_none(pk)).first()
    if found is None:
        raise DomainError(_("请选择职能部门。"), field=field)
    return found


def target(user, value):
    """'user:ID' / 'node:ID' / 'department:ID' / 'company:ID' / 'pool' → service keyword arguments.
    The service decides whether the target may take this appeal."""
    kind, _sep, pk = (value or "").partition(":")
    if kind == "pool":
        return {"to_pool": True}
    models = {
        "user": ("to_user", get_user_model()),
        "node": ("to_node", OrgNode),
        "department": ("to_department", Department),
        "company": ("to_company", PropertyCompany),
    }
    if kind not in models or id_or_none(pk) is None:
        raise DomainError(_("请选择一个承办对象。"), field="to")
    keyword, model = models[kind]
    # An unknown id is passed on as no target: the service then refuses it after the dispatcher's
    # own checks, with the very answer it gives an id out of scope (issue 12 §5: an id must not
    # tell whether, or whom, it names).
    return {keyword: model.objects.filter(pk=id_or_none(pk)).first()}


def _invalid_kind(code):
    """An invalid kind by its code ('' or none: a refusal that is not an invalid ruling)."""
    if not code:
        return None
    found = InvalidKind.objects.filter(code=code, active=True).first()
    if found is None:
        raise DomainError(_("请选择一个有效的无效诉求类型。"), field="kind")
    return found


def _request_row(appeal, model, post):
    pk = post.get("request")
    row = model.objects.filter(appeal=appeal, pk=id_or_none(pk)).first()
    if row is None:
        raise DomainError(_("找不到这条申请，请刷新页面。"), field="request")
    return row


def _point(post, name):
    value = (post.get(name) or "").strip()
    return value or None


def _building(user, value):
    """A building of the user's scope by id; a foreign or unknown id is refused alike."""
    if value in (None, ""):
        return None
    found = (
        permissions.visible(user, Building).filter(pk=int(value)).first() if str(value).isdigit() else None
    )
    if found is None:
        raise DomainError(_("找不到该楼栋，或不在您的辖区内。"), field="building")
    return found


def _approve(post):
    return post.get("decision") == "approve"


def _merge_target(user, appeal, post):
    # Asked before looking the other number up, so the lookup tells nothing to those who may not merge.
    permissions.require(user, "appeals.merge", appeal)
    number = _text(post, "into")
    main = permissions.visible(user, Appeal).filter(number=number).first() if number else None
    if main is None:
        raise DomainError(_("请填写要并入的主诉求编号（须在您的辖区内）。"), field="into")
    return main


def call(verb, appeal, user, post, files, version):
    """The one place a form becomes a service call; every rule stays in the service."""
    v = {"by": user, "expected_version": version}
    calls = {
        "locate": lambda: services.place(
            appeal,
            lng=_point(post, "lng"),
            lat=_point(post, "lat"),
            node=choices.chosen_node(user, post.get("node")),
            building=_building(user, post.get("building")),
            note=_text(post, "note"),
            **v,
        ),
        "accept": lambda: services.accept(
            appeal,
            category=Category.objects.filter(pk=id_or_none(post.get("category"))).first(),
            note=_text(post, "note"),
            public=public(post),
            **v,
        ),
        "reject": lambda: services.reject(
            appeal, reason=_text(post, "reason"), kind=_invalid_kind(post.get("kind")), **v
        ),
        "return_to_city": lambda: services.return_to_city(appeal, reason=_text(post, "reason"), **v),
        "dispatch": lambda: services.dispatch(
            appeal, note=_text(post, "note"), public=public(post), **target(user, post.get("to")), **v
        ),
        "claim": lambda: services.claim(appeal, **v),
        "start": lambda: services.start(appeal, note=_text(post, "note"), public=public(post), **v),
        "return": lambda: services.return_appeal(appeal, reason=_text(post, "reason"), **v),
        "resolve": lambda: services.resolve(appeal, result=_text(post, "result"), photos_in=files, **v),
        "self_handle": lambda: services.self_handle(
            appeal, result=_text(post, "result"), photos_in=files, **v
        ),
        "verify": lambda: services.verify(
            appeal, note=_text(post, "note"), photos_in=files, public=public(post), **v
        ),
        "send_back": lambda: services.send_back(appeal, reason=_text(post, "reason"), **v),
        "visit": lambda: services.visit(
            appeal,
            solved=post.get("solved") or "",
            rating=post.get("rating") or "",
            unreachable=post.get("outcome") == "unreachable",
            note=_text(post, "note"),
            **v,
        ),
        "rate": lambda: services.rate(
            appeal,
            solved=post.get("solved") or "",
            rating=post.get("rating") or "",
            note=_text(post, "note"),
            **v,
        ),
        "close": lambda: services.close(appeal, note=_text(post, "note"), public=public(post), **v),
        "escalate": lambda: services.escalate(appeal, reason=_text(post, "reason"), **v),
        "summon": lambda: services.summon(
            appeal,
            lead=_department(post.get("lead"), "lead"),
            assisting=[_department(pk, "assisting") for pk in post.getlist("assisting") if pk],
            within_workdays=_days(post, "within_workdays"),
            note=_text(post, "note"),
            public=public(post),
            **v,
        ),
        "supervise": lambda: services.supervise(
            appeal,
            note=_text(post, "note"),
            due_days=_days(post, "due_days"),
            **v,
        ),
        "remind": lambda: services.remind(appeal, note=_text(post, "note"), **v),
        "merge": lambda: services.merge(
            appeal, into=_merge_target(user, appeal, post), note=_text(post, "note"), **v
        ),
        "request_extension": lambda: services.request_extension(
            appeal, days=post.get("days"), reason=_text(post, "reason"), **v
        ),
        "request_suspension": lambda: services.request_suspension(
            appeal, days=post.get("days"), reason=_text(post, "reason"), **v
        ),
        "decide_extension": lambda: services.decide_extension(
            _request_row(appeal, ExtensionRequest, post),
            approve=_approve(post),
            note=_text(post, "note"),
            **v,
        ),
        "decide_suspension": lambda: services.decide_suspension(
            _request_row(appeal, SuspensionRequest, post),
            approve=_approve(post),
            note=_text(post, "note"),
            **v,
        ),
        "resume": lambda: services.resume(appeal, note=_text(post, "note"), **v),
        "add_photo": lambda: services.add_photos(appeal, files, **v),
    }
    if verb not in calls:
        raise Http404
    # A person's move always names the version they saw (issue 12 §5); the services accept none
    # only from the sweep and other system callers.
    require_version(version)
    return calls[verb]()


def _with_version(call):
    def checked(summons, by, post, version, files=()):
        require_version(version)
        return call(summons, by, post, version, files)

    return checked


SUMMONS_CALLS = {
    "report": _with_version(
        lambda s, by, post, version, files: services.report(
            s, by=by, note=_text(post, "note"), expected_version=version
        )
    ),
    # 完成承办 with photos of what the department did (issue 13 §5).
    "finish_part": _with_version(
        lambda s, by, post, version, files: services.finish_part(
            s,
            by=by,
            result=_text(post, "result"),
            photos_in=files,
            public=public(post),
            expected_version=version,
        )
    ),
    "cancel_summons": _with_version(
        lambda s, by, post, version, files: services.cancel_summons(
            s, by=by, reason=_text(post, "reason"), expected_version=version
        )
    ),
}
