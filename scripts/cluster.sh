#!/usr/bin/env bash
# The whole stack on one machine, on loopback only: PostgreSQL, a Dask scheduler and two Dask workers,
# two app processes and HAProxy in front of them (deploy/haproxy.cfg).
#
#   bash scripts/cluster.sh up       set up (first time only), start everything, print the address and the teacher key
#   bash scripts/cluster.sh status   what runs, and what HAProxy's health checks think of each app process
#   bash scripts/cluster.sh down     stop everything `up` started, by the process ids it wrote; nothing keeps running
#
# State (the database, logs, process ids, the teacher key) lives in .cluster/ (git-ignored; another
# folder with CNN_CLUSTER_STATE). Ports: CNN_CLUSTER_PORT (HAProxy, the one address; 8500),
# CNN_CLUSTER_APP_PORTS ("8501 8502"), CNN_CLUSTER_PG_PORT (5433), CNN_CLUSTER_DASK_PORT (8786).
# PostgreSQL refuses to run as root: as root its server runs as the `postgres` user (runuser).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=${CNN_CLUSTER_STATE:-$ROOT/.cluster}
PORT=${CNN_CLUSTER_PORT:-8500}
read -r -a APP_PORTS <<<"${CNN_CLUSTER_APP_PORTS:-8501 8502}"
PG_PORT=${CNN_CLUSTER_PG_PORT:-5433}
DASK_PORT=${CNN_CLUSTER_DASK_PORT:-8786}
WORKERS=2
PIDS=$STATE/pids
LOGS=$STATE/logs
PY=$ROOT/.venv/bin/python

say() { echo "== $*"; }
die() { echo "!! $*" >&2; exit 1; }

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && [ -x "$found/initdb" ] || die "PostgreSQL is missing: run as root once, or: sudo apt-get install -y postgresql"
  echo "$found"
}

