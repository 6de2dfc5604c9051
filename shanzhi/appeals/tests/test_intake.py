"""Intake: channels, place → grid, idempotency, photos, the nearby hint."""

import io
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from PIL import Image

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, AppealPhoto, Category, Notification
from shanzhi.core.crypto import blind_index
from shanzhi.core.errors import DomainError

from .conftest import IN_A1, IN_A2, jpeg_with_gps, make_category, png_bytes

C = Appeal.Channel


def test_the_point_decides_the_grid(cast, file_appeal):
    a = file_appeal(lng=IN_A2[0], lat=IN_A2[1])
    assert (a.grid, a.community, a.path) == (cast.grid2, cast.community, cast.grid2.path)
    assert a.level == "grid"  # the category's default handler is the grid


def test_the_building_decides_the_grid_and_the_place(cast, file_appeal):
    a = file_appeal(building=cast.building_b)
    assert a.grid == cast.grid_b and (a.lng, a.lat) == (cast.building_b.lng, cast.building_b.lat)


def test_a_point_outside_every_grid_needs_a_community(cast, file_appeal):
    with pytest.raises(DomainError) as err:
        file_appeal(lng=118.0, lat=35.0)
    assert err.value.field == "location"
    assert not Appeal.objects.exists()
    a = file_appeal(lng=118.0, lat=35.0, node=cast.community)
    assert a.grid is None and a.community == cast.community and a.level == "community"


def test_the_category_decides_the_level(cast, file_appeal, cats):
    assert file_appeal(category=cats.parking).level == "community"


def test_resident_contact_defaults_to_their_registration_and_phone_is_encrypted(cast, file_appeal):
    a = file_appeal()
    assert a.contact_name == cast.resident.name and a.contact_phone == cast.resident.phone
    assert a.contact_phone_index == blind_index(cast.resident.phone)
    with connection.cursor() as cur:
        cur.execute("SELECT contact_phone FROM appeals_appeal WHERE id = %s", [a.pk])
        raw = cur.fetchone()[0]
    assert cast.resident.phone not in raw


def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(cast, file_appeal, cats):
    for kw, field in [
        ({"title": ""}, "title"),
        ({"description": " "}, "description"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"lng": 500, "lat": 1}, "location"),
    ]:
        with pytest.raises(DomainError) as err:
            file_appeal(**kw)
        assert err.value.field == field
    cats.noise.active = False
    cats.noise.save()
    with pytest.raises(DomainError):
        file_appeal(category=cats.noise)
    assert not Appeal.objects.exists()


def test_channels_follow_the_role(cast, file_appeal):
    with pytest.raises(PermissionDenied):
        file_appeal(channel=C.PATROL)  # a resident does not patrol
    a = file_appeal(by=cast.wang, channel=C.PATROL, contact_name="")
    assert a.submitter is None and a.entered_by == cast.wang
    with pytest.raises(DomainError):  # 王网格 reports only in his own grid
        file_appeal(by=cast.wang, channel=C.PATROL, lng=IN_A2[0], lat=IN_A2[1])
    with pytest.raises(DomainError):  # Open311 without a client key
        file_appeal(by=None, channel=C.OPEN311)
    assert file_appeal(by=None, client="open311:城市APP", channel=C.OPEN311).channel == C.OPEN311


def test_property_staff_file_complaints_for_their_own_compounds(cast, file_appeal, cats):
    a = file_appeal(by=cast.feng, channel=C.PROPERTY, building=cast.building, category=cats.property)
    assert a.entered_by == cast.feng and a.grid == cast.grid
    with pytest.raises(DomainError):
        file_appeal(by=cast.feng, channel=C.PROPERTY, building=cast.building_b, category=cats.property)


def test_staff_are_told_a_new_appeal_waits(cast, file_appeal):
    a = file_appeal()
    assert set(Notification.objects.filter(kind="submitted", appeal=a).values_list("user", flat=True)) == {
        cast.zhang.pk,
        cast.zhao.pk,
    }
    assert Notification.objects.filter(kind="received", user=cast.jumin).exists()


# --- idempotency ---------------------------------------------------------------------------------


def test_a_retried_submission_returns_the_same_appeal(cast, file_appeal):
    first = file_appeal(idempotency_key="phone-retry-1")
    again = file_appeal(idempotency_key="phone-retry-1")
    assert again.pk == first.pk and again.is_replay and not first.is_replay
    assert Appeal.objects.count() == 1
    assert first.events.count() == 1


def test_the_same_key_with_different_content_is_refused(cast, file_appeal):
    file_appeal(idempotency_key="k")
    with pytest.raises(DomainError) as err:
        file_appeal(idempotency_key="k", title="完全不同的问题")
    assert err.value.code == "idempotency_mismatch"
    assert Appeal.objects.count() == 1


def test_a_retry_is_answered_even_if_it_would_be_refused_now(cast, file_appeal, cats):
    # The key is looked up when a check refuses the submission, not before every intake: a retry
    # after its category was retired still gets its appeal, and different content is still refused.
    first = file_appeal(idempotency_key="k-retired")
    Category.objects.filter(pk=cats.neighbour_noise.pk).update(active=False)
    retired = Category.objects.get(pk=cats.neighbour_noise.pk)
    again = file_appeal(idempotency_key="k-retired", category=retired)
    assert again.pk == first.pk and again.is_replay
    with pytest.raises(DomainError) as err:
        file_appeal(idempotency_key="k-retired", category=retired, title="另一件事")
    assert err.value.code == "idempotency_mismatch"
    with pytest.raises(DomainError) as err:
        file_appeal(idempotency_key="k-new", category=retired)
    assert err.value.field == "category"
    assert Appeal.objects.count() == 1 and first.events.count() == 1


