"""Issue 12 §5: an ID number or phone never reaches the access log, and a search box tells one."""

import datetime as dt
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from shanzhi.core import accesslog
from shanzhi.core.personal_numbers import looks_like_personal_number, mask_digit_runs


@pytest.mark.parametrize(
    "text",
    [
        "198 0502 2880",
        "198+0502+2880",
        "19805022880",
        "１９８０５０２２８８０",
        "198-0502",
        "37040219900101123X",
    ],
)
def test_numbers_and_fragments_of_seven_digits_or_more_are_personal(text):
    assert looks_like_personal_number(text)


@pytest.mark.parametrize("text", ["张三", "zs", "3号楼 302", "3-1-302", "2880", "198-050", "", None])
def test_names_rooms_and_short_numbers_are_not(text):
    assert not looks_like_personal_number(text)


def test_mask_digit_runs_masks_only_long_runs():
    assert mask_digit_runs("3号楼302 电话198 0502 2880") == "3号楼302 电话*************"


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        ("GET /registry/search/?q=198+0502+2880 HTTP/1.1", "GET /registry/search/? HTTP/1.1"),
        ("http://x/registry/search/?q=19805022880&a=1", "http://x/registry/search/?"),
        ("GET /registry/r/19805022880/ HTTP/1.1", "GET /registry/r/***********/ HTTP/1.1"),
        ("GET /appeals/SZ2026/ HTTP/1.1", "GET /appeals/SZ2026/ HTTP/1.1"),
    ],
)
def test_scrub_drops_query_strings_and_masks_numbers(line, logged):
    assert accesslog.scrub(line) == logged


def test_the_gunicorn_logger_writes_no_query_and_no_number():
    logger = accesslog.Logger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/registry/search/?q=198+0502+2880",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/registry/search/",
        "QUERY_STRING": "q=198+0502+2880",
        "HTTP_REFERER": "https://x/registry/search/?q=%EF%BC%91%EF%BC%99%EF%BC%98%200502%202880",
        "REMOTE_ADDR": "127.0.0.1",
    }
    req = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(resp, req, environ, dt.timedelta(seconds=0))
    values = [atoms[k] for k in ("r", "q", "f", "{referer}i", "U")]
    assert not any(looks_like_personal_number(v) for v in values), values
    assert "0502" not in " ".join(values)
    assert atoms["r"] == "GET /registry/search/? HTTP/1.1" and atoms["s"] == "200"
