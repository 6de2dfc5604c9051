import pytest
from django.db import connection

from shanzhi.core import crypto
from shanzhi.core.masking import mask_id_number, mask_phone
from shanzhi.registry.models import Resident


def test_encrypt_round_trip_and_nonce_differs():
    a, b = crypto.encrypt("110101199003074514"), crypto.encrypt("110101199003074514")
    assert a != b
    assert crypto.decrypt(a) == crypto.decrypt(b) == "110101199003074514"


def test_blind_index_is_stable_and_case_insensitive():
    assert crypto.blind_index("11010119900307451x") == crypto.blind_index("11010119900307451X")
    assert crypto.blind_index("a") != crypto.blind_index("b")


def test_raw_table_holds_no_plaintext(cast):
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone, id_number_index FROM registry_resident")
        rows = cur.fetchall()
    plain = {(r.id_number, r.phone) for r in Resident.objects.all()}
    assert rows and plain
    for id_cipher, phone_cipher, index in rows:
        for id_number, phone in plain:
            assert id_number not in id_cipher and id_number not in index
            assert phone not in phone_cipher
        assert id_cipher.startswith("k")


@pytest.mark.parametrize(
    "value,masked", [("110101199003074514", "1****************4"), ("", ""), ("12", "**")]
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


def test_mask_phone():
    assert mask_phone("13812341234") == "138****1234"
