import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent

from .models import ADMIN_ROLES, ROLE_LEVEL, ApiToken, RoleGrant, User


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
def grant_role(user, role, *, node=None, department=None, property_company=None, unit=None, resident=None,
               by=None, request=None):
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
                user=user, role=role, node=node, department=department, property_company=property_company,
                unit=unit, resident=resident, granted_by=by,
            )
    except IntegrityError as exc:
        raise DomainError(_("该账号已持有这个角色。"), field="role") from exc
    audit.record(
        AuditEvent.Action.ROLE_GRANT, actor=by, request=request, target=user,
        detail={"role": role, "scope": grant.scope_code()},
    )
    user.__dict__.pop("_grants_cache", None)
    return grant


@transaction.atomic
def revoke_grant(grant, *, by=None, request=None):
    audit.record(
        AuditEvent.Action.ROLE_REVOKE, actor=by, request=request, target=grant.user,
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
    audit.record(AuditEvent.Action.TOKEN_REVOKED, actor=by, target=token_row.user, detail={"prefix": token_row.prefix})


def user_for_token(token):
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(token), revoked=False, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
