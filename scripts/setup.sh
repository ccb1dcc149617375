#!/usr/bin/env bash
# Set up everything the app needs: a virtualenv in .venv, the pinned packages, the MNIST data.
#   bash scripts/setup.sh        runtime only
#   bash scripts/setup.sh dev    plus the test tools, Chromium, PostgreSQL and HAProxy for the tests
#   bash scripts/setup.sh cluster  runtime plus PostgreSQL and HAProxy (scripts/cluster.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $($PY --version)"
  $PY -m venv .venv
fi
req=requirements.txt
[ "${1:-}" = dev ] && req=requirements-dev.txt
echo "== installing $req"
.venv/bin/python -m pip install -q --upgrade pip
# compiled at install (no --no-compile): where PYTHONDONTWRITEBYTECODE is set (this project's machines),
# nothing is compiled later and every process compiles TensorFlow anew (pytest: 1,300 s instead of ~1,100 s)
.venv/bin/python -m pip install -q -r "$req"

# Servers and tools the tests start (dev) or scripts/cluster.sh starts (cluster), from Debian's packages:
# Chromium for the browser tests; PostgreSQL for the store's tests (each runs on SQLite and on a
# throwaway server) and the stack; HAProxy for the stack tests (two app processes behind it).
need=()
why=()
if [ "${1:-}" = dev ] && ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  need+=(chromium)
  why+=("Chromium is missing: browser tests will be skipped")
fi
if { [ "${1:-}" = dev ] || [ "${1:-}" = cluster ]; }; then
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    need+=(postgresql)
    why+=("PostgreSQL is missing: the store's PostgreSQL tests and the stack tests will be skipped")
  fi
  if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
    need+=(haproxy)
    why+=("HAProxy is missing: the stack tests will be skipped and scripts/cluster.sh cannot start")
  fi
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${need[*]} (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    printf '!! %s.\n' "${why[@]}"
    echo "!! Install them with: sudo apt-get install -y ${need[*]}"
  fi
fi

echo "== MNIST (fetched once into the cache, then verified by checksum)"
.venv/bin/python -m cnn_core.data || echo "!! MNIST could not be fetched now; the app still starts and explains what to do."
