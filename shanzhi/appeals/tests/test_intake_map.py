"""Intake on the offline map (issue 13 §2): a refused form keeps every field, its photos included
(kept on the server and reattached), and a point picked on GCJ-02 tiles is stored as WGS-84."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shanzhi.appeals.models import Appeal
from shanzhi.registry import maps

from .conftest import IN_A1, jpeg_with_gps

OUTSIDE = (117.600, 34.900)  # in no grid of the cast


def form(cats, **kw):
    data = {
        "category": cats.neighbour_noise.pk,
        "title": "楼道堆放杂物",
        "description": "三号楼二单元楼道堆满纸箱。",
        "place": "map",
        "lng": IN_A1[0],
        "lat": IN_A1[1],
        "crs": "wgs84",
        "idempotency_key": "k-map",
        "contact_name": "王女士",
    }
    data.update(kw)
    return data


def kept_ids(response):
    return re.findall(r'name="keep_photo" value="([0-9a-f]+)"', response.content.decode())


def test_a_point_outside_every_grid_is_refused_and_the_form_keeps_every_field(cast, cats, login):
    photo = SimpleUploadedFile("楼道.jpg", jpeg_with_gps(), content_type="image/jpeg")
    client = login(cast.jumin)
    response = client.post(
        reverse("appeals:submit"), form(cats, lng=OUTSIDE[0], lat=OUTSIDE[1], photos=[photo])
    )
    html = response.content.decode()
    assert response.status_code == 400 and "该位置不在任何网格内" in html
    assert not Appeal.objects.exists()
    for value in ("楼道堆放杂物", "三号楼二单元楼道堆满纸箱。", "王女士", str(OUTSIDE[0]), "k-map"):
        assert value in html
    assert f'<option value="{cats.neighbour_noise.pk}" selected' in html
    # The photo is kept on the server, listed by name with its box ticked.
    ids = kept_ids(response)
    assert len(ids) == 1 and "楼道.jpg" in html
    _dirs, files = default_storage.listdir(f"pending/{cast.jumin.pk}")
    assert len(files) == 1

    # Resubmitted with a point inside a grid and no new file: the kept photo is attached.
    done = client.post(reverse("appeals:submit"), form(cats, keep_photo=ids))
    appeal = Appeal.objects.get()
    assert done.status_code == 302 and appeal.photos.count() == 1
    assert default_storage.listdir(f"pending/{cast.jumin.pk}")[1] == []  # no pending file left behind


def test_an_unticked_kept_photo_is_not_attached(cast, cats, login):
    client = login(cast.jumin)
    photo = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")
    client.post(reverse("appeals:submit"), form(cats, title="", photos=[photo]))
    client.post(reverse("appeals:submit"), form(cats))  # no keep_photo: the user unticked it
    assert Appeal.objects.get().photos.count() == 0


def test_another_session_cannot_attach_someone_elses_kept_photo(cast, cats, login, client):
    first = login(cast.jumin)
    photo = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")
    ids = kept_ids(first.post(reverse("appeals:submit"), form(cats, title="", photos=[photo])))
    client.logout()
    other = login(cast.wang)
    response = other.post(reverse("appeals:submit"), form(cats, channel="patrol", keep_photo=ids))
    assert response.status_code == 302 and Appeal.objects.get().photos.count() == 0


def test_a_file_that_is_no_photo_is_named_and_not_kept(cast, cats, login):
    bad = SimpleUploadedFile("notes.txt", b"not a picture", content_type="image/jpeg")
    response = login(cast.jumin).post(reverse("appeals:submit"), form(cats, title="", photos=[bad]))
    assert response.status_code == 400 and "notes.txt" in response.content.decode()
    assert kept_ids(response) == []


def test_a_point_picked_on_gcj02_tiles_is_stored_as_wgs84(cast, cats, login, settings):
    settings.SHANZHI_MAP_CRS = "gcj02"
    shown = maps.to_map(*IN_A1)
    response = login(cast.jumin).post(
        reverse("appeals:submit"), form(cats, lng=shown[0], lat=shown[1], crs="gcj02")
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and appeal.grid == cast.grid
    assert (appeal.lng, appeal.lat) == pytest.approx(IN_A1, abs=1e-6)


@pytest.mark.parametrize(("lng", "lat"), [("abc", "34.86"), ("nan", "nan"), ("1e999", "34.8"), ("117.5", "")])
def test_bad_coordinates_are_a_400_naming_the_place(cast, cats, login, lng, lat):
    response = login(cast.jumin).post(reverse("appeals:submit"), form(cats, lng=lng, lat=lat, crs="gcj02"))
    assert response.status_code == 400 and not Appeal.objects.exists()


def test_the_picker_is_drawn_from_the_layers_with_no_inline_script(cast, cats, login):
    html = login(cast.jumin).get(reverse("appeals:submit")).content.decode()
    assert "data-sz-picker" in html and reverse("registry:map_layers") in html
    assert "<script>" not in html and "unpkg" not in html and "cdn" not in html.lower()


def test_tiles_are_configuration_passed_to_the_map(cast, cats, login, settings):
    settings.SHANZHI_MAP_TILES = "https://{s}.tiles.example/{z}/{x}/{y}.png"
    settings.SHANZHI_MAP_ATTRIBUTION = "© 示例地图"
    settings.SHANZHI_MAP_CRS = "gcj02"
    html = login(cast.jumin).get(reverse("appeals:submit")).content.decode()
    assert 'data-tiles="https://{s}.tiles.example/{z}/{x}/{y}.png"' in html
    assert 'data-attribution="© 示例地图"' in html and 'name="crs" id="id_crs" value="gcj02"' in html
