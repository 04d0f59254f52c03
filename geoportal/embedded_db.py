"""The embedded PostgreSQL + PostGIS cluster used when no DATABASE_URL is given.

It lives in the checkout (``.local/postgres``) so a clone carries nothing from the
machine it runs on. Standard library only: the settings import it to find the
cluster, and the scripts run it (``python -m geoportal.embedded_db ensure``) before
Django can be imported.

When run as root the cluster belongs to the ``postgres`` user, because ``initdb`` and
``postgres`` refuse to run as root. Local connections (unix socket, in a directory
only the owner can enter) are trusted; TCP connections on the loopback port need the
password stored in ``credentials`` (mode 0600).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "geoportail"
ROLE_NAME = "geoportail"
SERVICE_USER = "postgres"


class ClusterError(RuntimeError):
    """The embedded cluster cannot be created, started or reached."""


@dataclasses.dataclass(frozen=True)
class ClusterInfo:
    """Where a running cluster listens: what the settings need to connect."""

    socket_dir: str
    port: int
    database: str = DATABASE_NAME
    user: str = ROLE_NAME

    def as_django_database(self) -> dict:
        return {
            "ENGINE": "django.contrib.gis.db.backends.postgis",
            "NAME": self.database,
            "USER": self.user,
            "HOST": self.socket_dir,
            "PORT": str(self.port),
        }


def _pg_bin_dir() -> Path:
    """Return the directory of the newest installed PostgreSQL server binaries."""
    override = os.environ.get("PG_BIN_DIR")
    if override:
        return Path(override)
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: (
            int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0
        ),
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    raise ClusterError(
        "PostgreSQL server binaries not found (install the 'postgresql' package)."
    )


class EmbeddedCluster:
    """A PostgreSQL cluster in a directory of the checkout."""

    def __init__(self, root: Path | None = None) -> None:
        self.base = (root or REPO_ROOT) / ".local" / "postgres"
        self.state_file = self.base / "cluster.json"

    # -- paths -------------------------------------------------------------------
    @property
    def home(self) -> Path:
        """Directory holding data, socket and log (may be a link, see _prepare_home)."""
        return self.base / "cluster"

    @property
    def server_home(self) -> Path:
        """The home with links resolved: the path the server's user can reach."""
        return self.home.resolve()

    @property
    def data_dir(self) -> Path:
        return self.server_home / "data"

    @property
    def socket_dir(self) -> Path:
        return self.server_home / "run"

    @property
    def log_file(self) -> Path:
        return self.server_home / "log" / "postgres.log"

    # -- discovery (used by the settings; never starts anything) -----------------
    def info(self) -> ClusterInfo | None:
        """Return where the cluster listens, or None if it was never set up."""
        try:
            state = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None
        return ClusterInfo(socket_dir=state["socket_dir"], port=int(state["port"]))

    def is_running(self) -> bool:
        info = self.info()
        if info is None:
            return False
        return Path(info.socket_dir, f".s.PGSQL.{info.port}").exists() and (
            self._run(["pg_ctl", "status", "-D", str(self.data_dir)], check=False) == 0
        )

    # -- lifecycle ---------------------------------------------------------------
    def ensure(self) -> tuple[ClusterInfo, bool]:
        """Create the cluster if needed and start it if it is not running.

        Returns the connection info and whether this call started the server.
        Raises ClusterError with an explanation when it cannot.
        """
        if not (self.data_dir / "PG_VERSION").exists():
            self._init()
        if self.is_running():
            info = self.info()
            assert info is not None
            return info, False
        info = self._start()
        self._create_database(info)
        return info, True

    def stop(self) -> bool:
        """Stop the server if it runs; return whether it was running."""
        if not self.is_running():
            return False
        self._run(["pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w"])
        return True

    # -- internals -----------------------------------------------------------------
    def _as_service_user(self) -> bool:
        return os.geteuid() == 0

    def _owner(self) -> pwd.struct_passwd:
        if self._as_service_user():
            try:
                return pwd.getpwnam(SERVICE_USER)
            except KeyError as exc:
                raise ClusterError(
                    "Running as root needs the 'postgres' system user "
                    "(installed with the 'postgresql' package)."
                ) from exc
        return pwd.getpwuid(os.geteuid())

    def _run(self, argv: list[str], *, check: bool = True) -> int:
        result = subprocess.run(  # noqa: S603 - fixed binaries, our own arguments
            self._command(argv), capture_output=True, text=True, check=False, cwd="/"
        )
        if check and result.returncode != 0:
            raise ClusterError(
                f"{argv[0]} failed ({result.returncode}):\n"
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
        return result.returncode

    def _owner_can_enter(self, path: Path) -> bool:
        if not self._as_service_user():
            return True
        probe = subprocess.run(  # noqa: S603
            [_runuser(), "-u", SERVICE_USER, "--", "test", "-w", str(path)],
            check=False,
        )
        return probe.returncode == 0

    def _prepare_home(self) -> None:
        """Create the cluster home, owned by the server's user.

        As root, the checkout may sit where 'postgres' cannot enter (under /root).
        Then the cluster goes to a directory named after the checkout under
        /var/tmp, and .local/postgres/cluster links to it.
        """
        owner = self._owner()
        self.base.mkdir(parents=True, exist_ok=True)
        if self.home.is_symlink() or self.home.exists():
            return
        target = self.home
        self.home.mkdir()
        if self._as_service_user():
            os.chown(self.home, owner.pw_uid, owner.pw_gid)
            if not self._owner_can_enter(self.home):
                self.home.rmdir()
                digest = hashlib.sha256(str(self.base).encode()).hexdigest()[:12]
                target = Path("/var/tmp") / f"geoportail-{digest}"  # noqa: S108 - 0700
                target.mkdir(mode=0o700, exist_ok=True)
                os.chown(target, owner.pw_uid, owner.pw_gid)
                self.home.symlink_to(target)
        for sub in ("run", "log"):
            path = target / sub
            path.mkdir(mode=0o700, exist_ok=True)
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def _init(self) -> None:
        self._prepare_home()
        password = secrets.token_urlsafe(24)
        credentials = self.base / "credentials"
        credentials.write_text(password + "\n")
        credentials.chmod(0o600)
        pwfile = self.server_home / "log" / "initdb.pw"
        pwfile.write_text(password + "\n")
        owner = self._owner()
        os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        pwfile.chmod(0o600)
        try:
            self._run(
                [
                    "initdb",
                    "-D",
                    str(self.data_dir),
                    "-U",
                    ROLE_NAME,
                    f"--pwfile={pwfile}",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# geoportail embedded cluster\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "unix_socket_permissions = 0700\n"
                "fsync = on\n"
                "shared_buffers = 256MB\n"
                "work_mem = 16MB\n"
                "maintenance_work_mem = 256MB\n"
                "max_connections = 100\n"
                "logging_collector = off\n"
            )

    def _start(self) -> ClusterInfo:
        port = self._port()
        self.state_file.write_text(
            json.dumps({"socket_dir": str(self.socket_dir), "port": port}) + "\n"
        )
        self._run(
            [
                "pg_ctl",
                "start",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-o",
                f"-p {port}",
                "-w",
                "-t",
                "60",
            ]
        )
        info = ClusterInfo(socket_dir=str(self.socket_dir), port=port)
        deadline = time.monotonic() + 30
        while not Path(info.socket_dir, f".s.PGSQL.{port}").exists():
            if time.monotonic() > deadline:
                raise ClusterError(f"PostgreSQL did not start; see {self.log_file}")
            time.sleep(0.1)
        return info

    def _port(self) -> int:
        """The port to start on: the one the cluster had, unless asked otherwise.

        Clients that outlive a restart (web workers, the import worker) keep
        the port they were given, so it changes only when the cluster is new,
        when GEOPORTAIL_DB_PORT asks for another, or when something else took
        it while the cluster was stopped — and then it says so.
        """
        preferred = int(os.environ.get("GEOPORTAIL_DB_PORT", "0") or 0)
        if preferred:
            return preferred
        info = self.info()
        if info is None:
            return _free_loopback_port()
        if _loopback_port_is_free(info.port):
            return info.port
        port = _free_loopback_port()
        print(
            f"embedded database: port {info.port} is taken by another program; "
            f"the cluster now listens on {port} (restart the portal's processes)",
            file=sys.stderr,
        )
        return port

    def _create_database(self, info: ClusterInfo) -> None:
        psql = [
            "psql",
            "-h",
            info.socket_dir,
            "-p",
            str(info.port),
            "-U",
            ROLE_NAME,
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
        ]
        exists = subprocess.run(  # noqa: S603
            [
                *self._command(psql),
                "-d",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'",  # noqa: S608
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if exists.stdout.strip() != "1":
            self._run(
                [*psql, "-d", "postgres", "-c", f"CREATE DATABASE {DATABASE_NAME}"]
            )
        self._run(
            [*psql, "-d", DATABASE_NAME, "-c", "CREATE EXTENSION IF NOT EXISTS postgis"]
        )

    def _command(self, argv: list[str]) -> list[str]:
        command = [str(_pg_bin_dir() / argv[0]), *argv[1:]]
        if self._as_service_user():
            command = [_runuser(), "-u", SERVICE_USER, "--", *command]
        return command


class EmbeddedStandby:
    """A hot standby of an embedded cluster, as a deployment's read replica:
    ``pg_basebackup -R -X stream`` (streaming replication) into ``home``, which
    holds its data, socket and log, served on a free loopback port with
    ``hot_standby = on``. The replica tests and benchmarks make one; the
    portal only reads it through ``DATABASE_REPLICA_URLS``."""

    def __init__(
        self, primary: EmbeddedCluster, home: Path, database: str = DATABASE_NAME
    ) -> None:
        self.primary = primary
        self.home = home
        self.database = database
        self.port = _free_loopback_port()

    def create(self) -> None:
        """Copy the running primary (a fast checkpoint first). Raises
        ClusterError when the copy fails."""
        info = self.primary.info()
        if info is None:
            raise ClusterError("the primary cluster was never set up")
        owner = self.primary._owner()
        for path in (self.home, self.home / "run"):
            path.mkdir(mode=0o700)
            os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run(
            "pg_basebackup",
            *("-h", info.socket_dir, "-p", str(info.port), "-U", ROLE_NAME),
            *("-D", str(self.home / "data"), "-R", "-X", "stream", "-c", "fast"),
        )
        # After the primary's settings, which the copy holds: the last wins.
        with (self.home / "data" / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.home / 'run'}'\n"
                "hot_standby = on\n"
            )

    def start(self) -> None:
        self._run(
            "pg_ctl", "start", "-D", str(self.home / "data"), "-w",
            "-l", str(self.home / "postgres.log"),
        )  # fmt: skip

    def stop(self, *, check: bool = True) -> None:
        data = str(self.home / "data")
        self._run("pg_ctl", "stop", "-D", data, "-m", "fast", "-w", check=check)

    def wait_replayed(self, *, timeout: float = 600.0) -> float:
        """Wait until the standby has replayed what the primary had written
        when called; returns the seconds waited. Raises ClusterError after
        ``timeout``."""
        info = self.primary.info()
        assert info is not None
        target = self._value(info.socket_dir, info.port, "SELECT pg_current_wal_lsn()")
        start = time.monotonic()
        caught_up = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
        while self._value(str(self.home / "run"), self.port, caught_up) != "t":
            if time.monotonic() - start > timeout:
                raise ClusterError(f"the standby did not replay up to {target}")
            time.sleep(0.2)
        return time.monotonic() - start

    @property
    def conninfo(self) -> str:
        socket = self.home / "run"
        return f"host={socket} port={self.port} user={ROLE_NAME} dbname={self.database}"

    @property
    def url(self) -> str:
        socket = self.home / "run"
        return f"postgis://{ROLE_NAME}@/{self.database}?host={socket}&port={self.port}"

    def _value(self, socket_dir: str, port: int, sql: str) -> str:
        psql = ["psql", "-h", socket_dir, "-p", str(port), "-U", ROLE_NAME]
        result = subprocess.run(  # noqa: S603 - fixed binaries, our own arguments
            self.primary._command([*psql, "-d", "postgres", "-tAc", sql]),
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
        )
        if result.returncode != 0:
            raise ClusterError(f"psql failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def _run(self, *argv: str, check: bool = True) -> None:
        # The primary's way of running PostgreSQL's programs (as 'postgres'
        # under root).
        result = subprocess.run(  # noqa: S603 - fixed binaries, our own arguments
            self.primary._command(list(argv)),
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
        )
        if check and result.returncode != 0:
            raise ClusterError(
                f"{argv[0]} failed ({result.returncode}):\n"
                f"{result.stderr.strip() or result.stdout.strip()}"
            )


def _runuser() -> str:
    """runuser lives in /usr/sbin, which a non-login PATH may lack."""
    return shutil.which("runuser") or "/usr/sbin/runuser"


def _loopback_port_is_free(port: int) -> bool:
    """Whether nothing listens on ``port`` of the loopback address.

    SO_REUSEADDR, as PostgreSQL binds: the connections the server closed when
    it stopped (TIME_WAIT) do not keep it from listening there again.
    """
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_loopback_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["ensure", "stop", "status", "url"])
    args = parser.parse_args(argv)
    cluster = EmbeddedCluster()
    try:
        if args.action == "ensure":
            info, started = cluster.ensure()
            # The scripts read this line to know whether to stop the server after.
            print("started" if started else "running", info.socket_dir, info.port)
        elif args.action == "stop":
            print("stopped" if cluster.stop() else "not running")
        elif args.action == "status":
            running = cluster.is_running()
            print("running" if running else "stopped")
            return 0 if running else 3
        elif args.action == "url":
            info = cluster.info()
            if info is None:
                print("no embedded cluster", file=sys.stderr)
                return 3
            print(
                f"postgis://{info.user}@/{info.database}?host={info.socket_dir}&port={info.port}"
            )
    except ClusterError as exc:
        print(f"embedded database: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
