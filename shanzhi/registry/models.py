"""The one network (一张网): the org tree and everything registered on it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shanzhi.core.fields import EncryptedTextField


class OrgNode(models.Model):
    """District (区) → street (街道) → community (社区) → grid (网格).

    ``path`` is the chain of codes from the district down ("110105/110105001/…/"), so "this
    node and everything under it" is one indexed prefix match on any database.
    """

    class Level(models.TextChoices):
        DISTRICT = "district", _("区")
        STREET = "street", _("街道")
        COMMUNITY = "community", _("社区")
        GRID = "grid", _("网格")

    CHILD_LEVEL = {"district": "street", "street": "community", "community": "grid"}
    CODE_LENGTH = {"district": 6, "street": 9, "community": 12, "grid": 15}

    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("编码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    path = models.CharField(max_length=80, unique=True, editable=False)
    boundary = models.JSONField(_("边界"), null=True, blank=True, help_text="GeoJSON Polygon (grids)")
    centroid_lng = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    # Retired, never deleted: appeals, imports and the audit trail keep pointing at it.
    retired_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("组织节点")
        verbose_name_plural = _("组织节点")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="district", parent__isnull=True)
                | (~models.Q(level="district") & models.Q(parent__isnull=False)),
                name="orgnode_only_district_is_root",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_grid(self):
        return self.level == self.Level.GRID

    def get_child_level_display(self):
        child = self.CHILD_LEVEL.get(self.level)
        return self.Level(child).label if child else ""

    def ancestors(self):
        codes = [c for c in self.path.split("/") if c and c != self.code]
        return list(OrgNode.objects.filter(code__in=codes).order_by("path"))


class CareTag(models.Model):
    """Tags that matter for care work (独居老人, 残疾人, 低保, 退役军人, 党员 …)."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32)
    sensitive = models.BooleanField(
        _("敏感"), default=False, help_text="特定身份 under PIPL: shown only to staff of the resident's scope"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("关爱标签")
        verbose_name_plural = _("关爱标签")

    def __str__(self):
        return self.name


class PropertyCompany(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    district = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("物业企业")
        verbose_name_plural = _("物业企业")

    def __str__(self):
        return self.name


class Compound(models.Model):
    """小区. Belongs to one community; its buildings may lie in different grids."""

    community = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="compounds")
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    property_company = models.ForeignKey(
        PropertyCompany, null=True, blank=True, on_delete=models.SET_NULL, related_name="compounds"
    )
    retired_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="compound_unique_name")]

    def __str__(self):
        return self.name


class Building(models.Model):
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="buildings")
    grid = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("楼栋"), max_length=50)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    retired_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["compound__name", "name"]
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        constraints = [models.UniqueConstraint(fields=["compound", "name"], name="building_unique_name")]

    def __str__(self):
        return f"{self.compound.name}{self.name}"


class Household(models.Model):
    """户. ``grid`` repeats the building's grid so that scope filters need no join."""

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="households")
    grid = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="households")
    unit_no = models.CharField(_("单元"), max_length=20, blank=True)
    room = models.CharField(_("房号"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["building_id", "unit_no", "room"]
        verbose_name = _("户")
        verbose_name_plural = _("户")
        constraints = [
            models.UniqueConstraint(fields=["building", "unit_no", "room"], name="household_unique_room")
        ]

    def __str__(self):
        return f"{self.building} {self.unit_no}{self.room}"

    @property
    def address(self):
        return f"{self.building.compound.name}{self.building.name}{self.unit_no}{self.room}"


class Resident(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="residents")
    grid = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="residents")
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=20, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = EncryptedTextField(_("身份证号"))
    id_number_index = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedTextField(_("手机号"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    relation = models.CharField(_("与户主关系"), max_length=20, blank=True)
    tags = models.ManyToManyField(CareTag, blank=True, related_name="residents", verbose_name=_("标签"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["household_id", "id"]
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        indexes = [models.Index(fields=["grid", "name"])]

    def __str__(self):
        return self.name


class NetworkPost(models.Model):
    """The four-level offline network below the grid: 片区长, 楼栋长, 中心户长."""

    class Kind(models.TextChoices):
        AREA_CHIEF = "area_chief", _("片区长")
        BUILDING_HEAD = "building_head", _("楼栋长")
        CENTRAL_HOUSEHOLD_HEAD = "central_household_head", _("中心户长")

    kind = models.CharField(_("岗位"), max_length=32, choices=Kind.choices)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="network_posts")
    grid = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="network_posts")
    buildings = models.ManyToManyField(Building, blank=True, related_name="network_posts")
    households = models.ManyToManyField(Household, blank=True, related_name="network_posts")

    class Meta:
        verbose_name = _("网格岗位")
        verbose_name_plural = _("网格岗位")

    def __str__(self):
        return f"{self.get_kind_display()} {self.resident.name}"


class Unit(models.Model):
    """驻区单位: a unit located in (and serving) a community."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("机关")
        INSTITUTION = "institution", _("事业单位")
        ENTERPRISE = "enterprise", _("企业")
        SOCIAL = "social", _("社会组织")
        SCHOOL = "school", _("学校")
        HOSPITAL = "hospital", _("医院")

    community = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("驻区单位")
        verbose_name_plural = _("驻区单位")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="unit_unique_name")]

    def __str__(self):
        return self.name


class Department(models.Model):
    """职能部门 of the district (police, urban management, housing …): handlers are bound to one."""

    district = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="department_unique_name")]

    def __str__(self):
        return self.name


class PartyOrg(models.Model):
    class Level(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")
        GROUP = "group", _("党小组")

    class Kind(models.TextChoices):
        GEO = "geo", _("地缘")
        INTEREST = "interest", _("志缘")
        HOBBY = "hobby", _("趣缘")
        WORK = "work", _("业缘")
        FUNCTIONAL = "functional", _("功能型")
        INDUSTRY = "industry", _("行业型")
        ONLINE = "online", _("网络")

    ALLOWED_PARENT = {
        "committee": {None, "committee"},
        "general_branch": {"committee"},
        "branch": {"committee", "general_branch"},
        "group": {"branch"},
    }

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.GEO)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="party_orgs")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="party_orgs"
    )

    class Meta:
        ordering = ["node__code", "id"]
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")

    def __str__(self):
        return self.name


class PartyMember(models.Model):
    party_org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="members")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="party_memberships")
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    in_service = models.BooleanField(_("在职党员"), default=False)
    workplace = models.CharField(_("工作单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        constraints = [models.UniqueConstraint(fields=["party_org", "resident"], name="party_member_unique")]

    def __str__(self):
        return self.resident.name


class ImportJob(models.Model):
    """One roster file, validated and imported by a background task; the page polls progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        IMPORTING = "importing", _("导入中")
        DONE = "done", _("已完成")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("失败")

    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    scope = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")

    def __str__(self):
        return self.original_name

    @property
    def percent(self):
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
