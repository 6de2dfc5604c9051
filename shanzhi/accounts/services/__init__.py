import secrets

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import audit, prepared, refdata
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent

from .. import apikeys
from ..models import ADMIN_ROLES, ROLE_LEVEL, ApiToken, RoleGrant, User


@transaction.atomic
def create_user(*, username, password, display_name="", by=None, request=None):
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("用户名“%(u)s”已被使用。") % {"u": username}, field="username")
    user = User(username=username, display_name=display_name, password_changed_at=timezone.now())
    user.set_password(password)
    user.save()
    if by is not None:  # accounts made by a person are audited; seeding and tests pass no actor
        audit.record(AuditEvent.Action.USER_CREATED, actor=by, request=request, target=user)
    return user


def _check_binding(role, node, department, property_company, unit, resident):
    level = ROLE_LEVEL.get(role)
    if role in ADMIN_ROLES:
        if any([node, department, property_company, unit, resident]):
            raise DomainError(_("管理员角色作用于全系统，不绑定组织。"), field="node")
        return
    if level == "department" and department is None:
        raise DomainError(_("部门经办人必须绑定一个职能部门。"), field="department")
    if level == "property_company" and property_company is None:
        raise DomainError(_("物业企业人员必须绑定一家物业企业。"), field="property_company")
    if level == "unit" and unit is None:
        raise DomainError(_("驻区单位人员必须绑定一个单位。"), field="unit")
    if level in ("grid", "community", "street", "district"):
        if node is None:
            raise DomainError(_("该角色必须绑定一个组织节点。"), field="node")
        if node.level != level:
            raise DomainError(
                _("该角色应绑定到“%(level)s”一级。") % {"level": node.Level(level).label}, field="node"
            )
    if role == "resident":
        if resident is None:
            raise DomainError(_("居民账号必须关联一名登记的居民。"), field="resident")
        if resident.grid_id != node.pk:
            raise DomainError(_("居民账号的网格必须是其住所所在网格。"), field="node")


@transaction.atomic
def grant_role(
    user,
    role,
    *,
    node=None,
    department=None,
    property_company=None,
    unit=None,
    resident=None,
    by=None,
    request=None,
):
    """Give ``user`` a role bound to its scope. 三权分立: an administrator role is exclusive."""
    _check_binding(role, node, department, property_company, unit, resident)
    held = set(user.role_grants.values_list("role", flat=True))
    if role in ADMIN_ROLES and held:
        raise DomainError(_("三权分立：管理员账号不能再持有其他角色。"), field="role")
    if held & set(ADMIN_ROLES):
        raise DomainError(_("三权分立：该账号已是管理员，不能再授予其他角色。"), field="role")
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=user,
                role=role,
                node=node,
                department=department,
                property_company=property_company,
                unit=unit,
                resident=resident,
                granted_by=by,
            )
    except IntegrityError as exc:
        raise DomainError(_("该账号已持有这个角色。"), field="role") from exc
    audit.record(
        AuditEvent.Action.ROLE_GRANT,
        actor=by,
        request=request,
        target=user,
        detail={"role": role, "scope": grant.scope_code()},
    )
    user.__dict__.pop("_grants_cache", None)
    return grant


@transaction.atomic
def revoke_grant(grant, *, by=None, request=None):
    audit.record(
        AuditEvent.Action.ROLE_REVOKE,
        actor=by,
        request=request,
        target=grant.user,
        detail={"role": grant.role, "scope": grant.scope_code()},
    )
    grant.delete()


@transaction.atomic
def issue_api_token(user, *, name="", by=None):
    """Returns the token once; only its digest is kept."""
    token = "sz_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=token[:8], digest=ApiToken.digest_of(token))
    audit.record(AuditEvent.Action.TOKEN_ISSUED, actor=by, target=user, detail={"name": name})
    return token


@transaction.atomic
def revoke_api_token(token_row, *, by=None):
    token_row.revoked = True
    token_row.save(update_fields=["revoked"])
    audit.record(
        AuditEvent.Action.TOKEN_REVOKED, actor=by, target=token_row.user, detail={"prefix": token_row.prefix}
    )