def test_keys_are_per_submitter(cast, file_appeal):
    file_appeal(idempotency_key="k")
    file_appeal(idempotency_key="k", by=cast.wang, channel=C.PATROL)
    assert Appeal.objects.count() == 2


def test_numbers_count_up_per_day(cast, file_appeal):
    a, b = file_appeal(), file_appeal(title="另一件事")
    assert int(b.number[-6:]) == int(a.number[-6:]) + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("tasks_in_database", [False, True], ids=["transaction", "one-statement"])
def test_concurrent_retries_create_exactly_one_appeal(cast, settings, tasks_in_database):
    # With the tasks in the database an intake is one statement (numbering.insert_whole), its
    # task row included: the race must leave one appeal and one task row.
    if tasks_in_database:
        settings.TASKS = {"default": {"BACKEND": "shanzhi.core.taskrows.DatabaseBackend"}}
    category = make_category("TC01", "并发测试")
    barrier = threading.Barrier(8)
    results, errors = [], []

    def retry():
        try:
            barrier.wait()
            results.append(
                services.submit(
                    by=cast.jumin,
                    channel=C.WEB,
                    title="并发重试",
                    description="弱网下重复提交",
                    category=category,
                    lng=IN_A1[0],
                    lat=IN_A1[1],
                    idempotency_key="flaky-phone-42",
                ).pk
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 8
    (appeal,) = Appeal.objects.filter(idempotency_key="flaky-phone-42")
    assert appeal.events.count() == 1
    if tasks_in_database:
        from django_tasks_db.models import DBTaskResult

        (task,) = DBTaskResult.objects.filter(task_path__endswith="deliver_notifications")
        assert {notice[1] for notice in task.args_kwargs["args"][0]} == {appeal.pk}


# --- photos -----------------------------------------------------------------------------------------


def test_photo_is_reencoded_without_exif_or_gps(cast, file_appeal):
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825)  # the upload does carry GPS
    a = file_appeal(photos_in=[raw, png_bytes()])
    photos = list(AppealPhoto.objects.filter(appeal=a))
    assert len(photos) == 2
    for p in photos:
        with p.file.open("rb") as f:
            data = f.read()
        stored = Image.open(io.BytesIO(data))
        assert stored.format == "JPEG" and p.content_type == "image/jpeg"
        assert not stored.getexif()
        assert b"TestPhone" not in data
        assert (p.width, p.height) == stored.size and p.size == len(data)


def test_a_file_that_is_not_a_photo_is_refused_by_its_content(cast, file_appeal):
    with pytest.raises(DomainError) as err:
        file_appeal(photos_in=[b"GIF89a but not really" + b"\0" * 100])
    assert err.value.field == "photos"
    with pytest.raises(DomainError):
        file_appeal(photos_in=[b"%PDF-1.4 pretending to be a photo"])
    assert not Appeal.objects.exists()


def test_too_big_a_photo_is_refused(cast, file_appeal, settings):
    settings.SHANZHI_PHOTO_MAX_BYTES = 1000
    with pytest.raises(DomainError) as err:
        file_appeal(photos_in=[jpeg_with_gps(size=(400, 400), noise=True)])
    assert err.value.code == "too_large"


def test_at_most_six_photos(cast, file_appeal):
    with pytest.raises(DomainError):
        file_appeal(photos_in=[png_bytes()] * 7)
    a = file_appeal(photos_in=[png_bytes()] * 5)
    services.add_photos(a, [png_bytes()], by=cast.jumin)
    with pytest.raises(DomainError):
        services.add_photos(a, [png_bytes()], by=cast.jumin)
    assert a.photos.count() == 6


def test_only_the_assignee_adds_evidence_while_handling(cast, file_appeal):
    a = services.dispatch(services.accept(file_appeal(), by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    with pytest.raises(PermissionDenied):
        services.add_photos(a, [png_bytes()], by=cast.zhang)
    (photo,) = services.add_photos(a, [png_bytes()], by=cast.wang)
    assert photo.stage == "resolution"


# --- someone already reported this ---------------------------------------------------------------


def test_nearby_open_appeals_of_the_same_category(cast, file_appeal, cats):
    near = file_appeal()
    file_appeal(category=cats.parking)  # another category
    far = file_appeal(lng=IN_A2[0], lat=IN_A2[1])  # about 360 m east
    found = services.nearby_open(cats.neighbour_noise, IN_A1[0] + 0.0002, IN_A1[1])
    assert [a.pk for a, _d in found] == [near.pk]
    assert 15 < found[0][1] < 25
    assert {a.pk for a, _d in services.nearby_open(cats.neighbour_noise, *IN_A1, radius_m=1000)} == {
        near.pk,
        far.pk,
    }
    services.reject(near, by=cast.zhang, reason="重复")
    assert services.nearby_open(cats.neighbour_noise, *IN_A1) == []


@pytest.mark.parametrize(
    ("language", "field", "value", "label"),
    [
        ("zh-hans", "address", "长" * 201, "地址最多 200 个字"),
        ("en", "address", "长" * 201, "Address can be at most 200 characters"),
        ("zh-hans", "contact_name", "名" * 51, "联系人最多 50 个字"),
        ("en", "contact_name", "名" * 51, "at most 50 characters"),
    ],
)
def test_an_overlong_address_or_name_is_refused_in_the_reader_s_language(
    file_appeal, language, field, value, label
):
    """The fields' labels are translated when the refusal is written, not at every intake."""
    from django.utils import translation

    before = Appeal.objects.count()
    with translation.override(language), pytest.raises(DomainError) as refused:
        file_appeal(**{field: value})
    assert refused.value.field == field and label in str(refused.value.message)
    assert Appeal.objects.count() == before
