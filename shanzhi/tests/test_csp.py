"""The Content-Security-Policy: the header on every page, and templates that need nothing inline."""

import json
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted(p for p in ROOT.rglob("templates/**/*.html"))
INLINE_STYLE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
# A <script> without src runs inline, unless it is a data block such as json_script's.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE
)


@pytest.mark.django_db
def test_every_page_carries_a_policy_of_own_files_only(client, cast):
    client.force_login(cast.wang)
    for url in ("/", "/accounts/login/", "/no-such-page/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["style-src"] == "'self'" and directives["script-src"] == "'self'"
        assert directives["img-src"] == "'self' data: blob:"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_template_needs_an_inline_style_or_script():
    assert len(TEMPLATES) > 50  # the glob found the apps' templates
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in TEMPLATES
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if INLINE_STYLE.search(line) or INLINE_SCRIPT.search(line)
    ]
    assert offenders == []


def test_htmx_keeps_its_indicator_style_out_of_the_page():
    # htmx would insert an inline <style> for its indicators: the policy refuses it, shanzhi.css has them.
    base = (ROOT / "templates" / "base.html").read_text()
    page_config = (ROOT / "registry" / "templates" / "registry" / "_htmx_config.html").read_text()
    assert '"includeIndicatorStyles":false' in base and '"includeIndicatorStyles":false' in page_config
    assert ".htmx-request .htmx-indicator" in (ROOT / "static" / "shanzhi" / "shanzhi.css").read_text()


@pytest.mark.parametrize("value", [0, 37, 100])
def test_a_progress_bar_carries_its_width_as_data_for_the_script(value):
    html = render_to_string("coop/_progress.html", {"value": value})
    assert f'data-sz-width="{value}"' in html and "style=" not in html


# --- the report-uri ------------------------------------------------------------------------------

REPORT = {
    "csp-report": {
        "document-uri": "http://127.0.0.1:8000/search/?q=张三&phone=13912345678",
        "effective-directive": "style-src-attr",
        "violated-directive": "style-src-attr",
        "blocked-uri": "inline",
        "script-sample": "color: red /* 张三 */",
    }
}


@pytest.mark.django_db
def test_a_report_is_logged_without_what_someone_typed(client, caplog):
    with caplog.at_level("WARNING", logger="shanzhi.csp"):
        response = client.post("/csp-report", json.dumps(REPORT), content_type="application/csp-report")
    assert response.status_code == 204  # anonymous: the login page reports too
    (line,) = [r.getMessage() for r in caplog.records if r.name == "shanzhi.csp"]
    assert line == "CSP refused style-src-attr from inline on /search/"
    assert "张三" not in line and "139" not in line


@pytest.mark.django_db
def test_an_external_source_is_logged_by_its_origin_only(client, caplog):
    report = {
        "csp-report": {"effective-directive": "img-src", "blocked-uri": "https://evil.example/x.png?id=42"}
    }
    with caplog.at_level("WARNING", logger="shanzhi.csp"):
        assert (
            client.post("/csp-report", json.dumps(report), content_type="application/json").status_code == 204
        )
    assert [r.getMessage() for r in caplog.records if r.name == "shanzhi.csp"] == [
        "CSP refused img-src from https://evil.example on "
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b"not json", b"x" * (16 * 1024 + 1)])
def test_a_report_that_is_not_json_or_too_large_is_refused(client, caplog, body):
    with caplog.at_level("WARNING", logger="shanzhi.csp"):
        response = client.post("/csp-report", body, content_type="application/csp-report")
    assert response.status_code == 400
    assert not [r for r in caplog.records if r.name == "shanzhi.csp"]
    assert client.get("/csp-report").status_code == 405


def test_the_policy_names_the_report_view():
    from django.conf import settings

    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] == [reverse("csp_report")]


def test_the_header_is_built_again_when_the_policy_changes(client, settings):
    # Built once per process (shanzhi.core.csp.CSPMiddleware), so a changed policy must still show.
    first = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in first
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "https://tiles.example"]}
    }
    changed = client.get("/accounts/login/")["Content-Security-Policy"]
    assert changed != first and "https://tiles.example" in changed
    assert "Content-Security-Policy-Report-Only" not in client.get("/accounts/login/")
