# Shared set-up for scripts/run and scripts/test. Source it, then call `bootstrap`.
# Every step is idempotent and skips itself when already done, so a second run
# takes seconds.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$REPO_ROOT/.venv"
LOCAL_DIR="$REPO_ROOT/.local"
STARTED_DATABASE=0

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# Debian/Ubuntu packages. RUNTIME for serving (poppler-utils: the law library reads
# uploaded PDFs with pdftotext), TEST adds what the tests drive (libnss3-tools:
# certutil, for pdfsig to trust the test CA; nginx-light: the shipped proxy cache).
RUNTIME_PACKAGES=(postgresql gdal-bin libgdal-dev gettext poppler-utils fonts-noto-core fonts-hosny-amiri fonts-dejavu-core)
TEST_PACKAGES=(chromium python3-qgis libnss3-tools nginx-light)

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

postgis_package() {
  # The PostGIS build that matches the installed PostgreSQL server.
  local major
  major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
  [ -n "$major" ] || die "PostgreSQL server not installed"
  echo "postgresql-${major}-postgis-3"
}

ensure_system_packages() {
  command -v dpkg-query >/dev/null 2>&1 || {
    say "not a Debian/Ubuntu system: install PostgreSQL+PostGIS, GDAL, gettext yourself"; return; }
  local wanted=("${RUNTIME_PACKAGES[@]}")
  [ "${1:-}" = "test" ] && wanted+=("${TEST_PACKAGES[@]}")
  local missing
  missing=$(missing_packages "${wanted[@]}")
  if [ -d /usr/lib/postgresql ]; then
    missing="$missing $(missing_packages "$(postgis_package)")"
  fi
  # npm (axe-core for the browser tests) may come from elsewhere than Debian's
  # npm package (NodeSource's nodejs bundles it and conflicts with it): only its
  # absence asks for Debian's.
  if [ "${1:-}" = "test" ] && ! command -v npm >/dev/null 2>&1; then
    missing="$missing nodejs npm"
  fi
  missing=$(echo $missing)
  if [ -n "$missing" ]; then
    say "installing Debian packages: $missing"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
    missing=$(missing_packages "$(postgis_package)")
    if [ -n "$missing" ]; then
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
    fi
  fi
  # Debian starts a cluster of its own on install; ours is separate.
}

find_python() {
  # The first Python 3.12+ with venv: $PYTHON, then the usual names, then pyenv.
  local candidate
  for candidate in "${PYTHON:-}" python3.14 python3.13 python3.12 python3 \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    if "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate" 2>/dev/null || echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_venv() {
  local extras="${1:-}"
  local python
  if [ ! -x "$VENV/bin/python" ]; then
    python=$(find_python) || die "Python 3.12 or newer (with venv) is needed and none was found.
  Install one (Debian 13/Ubuntu 24.04: apt install python3 python3-venv; otherwise pyenv install 3.12)
  or point PYTHON at it: PYTHON=/path/to/python3.12 $0"
    say "creating .venv with $python ($("$python" --version))"
    "$python" -m venv "$VENV"
  fi
  local stamp="$VENV/.geoportail-deps-$extras"
  local digest
  digest=$(cat "$REPO_ROOT/pyproject.toml" | sha256sum | cut -c1-16)
  # The test set includes the runtime set: either stamp satisfies a plain run.
  if [ -z "$extras" ] && [ "$(cat "$VENV/.geoportail-deps-test" 2>/dev/null)" = "$digest" ]; then
    return
  fi
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    say "installing Python dependencies${extras:+ ($extras)}"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" - "$extras" >"$LOCAL_DIR/requirements.txt" <<'PY'
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
requirements = list(project["dependencies"])
for extra in filter(None, sys.argv[1].split(",")):
    requirements += project["optional-dependencies"][extra]
print("\n".join(requirements))
PY
    "$VENV/bin/python" -m pip install -q -r "$LOCAL_DIR/requirements.txt"
    echo "$digest" >"$stamp"
  fi
}

ensure_database() {
  if [ -n "${DATABASE_URL:-}" ]; then
    say "using DATABASE_URL"
    return
  fi
  local state
  state=$("$VENV/bin/python" -m geoportal.embedded_db ensure) || die "the embedded database could not start"
  case "$state" in
    started*) STARTED_DATABASE=1; say "embedded PostgreSQL started (${state#started })" ;;
    *) say "embedded PostgreSQL already running (${state#running })" ;;
  esac
}

