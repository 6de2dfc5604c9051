"""Forms for signing in, one's own account, and the security administrator's pages.

Forms parse and validate input; every write goes through ``accounts.services``.
"""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shanzhi.core import crypto
from shanzhi.core.errors import DomainError
from shanzhi.core.forms import BootstrapMixin
from shanzhi.core.validators import clean_id_number

from .models import Role, RoleGrant, User

# Guessable names attackers try first (等保: no default or shared accounts).
RESERVED_USERNAMES = {"admin", "administrator", "root", "test", "guest", "user", "system", "sa"}


def add_domain_error(form, exc):
    """Show a service's refusal on the field it names (or on the form when it names none)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


class LoginForm(BootstrapMixin, auth_forms.AuthenticationForm):
    # One message for unknown user, wrong password and disabled account: nobody learns which.
    error_messages = {
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("用户名或密码不正确。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["password"].label = _("密码")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class OtpTokenForm(BootstrapMixin, forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
        help_text=_("打开手机上的验证器应用，输入当前显示的 6 位数字。"),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise ValidationError(_("动态验证码只包含数字。"))
        return token


class PasswordChangeForm(BootstrapMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("原密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("再次输入新密码")


class CreateUserForm(BootstrapMixin, forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("登录用，字母、数字和 @/./+/-/_，不超过 150 个字符。"),
    )
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    password1 = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("再次输入初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if username.lower() in RESERVED_USERNAMES:
            raise ValidationError(_("“%(u)s”容易被猜到，不能用作用户名，请换一个。") % {"u": username})
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif first:
            candidate = User(
                username=cleaned.get("username", ""), display_name=cleaned.get("display_name", "")
            )
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class NodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, node):
        return f"{node.get_level_display()} · {node.name}（{node.code}）"


def _bound_to(name):
    """The model a grant's ``name`` binding points at, read from RoleGrant's foreign key: the
    places and organisations belong to a higher layer, which this module does not import."""
    return RoleGrant._meta.get_field(name).related_model


class GrantForm(BootstrapMixin, forms.Form):
    """A role and what it is bound to. The service decides which binding each role needs.

    The security administrator binds accounts across the whole system, so the choices here
    are every node, department, company and unit, not a scoped subset.
    """

    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    node = NodeChoiceField(
        label=_("组织节点"),
        queryset=None,
        required=False,
        help_text=_("网格员、社区、街道、区级角色必选；居民账号可留空，自动取其住所所在网格。"),
    )
    department = forms.ModelChoiceField(label=_("职能部门"), queryset=None, required=False)
    property_company = forms.ModelChoiceField(label=_("物业企业"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=_("驻区单位"), queryset=None, required=False)
    resident = forms.CharField(
        label=_("居民身份证号"),
        required=False,
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("只在授予“居民”角色时填写；按加密索引精确匹配登记的居民，不显示其信息。"),
    )

    ORDER = {"node": "path", "department": "name", "property_company": "name", "unit": "name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, order in self.ORDER.items():
            self.fields[name].queryset = _bound_to(name).objects.order_by(order)

    def clean_resident(self):
        value = self.cleaned_data["resident"].strip()
        if not value:
            return None
        try:
            number = clean_id_number(value, field="resident")
        except DomainError as exc:
            raise ValidationError(str(exc.message)) from exc
        # Exact match on the blind index: the administrator learns only that the person is registered.
        resident = _bound_to("resident").objects.filter(id_number_index=crypto.blind_index(number)).first()
        if resident is None:
            raise ValidationError(_("没有找到这个身份证号对应的登记居民，请先在社区登记。"))
        return resident

    def clean(self):
        cleaned = super().clean()
        resident = cleaned.get("resident")
        if cleaned.get("role") == Role.RESIDENT and resident is not None and cleaned.get("node") is None:
            cleaned["node"] = resident.grid
        return cleaned

    def binding(self):
        """Keyword arguments for ``services.grant_role``."""
        keys = ("node", "department", "property_company", "unit", "resident")
        return {"role": self.cleaned_data["role"], **{k: self.cleaned_data.get(k) for k in keys}}