as_pg() {  # run a PostgreSQL tool as the postgres user when we are root (it refuses to run as root)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

alive() {  # alive NAME: the process whose id is in $PIDS/NAME.pid runs (and is the one we started)
  local f=$PIDS/$1.pid pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  grep -qa -- "$(cat "$PIDS/$1.cmd" 2>/dev/null || echo nothing)" "/proc/$pid/cmdline" 2>/dev/null
}

spawn() {  # spawn NAME MARK CMD...: start CMD in the background (own session, log in $LOGS), keep its pid
  local name=$1 mark=$2
  shift 2
  setsid nohup "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
  echo "$mark" >"$PIDS/$name.cmd"  # a word of its command line: `down` never signals a reused pid
}

port_free() {
  "$PY" - "$1" <<'EOF'
import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # connections in TIME_WAIT do not count
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
        s.listen()
    except OSError:
        sys.exit(1)
EOF
}

wait_for() {  # wait_for WHAT SECONDS COMMAND...: poll every second, bounded
  local what=$1 seconds=$2 i
  shift 2
  for ((i = 0; i < seconds; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "$what did not come up in $seconds s: see $LOGS/"
}

http_ok() { "$PY" -c "import sys, urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=2).status != 200)" "$1"; }

workers_ready() {
  "$PY" - "tcp://127.0.0.1:$DASK_PORT" "$WORKERS" <<'EOF'
import sys
from distributed import Client
with Client(sys.argv[1], timeout=3) as c:
    sys.exit(len(c.scheduler_info()["workers"]) < int(sys.argv[2]))
EOF
}

haproxy_states() {  # app1 UP, app2 DOWN ... from HAProxy's runtime API
  "$PY" - "$STATE/haproxy.sock" <<'EOF'
import socket, sys
with socket.socket(socket.AF_UNIX) as s:
    s.settimeout(3)
    s.connect(sys.argv[1])
    s.sendall(b"show stat\n")
    data = b"".join(iter(lambda: s.recv(65536), b"")).decode()
lines = data.splitlines()
head = lines[0].lstrip("# ").split(",")
for line in lines[1:]:
    row = dict(zip(head, line.split(",")))
    if row.get("pxname") == "cnn_app" and row.get("svname") not in (None, "BACKEND"):
        print(f"   {row['svname']}: {row['status']}")
EOF
}

up() {
  for name in haproxy app1 app2 worker1 worker2 scheduler; do
    alive "$name" && die "the cluster is already running ($name): bash scripts/cluster.sh status, or down first"
  done
  bash scripts/setup.sh cluster
  mkdir -p "$PIDS" "$LOGS"
  for p in "$PORT" "${APP_PORTS[@]}" "$PG_PORT" "$DASK_PORT"; do
    port_free "$p" || die "port $p on 127.0.0.1 is taken: choose others with CNN_CLUSTER_PORT, CNN_CLUSTER_APP_PORTS, CNN_CLUSTER_PG_PORT, CNN_CLUSTER_DASK_PORT"
  done
  local bin pgdata=$STATE/pg/data url cache key
  bin=$(pg_bin)

  # PostgreSQL: created once (a password for the app's user, kept in the state folder), started each time
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    say "PostgreSQL: a new database cluster in $STATE/pg"
    mkdir -p "$STATE/pg"
    "$PY" -c "import secrets; print(secrets.token_hex(16))" >"$STATE/pg/password"
    chmod 600 "$STATE/pg/password"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$STATE/pg"
    as_pg "$bin/initdb" -D "$pgdata" -U postgres --pwfile="$STATE/pg/password" -A scram-sha-256 -E UTF8 --locale=C >"$LOGS/initdb.log"
  fi
  say "PostgreSQL on 127.0.0.1:$PG_PORT"
  as_pg "$bin/pg_ctl" start -w -t 60 -D "$pgdata" -l "$STATE/pg/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $STATE/pg" >/dev/null
  local password
  password=$(cat "$STATE/pg/password")
  PGPASSWORD=$password "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'cnn_explainer'" | grep -q 1 ||
    PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres cnn_explainer
  url="postgresql+psycopg://postgres:$password@127.0.0.1:$PG_PORT/cnn_explainer"
  cache=$("$PY" -c "from cnn_core.data import cache_root; print(cache_root())")
  if [ -n "${CNN_EXPLAINER_TEACHER_KEY:-}" ]; then
    key=$CNN_EXPLAINER_TEACHER_KEY
  else
    [ -f "$STATE/teacher-key" ] || (umask 077 && "$PY" -c "import secrets; print(secrets.token_urlsafe(12))" >"$STATE/teacher-key")
    key=$(cat "$STATE/teacher-key")
  fi

  say "Dask scheduler on 127.0.0.1:$DASK_PORT and $WORKERS workers (one process, one thread each)"
  # the scheduler unpickles each task's function (cnn_core.nn.remote.train_run): it needs the code too
  spawn scheduler "scheduler" env PYTHONPATH="$ROOT" TF_CPP_MIN_LOG_LEVEL=2 "$ROOT/.venv/bin/dask" scheduler \
    --host 127.0.0.1 --port "$DASK_PORT" --no-dashboard
  local i
  for ((i = 1; i <= WORKERS; i++)); do
    spawn "worker$i" "worker-$i" env PYTHONPATH="$ROOT" CNN_EXPLAINER_DB="$url" CNN_EXPLAINER_CACHE="$cache" \
      TF_CPP_MIN_LOG_LEVEL=2 "$ROOT/.venv/bin/dask" worker "tcp://127.0.0.1:$DASK_PORT" --name "worker-$i" \
      --nworkers 1 --nthreads 1 --host 127.0.0.1 --no-dashboard
  done

  say "two app processes on 127.0.0.1:${APP_PORTS[0]} and 127.0.0.1:${APP_PORTS[1]}"
  for i in 1 2; do
    spawn "app$i" "ui.serve" env CNN_EXPLAINER_DB="$url" CNN_EXPLAINER_CACHE="$cache" \
      CNN_EXPLAINER_DASK_SCHEDULER="tcp://127.0.0.1:$DASK_PORT" CNN_EXPLAINER_TEACHER_KEY="$key" \
      TF_CPP_MIN_LOG_LEVEL=2 "$PY" -m ui.serve --server.port "${APP_PORTS[$((i - 1))]}" \
      --server.address 127.0.0.1 --server.headless true
  done

  say "HAProxy on 127.0.0.1:$PORT"
  spawn haproxy "haproxy.cfg" env CNN_HAPROXY_BIND="127.0.0.1:$PORT" CNN_HAPROXY_STATE="$STATE" \
    CNN_APP1="127.0.0.1:${APP_PORTS[0]}" CNN_APP2="127.0.0.1:${APP_PORTS[1]}" \
    "$(command -v haproxy || echo /usr/sbin/haproxy)" -f "$ROOT/deploy/haproxy.cfg" -db

  wait_for "the Dask workers" 120 workers_ready
  wait_for "app process 1" 120 http_ok "http://127.0.0.1:${APP_PORTS[0]}/_stcore/health"
  wait_for "app process 2" 120 http_ok "http://127.0.0.1:${APP_PORTS[1]}/_stcore/health"
  wait_for "HAProxy" 30 http_ok "http://127.0.0.1:$PORT/_stcore/health"
  echo
  echo "Open:        http://127.0.0.1:$PORT"
  echo "Teacher key: $key"
  echo "(everything listens on 127.0.0.1 only; logs in $LOGS; stop it all with: bash scripts/cluster.sh down)"
}

status() {
  local name any=0
  for name in haproxy app1 app2 scheduler worker1 worker2; do
    if alive "$name"; then
      echo "   $name: running (pid $(cat "$PIDS/$name.pid"))"
      any=1
    else
      echo "   $name: stopped"
    fi
  done
  if [ -f "$STATE/pg/data/postmaster.pid" ] && kill -0 "$(head -n 1 "$STATE/pg/data/postmaster.pid")" 2>/dev/null; then
    echo "   postgresql: running (pid $(head -n 1 "$STATE/pg/data/postmaster.pid"), port $PG_PORT)"
    any=1
  else
    echo "   postgresql: stopped"
  fi
  if alive haproxy; then
    echo "   HAProxy's health checks:"
    haproxy_states || true
    echo "Open: http://127.0.0.1:$PORT"
  fi
  [ "$any" = 1 ] || echo "Nothing runs. Start it with: bash scripts/cluster.sh up"
}

down() {
  local name pid i
  for name in haproxy app1 app2 worker1 worker2 scheduler; do
    if alive "$name"; then
      pid=$(cat "$PIDS/$name.pid")
      say "stopping $name (pid $pid)"
      kill -TERM "$pid"
      for ((i = 0; i < 30; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
      done
      if kill -0 "$pid" 2>/dev/null; then
        echo "   $name did not stop in 15 s: SIGKILL"
        kill -KILL "$pid"
      fi
    fi
    rm -f "$PIDS/$name.pid" "$PIDS/$name.cmd"
  done
  if [ -f "$STATE/pg/data/postmaster.pid" ]; then
    say "stopping PostgreSQL"
    as_pg "$(pg_bin)/pg_ctl" stop -D "$STATE/pg/data" -m fast -w -t 60 >/dev/null || true
  fi
  echo "Stopped. The database stays in $STATE/pg (delete the folder to start afresh)."
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: bash scripts/cluster.sh up|down|status" >&2; exit 2 ;;
esac
