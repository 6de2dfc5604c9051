"""Companies: the credit code's check character (GB 32100-2015), the profile, contacts (phone
encrypted and masked), contracts (exact decimal fees) and who may touch which company."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from shanzhi.core.errors import DomainError
from shanzhi.core.masking import mask_phone
from shanzhi.core.validators import clean_credit_code, credit_code_check_char
from shanzhi.registry.models import PropertyCompany

from .. import services
from ..models import CompanyContact, CompanyProfile, ServiceContract
from .conftest import VALID_CODE

pytestmark = pytest.mark.django_db


def test_the_credit_code_check_character():
    # Weights 3^(i−1) mod 31 over the first 17; C18 = 31 − (Σ mod 31), 31 written as 0.
    assert credit_code_check_char(VALID_CODE[:17]) == "Q"
    assert clean_credit_code(" 91110108551385082q ") == VALID_CODE
    for bad, why in [
        ("91110108551385082A", "校验位"),
        ("9111010855138508", "18"),
        ("91110108551385O82Q", "18"),  # the letter O is not in the code's alphabet
    ]:
        with pytest.raises(DomainError) as exc:
            clean_credit_code(bad)
        assert exc.value.field == "credit_code" and why in str(exc.value.message)


def test_a_sum_that_is_a_multiple_of_31_has_check_character_0():
    # Σ = 31 − … : a body whose weighted sum is ≡ 0 mod 31 gets 31, written 0.
    assert credit_code_check_char("0" * 17) == "0"


def test_update_company_refusals_write_nothing(red):
    c = red.cast
    for kwargs, field in [
        ({"credit_code": "91110108551385082A"}, "credit_code"),
        ({"credit_code": VALID_CODE, "party_org": 999999}, "party_org"),
        ({"credit_code": VALID_CODE, "licence_no": "x" * 41}, "licence_no"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.update_company(c.company, by=c.sun, **kwargs)
        assert exc.value.field == field
    c.company.refresh_from_db()
    assert c.company.credit_code == "" and not CompanyProfile.objects.exists()


def test_profile_party_coverage_and_duplicate_code(red):
    c = red.cast
    profile = services.update_company(
        c.company, credit_code=VALID_CODE, licence_no="370402000012345", party_org=c.party_branch, by=c.liu
    )
    assert profile.has_branch and PropertyCompany.objects.get(pk=c.company.pk).credit_code == VALID_CODE
    member = c.party_branch.members.get()
    services.set_party_members(c.company, [member], by=c.liu)
    assert list(profile.party_members.all()) == [member]
    with pytest.raises(DomainError) as exc:
        services.update_company(c.company2, credit_code=VALID_CODE, by=c.sun)
    assert exc.value.field == "credit_code"


def test_contact_phone_is_encrypted_and_masked(red):
    c = red.cast
    contact = services.add_contact(c.company, name="王经理", title="项目经理", phone="13912345678", by=c.sun)
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM property_companycontact WHERE id = %s", [contact.pk])
        raw = cur.fetchone()[0]
    assert "13912345678" not in raw
    assert CompanyContact.objects.get().phone == "13912345678"
    assert mask_phone(contact.phone) == "139****5678"
    with pytest.raises(DomainError) as exc:
        services.add_contact(c.company, name="李", phone="12345", by=c.sun)
    assert exc.value.field == "phone"


def test_contract_fee_is_an_exact_decimal_and_refusals_name_the_field(red):
    c = red.cast
    contract = services.add_contract(
        c.company,
        c.compound,
        starts_on="2026-01-01",
        ends_on="2028-12-31",
        fee_per_m2="1.35",
        level="2",
        by=c.liu,
    )
    assert str(contract.fee_per_m2) == "1.35"
    base = {"starts_on": "2026-01-01", "ends_on": "2026-12-31", "fee_per_m2": "1.20", "level": "1"}
    for change, field in [
        ({"fee_per_m2": "1.205"}, "fee_per_m2"),
        ({"fee_per_m2": 1.2}, "fee_per_m2"),  # a float is refused: fees are exact decimals
        ({"fee_per_m2": "0"}, "fee_per_m2"),
        ({"fee_per_m2": "NaN"}, "fee_per_m2"),
        ({"ends_on": "2025-12-31"}, "ends_on"),
        ({"starts_on": "2026-13-01"}, "starts_on"),
        ({"level": "9"}, "level"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.add_contract(c.company, c.compound_b, by=c.liu, **{**base, **change})
        assert exc.value.field == field, change
    # Another company's contract over the same months of 幸福小区 overlaps.
    with pytest.raises(DomainError) as exc:
        services.add_contract(c.company2, c.compound, by=c.sun, **base)
    assert exc.value.field == "starts_on"
    # 刘街道 (东街道) cannot reach 西苑小区 (西街道): it reads as unknown.
    with pytest.raises(DomainError) as exc:
        services.add_contract(c.company, c.compound_c, by=c.liu, **base)
    assert exc.value.field == "compound"
    assert ServiceContract.objects.count() == 1


def test_who_may_keep_a_company(red):
    c = red.cast
    with pytest.raises(Http404):  # 周街道 (西街道) does not see 安居物业 (it serves 东街道)
        services.add_contact(c.company, name="王", by=c.zhou)
    with pytest.raises(PermissionDenied):  # the company's own staff see it, and may not keep it
        services.add_contact(c.company, name="王", by=c.feng)
    with pytest.raises(Http404):  # nor see another company
        services.add_contact(c.company2, name="王", by=c.feng)
    assert not CompanyContact.objects.exists()
