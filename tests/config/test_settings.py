"""The settings module read fresh in a subprocess, so each test chooses its own environment."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

SETTINGS_FILE = BASE_DIR / "config" / "settings.py"


def settings_variables() -> set[str]:
    """Every environment variable config/settings.py reads, by its helpers or directly."""
    text = SETTINGS_FILE.read_text(encoding="utf-8")
    readers = r"(?:\benv(?:_bool|_int|_list)?\(|os\.environ\.get\(|os\.getenv\(|os\.environ\[)"
    return set(re.findall(readers + r"\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))


PRINT_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "channel_layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "channel_hosts": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("hosts"),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
}))
"""

PRINT_DEBUG = (
    "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)"
)


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    # Start from none of the settings' variables set, whatever the caller's shell has.
    unset = settings_variables()
    environ = {k: v for k, v in os.environ.items() if k not in unset}
    environ.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env() -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "example.com",
    }


def test_deploy_check_passes_without_warnings_in_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output.upper(), output
    assert "no issues" in result.stdout


def test_settings_refuse_to_load_without_secret_key_when_debug_is_off():
    result = run(["manage.py", "check"], DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_is_on_and_needs_no_secret_key_by_default():
    result = run(["-c", PRINT_DEBUG])

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_redis_url_selects_channels_redis_and_the_redis_cache():
    url = "redis://127.0.0.1:6379/0"
    result = run(["-c", PRINT_SETTINGS], REDIS_URL=url)

    assert result.returncode == 0, result.stderr
    chosen = json.loads(result.stdout)
    assert chosen == {
        "channel_layer": "channels_redis.core.RedisChannelLayer",
        "channel_hosts": [{"address": url, "socket_connect_timeout": 2}],
        # Django's Redis cache that falls back to a per-process cache while Redis is down.
        "cache": "core.cache.RedisCacheWithFallback",
        "cache_location": url,
    }


def test_without_redis_url_the_in_memory_layer_and_cache_are_used():
    result = run(["-c", PRINT_SETTINGS])

    assert result.returncode == 0, result.stderr
    chosen = json.loads(result.stdout)
    assert chosen["channel_layer"] == "channels.layers.InMemoryChannelLayer"
    assert chosen["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_settings_variables_are_found_and_the_readme_documents_each():
    variables = settings_variables()
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")

    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= variables
    assert sorted(name for name in variables if f"`{name}`" not in readme) == []
