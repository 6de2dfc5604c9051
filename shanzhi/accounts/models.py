import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models, router
from django.utils.translation import gettext_lazy as _

from shanzhi.core import prepared


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民")
    GRID_WORKER = "grid_worker", _("网格员")
    COMMUNITY_STAFF = "community_staff", _("社区工作者")
    COMMUNITY_SECRETARY = "community_secretary", _("社区书记(网格长)")
    STREET_STAFF = "street_staff", _("街道工作人员")
    DISTRICT_STAFF = "district_staff", _("区级工作人员")
    DISTRICT_LEADER = "district_leader", _("区级领导")
    DEPARTMENT_HANDLER = "department_handler", _("部门经办人")
    PROPERTY_STAFF = "property_staff", _("物业企业人员")
    UNIT_MEMBER = "unit_member", _("驻区单位/在职党员")
    VOLUNTEER = "volunteer", _("志愿者")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)

# Which org level a role is bound to; roles bound to something else name it here.
ROLE_LEVEL = {
    Role.RESIDENT: "grid",
    Role.GRID_WORKER: "grid",
    Role.COMMUNITY_STAFF: "community",
    Role.COMMUNITY_SECRETARY: "community",
    Role.STREET_STAFF: "street",
    Role.DISTRICT_STAFF: "district",
    Role.DISTRICT_LEADER: "district",
    Role.VOLUNTEER: "community",
    Role.DEPARTMENT_HANDLER: "department",
    Role.PROPERTY_STAFF: "property_company",
    Role.UNIT_MEMBER: "unit",
}


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.username

    def grants(self):
        """The user's role grants, loaded once per request object (never across requests)."""
        if not hasattr(self, "_grants_cache"):
            grants = _GRANTS_OF(self.pk, using=router.db_for_read(RoleGrant, instance=self))
            for grant in grants:
                grant.user = self  # as ``self.role_grants`` gives them
            self._grants_cache = grants
        return self._grants_cache

    def primary_grant(self):
        grants = self.grants()
        return grants[0] if grants else None

    def roles(self):
        return {g.role for g in self.grants()}


class RoleGrant(models.Model):
    """A role held by a user, bound to a node of the org tree (or a department/company/unit).

    三权分立: a partial unique index lets an account hold at most one administrator role;
    the service refuses to mix an administrator role with any other.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    node = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="role_grants"
    )
    department = models.ForeignKey(
        "registry.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="role_grants"
    )
    property_company = models.ForeignKey(
        "registry.PropertyCompany",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_grants",
    )
    unit = models.ForeignKey(
        "registry.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="role_grants"
    )
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="role_grants"
    )
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role__in=[r.value for r in ADMIN_ROLES]),
                name="one_admin_role_per_account",
            ),
            models.UniqueConstraint(fields=["user", "role", "node"], name="grant_unique_role_node"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} @ {self.scope_label()}"

    def scope_label(self):
        target = self.node or self.department or self.property_company or self.unit
        return str(target) if target else _("全系统")

    def scope_code(self):
        if self.node_id:
            return self.node.code
        if self.department_id:
            return f"dept:{self.department_id}"
        if self.property_company_id:
            return f"pc:{self.property_company_id}"
        if self.unit_id:
            return f"unit:{self.unit_id}"
        return ""


# A user's grants with the objects each is bound to, for ``User.grants()`` on every page a
# signed-in user opens: the six-table join's SQL is written by the ORM once per process
# (``core.prepared``), where compiling it each time (its ordering expressions hashed through
# ``inspect``) cost more than the rest of a 404 page. The API's ``user_with_grants`` has its own.
_GRANTS_OF = prepared.Compiled(
    lambda user_id: RoleGrant.objects.filter(user_id=user_id).select_related(
        "node", "department", "property_company", "unit", "resident"
    ),
    0,
)


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(token):
        return hashlib.sha256(token.encode()).hexdigest()
