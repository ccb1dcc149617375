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
.venv/bin/python -m pip install -q -r "$req"

if [ "${1:-}" = dev ] && ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Chromium for the browser tests (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "!! Chromium is missing: browser tests will be skipped. Install it with: sudo apt-get install -y chromium"
  fi
fi

# PostgreSQL for the store's tests (each store test runs on SQLite and on a throwaway server they start)
# and for scripts/cluster.sh
if { [ "${1:-}" = dev ] || [ "${1:-}" = cluster ]; } && ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing PostgreSQL for the store's tests (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "!! PostgreSQL is missing: the store's PostgreSQL tests will be skipped. Install it with: sudo apt-get install -y postgresql"
  fi
fi

# HAProxy for the stack tests (tests/stack: two app processes behind it) and for scripts/cluster.sh
if { [ "${1:-}" = dev ] || [ "${1:-}" = cluster ]; } && ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing HAProxy for the stack tests and scripts/cluster.sh (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  else
    echo "!! HAProxy is missing: the stack tests will be skipped and scripts/cluster.sh cannot start. Install it with: sudo apt-get install -y haproxy"
  fi
fi

echo "== MNIST (fetched once into the cache, then verified by checksum)"
.venv/bin/python -m cnn_core.data || echo "!! MNIST could not be fetched now; the app still starts and explains what to do."
