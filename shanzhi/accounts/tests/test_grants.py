"""Role grants and 三权分立, at the service, the database and the page; API tokens."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse

from shanzhi.accounts import services
from shanzhi.accounts.models import ApiToken, RoleGrant
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent


def grants_of(user):
    return sorted(RoleGrant.objects.filter(user=user).values_list("role", flat=True))


# --- 三权分立 in the service ----------------------------------------------------------------------


@pytest.mark.parametrize("second", ["security_admin", "audit_admin"])
def test_an_administrator_cannot_get_a_second_administrator_role(cast, second):
    with pytest.raises(DomainError) as caught:
        services.grant_role(cast.xitong, second, by=cast.anquan)
    assert caught.value.field == "role"
    assert grants_of(cast.xitong) == ["system_admin"]


def test_an_administrator_cannot_also_hold_a_staff_role(cast):
    with pytest.raises(DomainError) as caught:
        services.grant_role(cast.shenji, "grid_worker", node=cast.grid, by=cast.anquan)
    assert caught.value.field == "role"
    assert grants_of(cast.shenji) == ["audit_admin"]


def test_a_staff_account_cannot_become_an_administrator(cast):
    with pytest.raises(DomainError) as caught:
        services.grant_role(cast.wang, "audit_admin", by=cast.anquan)
    assert caught.value.field == "role"
    assert grants_of(cast.wang) == ["grid_worker"]


def test_the_database_refuses_two_administrator_grants_on_one_account(cast):
    RoleGrant.objects.create(user=cast.nobody, role="system_admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=cast.nobody, role="audit_admin")
    assert grants_of(cast.nobody) == ["system_admin"]


def test_a_fresh_account_can_become_one_administrator(cast):
    services.grant_role(cast.nobody, "audit_admin", by=cast.anquan)
    assert grants_of(cast.nobody) == ["audit_admin"]


# --- binding rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,scope,field",
    [
        ("department_handler", {}, "department"),
        ("property_staff", {}, "property_company"),
        ("unit_member", {}, "unit"),
        ("grid_worker", {}, "node"),
        ("resident", {}, "node"),
    ],
)
def test_a_role_without_its_binding_is_refused_naming_the_field(cast, role, scope, field):
    with pytest.raises(DomainError) as caught:
        services.grant_role(cast.nobody, role, by=cast.anquan, **scope)
    assert caught.value.field == field
    assert grants_of(cast.nobody) == []


def test_a_resident_account_without_a_registered_resident_is_refused(cast):
    with pytest.raises(DomainError) as caught:
        services.grant_role(cast.nobody, "resident", node=cast.grid, by=cast.anquan)
    assert caught.value.field == "resident"
    assert grants_of(cast.nobody) == []


def test_a_role_bound_to_the_wrong_level_is_refused(cast):
    with pytest.raises(DomainError) as caught:
        services.grant_role(cast.nobody, "grid_worker", node=cast.community, by=cast.anquan)
    assert caught.value.field == "node"
    assert "网格" in caught.value.message


def test_grant_and_revoke_are_audited(cast):
    grant = services.grant_role(cast.nobody, "grid_worker", node=cast.grid_b, by=cast.anquan)
    services.revoke_grant(grant, by=cast.anquan)
    actions = list(AuditEvent.objects.filter(target_id=str(cast.nobody.pk)).values_list("action", "detail"))
    assert ("role_grant", {"role": "grid_worker", "scope": cast.grid_b.code}) in actions
    assert ("role_revoke", {"role": "grid_worker", "scope": cast.grid_b.code}) in actions


# --- the same rules on the page ----------------------------------------------------------------


def post_grant(client, user, **data):
    return client.post(reverse("accounts:user", args=[user.pk]), data)


def test_security_admin_grants_a_role_on_the_page(login, cast):
    response = post_grant(login(cast.anquan), cast.nobody, role="grid_worker", node=cast.grid_b.pk)
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=cast.nobody)
    assert (grant.role, grant.node, grant.granted_by) == ("grid_worker", cast.grid_b, cast.anquan)


def test_refused_grant_shows_the_reason_on_the_field(login, cast):
    response = post_grant(login(cast.anquan), cast.nobody, role="department_handler")
    assert response.status_code == 200
    form = response.context["form"]
    assert "department" in form.errors
    assert "职能部门" in form.errors["department"][0]
    assert grants_of(cast.nobody) == []


def test_mixing_admin_and_staff_roles_is_refused_on_the_page(login, cast):
    response = post_grant(login(cast.anquan), cast.xitong, role="street_staff", node=cast.street.pk)
    assert response.status_code == 200
    assert "三权分立" in response.content.decode()
    assert grants_of(cast.xitong) == ["system_admin"]


def test_resident_account_is_bound_by_id_number_and_takes_the_home_grid(login, cast):
    response = post_grant(
        login(cast.anquan), cast.nobody, role="resident", resident=cast.resident_b.id_number
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=cast.nobody)
    assert (grant.resident, grant.node) == (cast.resident_b, cast.grid_b)


def test_unknown_id_number_is_refused_on_the_resident_field(login, cast):
    response = post_grant(login(cast.anquan), cast.nobody, role="resident", resident="11010519491231002X")
    assert response.status_code == 200
    assert "resident" in response.context["form"].errors
    assert grants_of(cast.nobody) == []


def test_bad_id_number_is_refused_with_a_clear_message(login, cast):
    response = post_grant(login(cast.anquan), cast.nobody, role="resident", resident="123")
    assert "18 位" in response.context["form"].errors["resident"][0]


def test_security_admin_revokes_a_grant(login, cast):
    grant = cast.wang.role_grants.get()
    response = login(cast.anquan).post(reverse("accounts:grant_revoke", args=[grant.pk]))
    assert response.status_code == 302
    assert grants_of(cast.wang) == []
    assert AuditEvent.objects.filter(action="role_revoke", actor_username="anquan").count() == 1


def test_revoke_needs_post(login, cast):
    grant = cast.wang.role_grants.get()
    assert login(cast.anquan).get(reverse("accounts:grant_revoke", args=[grant.pk])).status_code == 405
    assert grants_of(cast.wang) == ["grid_worker"]


def test_security_admin_cannot_revoke_their_own_role(login, cast):
    grant = cast.anquan.role_grants.get()
    login(cast.anquan).post(reverse("accounts:grant_revoke", args=[grant.pk]))
    assert grants_of(cast.anquan) == ["security_admin"]


def test_revoking_a_missing_grant_is_404(login, cast):
    assert login(cast.anquan).post(reverse("accounts:grant_revoke", args=[999999])).status_code == 404


# --- API tokens ------------------------------------------------------------------------------


def test_issue_api_token_prints_a_token_that_authenticates(cast):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", "wang_grid", "--name", "巡查App", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert token.startswith("sz_")
    assert services.user_for_token(token) == cast.wang
    row = ApiToken.objects.get(user=cast.wang)
    assert row.name == "巡查App"
    assert token not in row.digest  # only the digest is kept
    assert AuditEvent.objects.filter(action="token_issued", target_id=str(cast.wang.pk)).exists()


def test_issued_token_is_accepted_by_the_api(client, cast):
    out = io.StringIO()
    call_command("issue_api_token", "wang_grid", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip()
    url = f"/api/v1/registry/nodes/{cast.grid.code}"
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}x").status_code == 401
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["code"] == cast.grid.code


def test_issue_api_token_for_unknown_or_disabled_account_fails(cast):
    with pytest.raises(CommandError):
        call_command("issue_api_token", "no_such_person", stdout=io.StringIO())
    cast.wang.is_active = False
    cast.wang.save(update_fields=["is_active"])
    with pytest.raises(CommandError):
        call_command("issue_api_token", "wang_grid", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_revoked_token_no_longer_authenticates(cast):
    from django.core.management import call_command

    from shanzhi.accounts.services import issue_api_token, user_for_token

    token = issue_api_token(cast.wang)
    assert user_for_token(token) == cast.wang
    call_command("revoke_api_token", cast.wang.username)
    assert user_for_token(token) is None
    from shanzhi.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="token_revoked", target_id=str(cast.wang.pk)).count() == 1
