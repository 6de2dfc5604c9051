from django.db import migrations

TAGS = [
    ("elderly_alone", "独居老人", False),
    ("elderly", "高龄老人", False),
    ("disabled", "残疾人", True),
    ("low_income", "低保户", True),
    ("veteran", "退役军人", False),
    ("party_member", "党员", False),
    ("left_behind_child", "留守儿童", True),
    ("serious_illness", "大病患者", True),
    ("special_care", "特殊关爱对象", True),
]


def add_tags(apps, schema_editor):
    CareTag = apps.get_model("registry", "CareTag")
    for code, name, sensitive in TAGS:
        CareTag.objects.update_or_create(code=code, defaults={"name": name, "sensitive": sensitive})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
