"""Configuration from the environment, production defaults, and the `loomlight` command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from loomlight.cli import build_parser, main


def _run_django(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOOMLIGHT_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "loomlight.site.settings", **env_overrides})
    return subprocess.run([sys.executable, "-m", "django", *args], capture_output=True, text=True, env=env, timeout=120)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run_django({"LOOMLIGHT_DATA_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "LOOMLIGHT_SECRET_KEY is required in production" in result.stderr


def test_production_passes_the_deploy_checklist(tmp_path):
    result = _run_django(
        {"LOOMLIGHT_DATA_DIR": str(tmp_path), "LOOMLIGHT_SECRET_KEY": "k" * 20 + "Z9!q" * 10, "LOOMLIGHT_ALLOWED_HOSTS": "loomlight.example.org"},
        "check", "--deploy", "--fail-level", "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_cannot_be_switched_on_in_production(tmp_path):
    result = _run_django({"LOOMLIGHT_DATA_DIR": str(tmp_path), "LOOMLIGHT_SECRET_KEY": "x" * 60, "LOOMLIGHT_DEBUG": "true"}, "check")
    assert result.returncode != 0 and "LOOMLIGHT_DEBUG cannot be on in production" in result.stderr


@pytest.mark.parametrize("name,value,message", [
    ("LOOMLIGHT_ENV", "staging", "LOOMLIGHT_ENV must be one of"),
    ("LOOMLIGHT_DEBUG", "maybe", "LOOMLIGHT_DEBUG must be one of"),
    ("LOOMLIGHT_PAGE_SIZE", "many", "LOOMLIGHT_PAGE_SIZE must be a whole number"),
    ("LOOMLIGHT_IMPORT_RETENTION_DAYS", "ninety", "LOOMLIGHT_IMPORT_RETENTION_DAYS must be a whole number"),
    ("LOOMLIGHT_IMPORT_RETENTION_DAYS", "0", "LOOMLIGHT_IMPORT_RETENTION_DAYS must be 1 or more, not 0"),
])
def test_bad_environment_values_fail_loudly(tmp_path, name, value, message):
    result = _run_django({"LOOMLIGHT_DATA_DIR": str(tmp_path), "LOOMLIGHT_ENV": "development", name: value}, "check")
    assert result.returncode != 0 and message in result.stderr


def test_development_keeps_its_secret_key_in_the_data_dir(tmp_path):
    result = _run_django({"LOOMLIGHT_DATA_DIR": str(tmp_path), "LOOMLIGHT_ENV": "development"}, "check")
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_cli_parses_its_commands():
    parser = build_parser()
    args = parser.parse_args(["demo", "--port", "8123", "--no-serve"])
    assert (args.command, args.port, args.no_serve) == ("demo", 8123, True)
    args = parser.parse_args(["manage", "migrate", "--plan"])
    assert args.rest == ["migrate", "--plan"]
    assert main(["demo", "--port", "70000", "--no-serve"]) == 2


def test_cli_manage_passes_through(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOOMLIGHT_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env.update({"LOOMLIGHT_ENV": "development", "LOOMLIGHT_DATA_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "-m", "loomlight.cli", "manage", "showmigrations", "registry"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "0001_initial" in result.stdout


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_demo_command_builds_once_and_keeps_one_programme(tmp_path):
    import sqlite3

    env = {k: v for k, v in os.environ.items() if not k.startswith("LOOMLIGHT_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env.update({"LOOMLIGHT_DATA_DIR": str(tmp_path)})
    outputs = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-m", "loomlight.cli", "demo", "--no-serve"], capture_output=True, text=True, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert "created" in outputs[0] and "already present, nothing changed" in outputs[1]
    assert "Logins (password: loomlight-demo)" in outputs[0]
    db = sqlite3.connect(tmp_path / "loomlight.sqlite3")
    assert db.execute("select count(*) from programmes_programme").fetchone() == (1,)
    assert db.execute("select count(*) from registry_facility").fetchone()[0] >= 60


def test_the_demos_e_mails_link_to_the_demos_own_port(monkeypatch):
    """Given ``loomlight demo --port 8123``, then the e-mails it prints (notifications) link to port 8123, not to
    the development default of 8000; a LOOMLIGHT_SITE_URL set by the user is kept."""
    import argparse

    from loomlight import cli

    class Summary:
        def lines(self):
            return []

    monkeypatch.setattr(cli, "_django", lambda: None)
    monkeypatch.setattr(cli, "_call", lambda *a: None)
    monkeypatch.setattr("loomlight.demo.generator.load_demo", lambda: Summary())
    monkeypatch.setenv("LOOMLIGHT_ENV", "test")          # restored after the test (cmd_demo sets it to "demo")
    monkeypatch.setenv("LOOMLIGHT_DATA_DIR", "/tmp/unused")
    monkeypatch.delenv("LOOMLIGHT_SITE_URL", raising=False)
    assert cli.cmd_demo(argparse.Namespace(port=8123, no_serve=True)) == 0
    assert os.environ["LOOMLIGHT_SITE_URL"] == "http://127.0.0.1:8123"
    monkeypatch.setenv("LOOMLIGHT_SITE_URL", "https://demo.example.org")
    cli.cmd_demo(argparse.Namespace(port=8123, no_serve=True))
    assert os.environ["LOOMLIGHT_SITE_URL"] == "https://demo.example.org"


def _setting(env_overrides: dict, expression: str) -> str:
    result = _run_django(env_overrides, "shell", "-c", f"from django.conf import settings; print({expression})")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # after the shell's own "N objects imported" line


def test_demo_mode_prints_e_mails_on_the_console(tmp_path):
    assert _setting({"LOOMLIGHT_DATA_DIR": str(tmp_path), "LOOMLIGHT_ENV": "demo"}, "settings.EMAIL_BACKEND") == (
        "django.core.mail.backends.console.EmailBackend")


def test_production_sends_e_mail_through_the_configured_server(tmp_path):
    env = {"LOOMLIGHT_DATA_DIR": str(tmp_path), "LOOMLIGHT_SECRET_KEY": "x" * 60, "LOOMLIGHT_EMAIL_HOST": "smtp.example.org",
           "LOOMLIGHT_EMAIL_PORT": "587", "LOOMLIGHT_EMAIL_USE_TLS": "yes", "LOOMLIGHT_EMAIL_FROM": "Loomlight <noreply@example.org>"}
    assert _setting(env, "settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, "
                         "settings.DEFAULT_FROM_EMAIL, settings.PROXY_COUNT") == (
        "django.core.mail.backends.smtp.EmailBackend smtp.example.org 587 True Loomlight <noreply@example.org> 1")


def test_the_throttle_defaults(tmp_path):
    assert _setting({"LOOMLIGHT_DATA_DIR": str(tmp_path), "LOOMLIGHT_ENV": "demo"},
                    "settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_FAILURES_PER_ADDRESS, settings.LOGIN_LOCKOUT_SECONDS, "
                    "settings.TOKEN_FAILURES_PER_ADDRESS, settings.TOKEN_LOCKOUT_SECONDS, settings.PROXY_COUNT, "
                    "settings.PASSWORD_RESET_TIMEOUT") == "5 20 900 20 900 0 86400"


@pytest.mark.parametrize("name,value,message", [
    ("LOOMLIGHT_LOGIN_FAILURES_PER_ACCOUNT", "0", "LOOMLIGHT_LOGIN_FAILURES_PER_ACCOUNT must be at least 1"),
    ("LOOMLIGHT_TOKEN_LOCKOUT_SECONDS", "soon", "LOOMLIGHT_TOKEN_LOCKOUT_SECONDS must be a whole number"),
    ("LOOMLIGHT_PROXY_COUNT", "-1", "LOOMLIGHT_PROXY_COUNT must be 0 or more"),
    ("LOOMLIGHT_EMAIL_USE_SSL", "yes", "LOOMLIGHT_EMAIL_USE_TLS and LOOMLIGHT_EMAIL_USE_SSL cannot both be on"),
])
def test_bad_throttle_and_e_mail_values_fail_loudly(tmp_path, name, value, message):
    env = {"LOOMLIGHT_DATA_DIR": str(tmp_path), "LOOMLIGHT_ENV": "development", name: value}
    if name == "LOOMLIGHT_EMAIL_USE_SSL":
        env["LOOMLIGHT_EMAIL_USE_TLS"] = "yes"
    result = _run_django(env, "check")
    assert result.returncode != 0 and message in result.stderr
