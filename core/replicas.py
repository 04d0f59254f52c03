"""Read replicas: which database a read goes to.

``DATABASE_REPLICA_URLS`` names hot standbys of the primary (PostgreSQL
streaming replication); each becomes a database alias (``replica_1``, …,
``settings.DATABASE_REPLICAS``). Everything reads the primary unless a request
was started with ``request_reads(replica=True)``, which the web paths do for
what may read a little in the past:

- the machine path (``geoportal/machine.py``): anonymous map images, tiles,
  OGC services, identify and compose — machine routes never write;
- the other anonymous requests whose method is safe (GET, HEAD, OPTIONS),
  unless the client wrote shortly before (``geoportal.middleware.replica_reads``:
  a cookie after each unsafe request keeps its next reads on the primary
  for ``DATABASE_REPLICA_PIN_SECONDS``, so a citizen sees the request they
  just filed).

Requests with a session — planners, administrators — read the primary: a
planner sees their own publish at once, and a session just created is
found. So do writes, background jobs, management commands and any read
inside a transaction of the primary (``transaction.atomic``), which must see
what that transaction wrote.

The choice holds for the whole request, a streamed answer's body included:
each request sets it when it starts (a thread's next request overwrites it),
and nothing else does. Within it the ORM reads through ``ReplicaRouter``
(``DATABASE_ROUTERS``) and raw SQL through ``read_connection()``. A replica
that cannot be reached is left aside for ``DATABASE_REPLICA_RETRY_SECONDS``
and the reads go to the next one, or to the primary: a standby stopped costs
one failed connection attempt, not an error.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

_alias: ContextVar[str | None] = ContextVar("geoportail_read_alias", default=None)
_down_until: dict[str, float] = {}
_lock = threading.Lock()
_turns = itertools.count()


def replica_aliases() -> tuple[str, ...]:
    return tuple(getattr(settings, "DATABASE_REPLICAS", ()))


def request_reads(*, replica: bool) -> str:
    """Where the reads of the request starting now go: with ``replica``, to a
    reachable replica (taken in turn), else — or when none is configured or
    reachable — to the primary. Returns the alias."""
    alias = (_reachable_replica() if replica else None) or DEFAULT_DB_ALIAS
    _alias.set(None if alias == DEFAULT_DB_ALIAS else alias)
    return alias


def read_alias() -> str:
    """The alias a read made now goes to."""
    alias = _alias.get()
    if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return alias


def read_connection() -> BaseDatabaseWrapper:
    """The connection a raw read made now goes to."""
    return connections[read_alias()]


def _reachable_replica() -> str | None:
    aliases = replica_aliases()
    if not aliases:
        return None
    start = next(_turns)
    for offset in range(len(aliases)):
        alias = aliases[(start + offset) % len(aliases)]
        if _reachable(alias):
            return alias
    return None


def _reachable(alias: str) -> bool:
    """Whether ``alias`` has (or opens) a connection that works; if not, it is
    left aside for a while."""
    now = time.monotonic()
    if _down_until.get(alias, 0.0) > now:
        return False
    from core.db import database_unavailable, hung_up  # core.db reads this module

    wrapper = connections[alias]
    try:
        if wrapper.connection is not None and hung_up(wrapper.connection):
            wrapper.close()
        wrapper.ensure_connection()
    except Exception as error:
        if not database_unavailable(error):
            raise
        with contextlib.suppress(Exception):
            wrapper.close()
        with _lock:
            _down_until[alias] = now + settings.DATABASE_REPLICA_RETRY_SECONDS
        return False
    return True


class ReplicaRouter:
    """The ORM's side of ``replica_reads``: reads to ``read_alias()``, writes
    and migrations to the primary."""

    def db_for_read(self, model, **hints) -> str:
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replicas hold the primary's data

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
