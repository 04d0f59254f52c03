"""The one way past the database's protection of history (migration layers/0005).

Published and superseded versions and their features cannot be deleted or
changed: PostgreSQL triggers refuse it, unless the transaction set
``geoportail.history_purge``. Issued notes and the audit log stay protected
whatever it says. Only throw-away data uses it: the demo loader, on versions
it made itself (and ``benchmarks/generate.py``, through its own connection).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection, transaction


@contextlib.contextmanager
def history_purge() -> Iterator[None]:
    """Within a transaction, let throw-away history be deleted or rewritten."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('geoportail.history_purge', 'on', true)")
        yield
        cursor.execute("SELECT set_config('geoportail.history_purge', '', true)")
