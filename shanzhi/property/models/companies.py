"""Property companies as red property sees them: the registry's ``PropertyCompany`` (name, credit
code, main contact, district) extended with its licence, contacts, party coverage, contracts with
compounds and evaluation-side facts. Nothing here duplicates a registry column."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shanzhi.core.fields import EncryptedTextField
from shanzhi.registry.models import Compound, PartyMember, PartyOrg, PropertyCompany


class CompanyProfile(models.Model):
    company = models.OneToOneField(PropertyCompany, on_delete=models.CASCADE, related_name="profile")
    licence_no = models.CharField(_("营业执照注册号"), max_length=40, blank=True)
    # 党组织覆盖: the company's own branch (a registry party organisation), if it has one.
    party_org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("党组织")
    )
    # The party members who work at the company (registry memberships, so a person is one record).
    party_members = models.ManyToManyField(PartyMember, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("物业企业档案")
        verbose_name_plural = _("物业企业档案")

    def __str__(self):
        return str(self.company)

    @property
    def has_branch(self):
        return self.party_org_id is not None


class CompanyContact(models.Model):
    company = models.ForeignKey(PropertyCompany, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)  # shown masked (core.masking)

    class Meta:
        ordering = ["id"]
        verbose_name = _("企业联系人")
        verbose_name_plural = _("企业联系人")

    def __str__(self):
        return self.name


class ServiceContract(models.Model):
    class Level(models.TextChoices):
        # 物业服务等级 (the provincial residential property service standards' grades one to four)
        ONE = "1", _("一级")
        TWO = "2", _("二级")
        THREE = "3", _("三级")
        FOUR = "4", _("四级")

    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="contracts")
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="contracts")
    starts_on = models.DateField(_("合同开始"))
    ends_on = models.DateField(_("合同截止"))
    fee_per_m2 = models.DecimalField(_("物业费标准（元/㎡·月）"), max_digits=6, decimal_places=2)
    level = models.CharField(_("服务等级"), max_length=2, choices=Level.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("物业服务合同")
        verbose_name_plural = _("物业服务合同")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contract_period"),
            models.CheckConstraint(condition=Q(fee_per_m2__gt=0), name="contract_fee_positive"),
        ]

    def __str__(self):
        return f"{self.company} · {self.compound}"
