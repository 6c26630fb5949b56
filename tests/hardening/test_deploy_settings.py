"""Production settings: the deploy check is clean, and a missing or weak setting stops the process."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "HOME", "LANG", "DATABASE_URL", "PYTHONPATH", "VIRTUAL_ENV")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="dangyuan.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://dangyuan.example.gov.cn",
        TRUST_X_FORWARDED_PROTO="1",
        TRUSTED_PROXY_COUNT="1",
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_passes_with_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_ssl_redirect_is_turned_off():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(SECURE_SSL_REDIRECT="0")
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "overrides, complaint",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-but-not-empty"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"SECURE_HSTS_PRELOAD": "maybe"}, "SECURE_HSTS_PRELOAD"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ],
)
def test_production_refuses_to_start_with_a_missing_or_malformed_setting(overrides, complaint):
    result = manage("check", env=production_env(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and complaint in result.stderr


def test_collectstatic_works_with_debug_off(tmp_path):
    result = manage("collectstatic", "--noinput", "-v0", env=production_env(STATIC_ROOT=str(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list((tmp_path / "css").glob("app.*.css")), "app.css is served under a hashed name"
