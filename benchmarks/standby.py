"""A hot standby of the worktree's embedded cluster, for the benchmarks that
read through a replica.

    .venv/bin/python benchmarks/standby.py   # make one, print its figures, stop

``standby(database)`` copies the running embedded cluster with ``pg_basebackup
-R -X stream`` (``geoportal.embedded_db.EmbeddedStandby``, as the replica test
does) into ``.local/bench/standby``, starts it on a free loopback port with
``hot_standby = on``, waits until it has replayed what the primary had written,
and at the end stops it and removes the copy (a national database's copy is
as large as the primary's). Run alone, it prints how long the copy and the
catch-up took and the copy's size: what adding a replica costs.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from geoportal.embedded_db import (  # noqa: E402
    DATABASE_NAME,
    EmbeddedCluster,
    EmbeddedStandby,
)

HOME = REPO_ROOT / ".local" / "bench" / "standby"


@contextlib.contextmanager
def standby(database: str = DATABASE_NAME) -> Iterator[EmbeddedStandby]:
    """A caught-up hot standby of the embedded cluster whose URL names
    ``database``; stopped and removed on leaving. Raises ClusterError when the
    primary does not run or the copy fails."""
    primary = EmbeddedCluster(REPO_ROOT)
    replica = EmbeddedStandby(primary, HOME, database)
    _remove(replica)  # what an interrupted run left
    try:
        start = time.monotonic()
        replica.create()
        copied = time.monotonic() - start
        replica.start()
        waited = replica.wait_replayed()
        print(
            f"standby: copied in {copied:.0f} s ({_size(HOME / 'data')}), "
            f"caught up in {waited:.1f} s, port {replica.port}",
            flush=True,
        )
        yield replica
    finally:
        _remove(replica)


def _remove(replica: EmbeddedStandby) -> None:
    if (replica.home / "data" / "PG_VERSION").exists():
        replica.stop(check=False)
    shutil.rmtree(replica.home, ignore_errors=True)


def _size(path: Path) -> str:
    return subprocess.run(
        ["du", "-sh", str(path)], capture_output=True, text=True, check=True
    ).stdout.split()[0]


def main() -> int:
    with standby() as replica:
        print(f"ready: {replica.url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
