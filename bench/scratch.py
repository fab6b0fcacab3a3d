"""The throwaway database every benchmark works in, shared by the scripts in bench/.

With no ``DATABASE_URL``: a SQLite file in a temporary folder (a file, as in the default
set-up, so every thread sees the same database). With one: ``test_<name>_bench_<script>`` on
that server, never ``test_<name>``, which a test run may be using at the time. Either way it is
created fresh (replacing a leftover) and dropped by the returned clean-up.
"""

import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path


def setup_django(script: str) -> tuple[str, Callable[[], None]]:
    """Configure Django (DEBUG off, as in production: DEBUG on would also record every query
    in memory) on a scratch database; returns its description and a clean-up."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))
    import django

    django.setup()
    from django.db import connection, connections

    temporary = None
    if connection.vendor == "sqlite":
        temporary = tempfile.TemporaryDirectory(prefix="bench-")
        connection.settings_dict["TEST"]["NAME"] = str(Path(temporary.name) / "bench.db")
    else:
        name = connection.settings_dict["NAME"]
        connection.settings_dict["TEST"]["NAME"] = f"test_{name}_bench_{script}"
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)

    def clean_up() -> None:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if temporary is not None:
            temporary.cleanup()

    return f"{connection.vendor}, database {test_name}", clean_up