def user_for_token(token):
    """The active user of a valid API key, with its role grants loaded in the same statement (the
    key itself from the per-process cache of ``apikeys``; the account and its grants are read
    on every call, never kept).

    With the connection pool that statement rides on the pool's check of the request's connection
    (``refdata.riding``: one round trip for both, where there were two; a third of an API call's
    round trips). It is sent for the user this process last knew the key to be; the key is then
    checked as always, and the rows are used only if it is still valid and still that user's."""
    guess = apikeys.user_id_guess(token)
    using = RoleGrant.objects.db
    if guess is None or using != DEFAULT_DB_ALIAS:  # the pool check that it rides is the default connection's
        key = apikeys.key_for(token)
        return None if key is None else user_with_grants(key.user_id)
    with refdata.riding(*_GRANTS.statement(guess, using=using)) as rider:
        key = apikeys.key_for(token)  # takes the connection: the pool checks it, the rider rides
    if key is None:
        return None
    return user_with_grants(key.user_id, rows=rider.rows if key.user_id == guess else None)


# The grants of an active user with the account and every object a grant may be bound to: the
# join is written by the ORM once per process and prepared (``core.prepared``); compiling and
# planning it cost ten times what running it does, on every API call.
_GRANTS = prepared.Compiled(
    lambda user_id: RoleGrant.objects.filter(user_id=user_id, user__is_active=True).select_related(
        "user", "node", "department", "property_company", "unit", "resident"
    ),
    0,
)


_GRANT_USER = RoleGrant._meta.get_field("user")


def user_with_grants(user_id, *, rows=None):
    """The active user ``user_id`` with ``grants()`` filled, in one query (two for a user with no
    grant at all), or None. ``rows``: that query's rows, read already (``user_for_token``)."""
    grants = _GRANTS(user_id, using=RoleGrant.objects.db, rows=rows)
    if not grants:
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is not None:
            user._grants_cache = []
        return user
    user = grants[0].user
    for grant in grants[1:]:  # one object, as ``user.role_grants`` would give (same key: no checks)
        _GRANT_USER.set_cached_value(grant, user)
    user._grants_cache = grants
    return user


# --- the security administrator's account controls ---------------------------------------------
# Each takes the reason the administrator gives; it goes into the audit row with the action.


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写操作原因（将记入审计日志）。"), field="reason")
    return reason[:200]


@transaction.atomic
def disable_user(user, *, by, reason, request=None):
    """停用: the account can no longer sign in; its sessions end at their next request (Django's
    backend refuses an inactive user) and its API tokens stop working (``user_for_token``)."""
    reason = _reason(reason)
    if by is not None and user.pk == by.pk:
        raise DomainError(_("不能停用自己的账号，请由另一名安全管理员操作。"), field="user")
    if not user.is_active:
        raise DomainError(_("该账号已是停用状态。"), field="user")
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(
        AuditEvent.Action.USER_DISABLED, actor=by, request=request, target=user, detail={"reason": reason}
    )
    return user


@transaction.atomic
def enable_user(user, *, by, reason, request=None):
    reason = _reason(reason)
    if user.is_active:
        raise DomainError(_("该账号已是正常状态。"), field="user")
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        AuditEvent.Action.USER_ENABLED, actor=by, request=request, target=user, detail={"reason": reason}
    )
    return user


@transaction.atomic
def reset_second_factor(user, *, by, reason, request=None):
    """Remove the account's TOTP devices (a lost phone): the next sign-in is by password alone and
    the owner sets up a new device on the profile page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    reason = _reason(reason)
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    if not removed:
        raise DomainError(_("该账号没有绑定双因素认证设备。"), field="user")
    audit.record(
        AuditEvent.Action.OTP_RESET,
        actor=by,
        request=request,
        target=user,
        detail={"reason": reason, "devices": removed},
    )
    return removed


def is_locked_out(user):
    from axes.models import AccessAttempt
    from django.conf import settings

    limit = getattr(settings, "AXES_FAILURE_LIMIT", 5)
    return AccessAttempt.objects.filter(username=user.username, failures_since_start__gte=limit).exists()


@transaction.atomic
def unlock_user(user, *, by, reason, request=None):
    """Clear the account's failed-login lockout (django-axes) before its cool-off ends."""
    from axes.utils import reset

    reason = _reason(reason)
    cleared = reset(username=user.username)  # axes' own API: whichever handler stores the attempts
    if not cleared:
        raise DomainError(_("该账号没有登录失败记录，无需解除锁定。"), field="user")
    audit.record(
        AuditEvent.Action.UNLOCK,
        actor=by,
        request=request,
        target=user,
        detail={"reason": reason, "attempts": cleared},
    )
    return cleared
