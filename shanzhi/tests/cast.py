"""The test cast, built through the services exactly as the product builds its data.

District 示范区 (370402)
├── 东街道 (370402001)                         ├── 西街道 (370402002)
│   ├── 东一社区 A (…001001) grids A1, A2     │   └── 西一社区 C (…002001) grid C1
│   └── 东二社区 B (…001002) grid B1
Grid A1 is 王网格's; A2 is 李网格's. One resident household in each grid.
"""

import importlib
import types

from faker import Faker

from shanzhi.accounts import services as accounts
from shanzhi.registry import services as registry
from shanzhi.registry.models import CareTag


def square(lng, lat, size=0.004):
    return {
        "type": "Polygon",
        "coordinates": [
            [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
        ],
    }


def ensure_reference_data():
    """Rows that data migrations create: a transactional test's flush empties them for the next test."""
    tags = importlib.import_module("shanzhi.registry.migrations.0002_care_tags").TAGS
    if CareTag.objects.count() < len(tags):
        for code, name, sensitive in tags:
            CareTag.objects.update_or_create(code=code, defaults={"name": name, "sensitive": sensitive})


def build_cast(password):
    ensure_reference_data()
    fake = Faker("zh_CN")
    fake.seed_instance(2026)
    c = types.SimpleNamespace(password=password)

    c.district = registry.create_node(level="district", code="370402", name="示范区")
    c.street = registry.create_node(level="street", code="370402001", name="东街道", parent=c.district)
    c.street2 = registry.create_node(level="street", code="370402002", name="西街道", parent=c.district)
    c.community = registry.create_node(
        level="community", code="370402001001", name="东一社区", parent=c.street
    )
    c.community_b = registry.create_node(
        level="community", code="370402001002", name="东二社区", parent=c.street
    )
    c.community_c = registry.create_node(
        level="community", code="370402002001", name="西一社区", parent=c.street2
    )
    c.grid = registry.create_node(
        level="grid",
        code="370402001001001",
        name="东一第一网格",
        parent=c.community,
        boundary=square(117.550, 34.860),
    )
    c.grid2 = registry.create_node(
        level="grid",
        code="370402001001002",
        name="东一第二网格",
        parent=c.community,
        boundary=square(117.554, 34.860),
    )
    c.grid_b = registry.create_node(
        level="grid",
        code="370402001002001",
        name="东二第一网格",
        parent=c.community_b,
        boundary=square(117.550, 34.864),
    )
    c.grid_c = registry.create_node(
        level="grid",
        code="370402002001001",
        name="西一第一网格",
        parent=c.community_c,
        boundary=square(117.540, 34.860),
    )

    c.company = registry.create_property_company(
        name="安居物业", district=c.district, contact_phone="13800000001"
    )
    c.company2 = registry.create_property_company(name="宜家物业", district=c.district)
    c.compound = registry.create_compound(community=c.community, name="幸福小区", property_company=c.company)
    c.compound_b = registry.create_compound(
        community=c.community_b, name="和谐小区", property_company=c.company2
    )
    c.compound_c = registry.create_compound(community=c.community_c, name="西苑小区")
    c.building = registry.create_building(
        compound=c.compound, grid=c.grid, name="1号楼", lng=117.551, lat=34.861
    )
    c.building2 = registry.create_building(
        compound=c.compound, grid=c.grid2, name="2号楼", lng=117.555, lat=34.861
    )
    c.building_b = registry.create_building(
        compound=c.compound_b, grid=c.grid_b, name="1号楼", lng=117.551, lat=34.865
    )
    c.building_c = registry.create_building(
        compound=c.compound_c, grid=c.grid_c, name="1号楼", lng=117.541, lat=34.861
    )

    def household_with_resident(building, room, tags=()):
        hh = registry.create_household(building=building, unit_no="1单元", room=room)
        person = registry.register_resident(
            household=hh,
            name=fake.name(),
            id_number=fake.ssn(),
            phone=fake.phone_number(),
            relation="户主",
            tags=tags,
        )
        return hh, person

    c.household, c.resident = household_with_resident(c.building, "101", tags=("elderly_alone",))
    c.household2, c.resident2 = household_with_resident(c.building2, "201", tags=("disabled",))
    c.household_b, c.resident_b = household_with_resident(c.building_b, "301")
    c.household_c, c.resident_c = household_with_resident(c.building_c, "401")

    c.department = registry.create_department(district=c.district, name="区城管局")
    c.department2 = registry.create_department(district=c.district, name="区住建局")
    c.unit = registry.register_unit(
        community=c.community, name="区人民医院", kind="hospital", contact_phone="13900000002"
    )
    c.unit_c = registry.register_unit(community=c.community_c, name="区第二中学", kind="school")
    c.party_committee = registry.create_party_org(
        name="东一社区党委", level="committee", kind="geo", node=c.community
    )
    c.party_branch = registry.create_party_org(
        name="幸福小区党支部", level="branch", kind="geo", node=c.community, parent=c.party_committee
    )
    registry.add_party_member(party_org=c.party_branch, resident=c.resident)

    def user(username, display, role, **scope):
        u = accounts.create_user(username=username, password=password, display_name=display)
        accounts.grant_role(u, role, **scope)
        return u

    c.wang = user("wang_grid", "王网格", "grid_worker", node=c.grid)
    c.li = user("li_grid", "李网格", "grid_worker", node=c.grid2)
    c.zhang = user("zhang_comm", "张社区", "community_staff", node=c.community)
    c.zhao = user("zhao_sec", "赵书记", "community_secretary", node=c.community)
    c.chen = user("chen_comm", "陈社区", "community_staff", node=c.community_b)
    c.liu = user("liu_street", "刘街道", "street_staff", node=c.street)
    c.zhou = user("zhou_street", "周街道", "street_staff", node=c.street2)
    c.sun = user("sun_district", "孙区", "district_staff", node=c.district)
    c.wu = user("wu_leader", "吴区长", "district_leader", node=c.district)
    c.zheng = user("zheng_dept", "郑部门", "department_handler", department=c.department)
    c.feng = user("feng_property", "冯物业", "property_staff", property_company=c.company)
    c.he = user("he_unit", "何单位", "unit_member", unit=c.unit)
    c.ma = user("ma_volunteer", "马志愿", "volunteer", node=c.community)
    c.jumin = user("jumin_a", "居民甲", "resident", node=c.grid, resident=c.resident)
    c.xitong = user("xitong", "系统管理员", "system_admin")
    c.anquan = user("anquan", "安全管理员", "security_admin")
    c.shenji = user("shenji", "审计管理员", "audit_admin")
    c.nobody = accounts.create_user(username="nobody", password=password, display_name="无角色")
    return c