stop_database_if_started() {
  if [ "$STARTED_DATABASE" = 1 ]; then
    "$VENV/bin/python" -m geoportal.embedded_db stop >/dev/null || true
  fi
}

supervise() {
  # Run a command again whenever it exits, until told to stop (TERM or INT):
  # `supervise NAME COMMAND...`. The pause before a restart doubles from 1 s
  # up to 30 s while the command keeps failing fast, and starts over after a
  # run that lasted a minute. Run it in the background; stopping it stops the
  # command.
  local name="$1" child="" delay=1 started status
  shift
  trap '[ -z "$child" ] || kill -TERM "$child" 2>/dev/null; wait; exit 0' TERM INT
  while true; do
    started=$SECONDS
    "$@" &
    child=$!
    status=0
    wait "$child" || status=$?
    child=""
    (( SECONDS - started < 60 )) || delay=1
    say "$name exited (status $status); starting it again in ${delay} s"
    sleep "$delay" &
    wait $! || true
    delay=$(( delay < 16 ? delay * 2 : 30 ))
  done
}

is_alive() {
  # Whether process $1 runs (a zombie waiting to be reaped does not).
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

stop_within() {
  # `stop_within PID SECONDS`: ask PID to stop (INT, as Ctrl-C does); if it
  # still runs after SECONDS, terminate it and its children, then kill them.
  # granian sometimes leaves a worker waiting for ever after an INT, and a
  # Ctrl-C must not leave the script hanging.
  local pid="$1" seconds="${2:-10}" tick
  kill -INT "$pid" 2>/dev/null || return 0
  for (( tick = 0; tick < seconds * 10; tick++ )); do
    is_alive "$pid" || return 0
    sleep 0.1
  done
  say "process $pid did not stop within ${seconds} s; terminating it"
  pkill -TERM -P "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  for (( tick = 0; tick < 50; tick++ )); do
    is_alive "$pid" || return 0
    sleep 0.1
  done
  pkill -KILL -P "$pid" 2>/dev/null || true
  kill -KILL "$pid" 2>/dev/null || true
}

compile_messages() {
  # Recompile only when a catalogue changed.
  local po mo
  for po in "$REPO_ROOT"/locale/*/LC_MESSAGES/*.po "$REPO_ROOT"/*/locale/*/LC_MESSAGES/*.po; do
    [ -e "$po" ] || continue
    mo="${po%.po}.mo"
    if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
      msgfmt --check -o "$mo" "$po"
    fi
  done
}

ensure_test_javascript() {
  # axe-core, which the browser tests inject into the pages, at the exact version
  # and integrity hash of package-lock.json, in .local/node/ (nothing is fetched
  # while the tests run). Reinstalled only when the lock file changes.
  local target="$LOCAL_DIR/node" digest
  command -v npm >/dev/null 2>&1 || die "npm is needed for the browser tests' axe-core (apt install nodejs npm)"
  digest=$(cat "$REPO_ROOT/package.json" "$REPO_ROOT/package-lock.json" | sha256sum | cut -c1-16)
  if [ "$(cat "$target/.geoportail-lock" 2>/dev/null)" = "$digest" ]; then
    return
  fi
  say "installing axe-core for the browser tests (npm ci)"
  mkdir -p "$target"
  cp "$REPO_ROOT/package.json" "$REPO_ROOT/package-lock.json" "$target/"
  npm ci --prefix "$target" --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$digest" >"$target/.geoportail-lock"
}

bootstrap() {
  local mode="${1:-run}"
  cd "$REPO_ROOT"
  mkdir -p "$LOCAL_DIR"
  ensure_system_packages "$mode"
  if [ "$mode" = test ]; then ensure_venv test; ensure_test_javascript; else ensure_venv ""; fi
  ensure_database
  compile_messages
  "$VENV/bin/python" manage.py migrate --no-input -v 0
}
