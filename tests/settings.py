"""Test settings: the one settings file, with the test profile selected.

Tests keep their data directory in the system temporary folder; the database
comes from DATABASE_URL (SQLite when unset, PostgreSQL in the second CI pass).
"""

import os
import tempfile

os.environ.setdefault("LOOMLIGHT_ENV", "test")
os.environ.setdefault("LOOMLIGHT_DATA_DIR", os.path.join(tempfile.gettempdir(), "loomlight-test"))
os.environ.setdefault("LOOMLIGHT_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from loomlight.site.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (whitenoise warns when it is missing)
