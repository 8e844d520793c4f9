"""Security headers on every answer; no inline script or style in any template."""

from __future__ import annotations

import re

import pytest

from tests.paths import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, tara):
    client.force_login(tara)
    return client


@pytest.mark.parametrize("path", ["/", "/teams/", "/api/v1/teams/"])
def test_pages_and_api_carry_the_security_headers(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_hsts_only_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")
    secure = client.get("/accounts/login/", secure=True)
    assert "max-age=31536000" in secure["Strict-Transport-Security"]


def test_templates_have_no_inline_script_or_style():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text):
            offenders.append(str(template.relative_to(ROOT)))
        if re.search(r"\son[a-z]+=", text):  # onclick= and friends are inline script too
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


def test_production_cookies_are_secure(settings):
    # The suite runs with DEBUG off, as production does.
    assert settings.SESSION_COOKIE_SECURE
    assert settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE in {"Lax", "Strict"}
