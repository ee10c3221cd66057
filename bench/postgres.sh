#!/usr/bin/env bash
# Herald on PostgreSQL, on a release build, all on loopback, with a throw-away PostgreSQL 15
# cluster at its durable defaults (fsync on, synchronous_commit on):
#   1. ingest into one process, dispatcher paused                      -> accepted messages/s
#   2. ingest spread over three processes on the same database, paused -> accepted messages/s
#   3. three processes drain that backlog to `herald sink`             -> messages/s
# Needs wrk, curl, bc, psql and PostgreSQL's initdb/pg_ctl (apt-get install wrk curl bc postgresql).
# Usage: bench/postgres.sh [seconds per wrk run] [connections per process]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-64}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGPORT=25499
swift build -c release --product herald >/dev/null 2>&1
BIN=$PWD/.build/release/herald
WORK=$(mktemp -d)
chmod 755 "$WORK"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    pkill -f "herald serve --port 1809" || true
    pkill -f "herald sink --port 18091" || true
    as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
as_postgres "$PGBIN/initdb" -D "$WORK/pg" -U herald --auth=trust --locale=C >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -c unix_socket_directories='' -c max_connections=200" start </dev/null >/dev/null
export HERALD_DATABASE_URL="postgres://herald@127.0.0.1:$PGPORT/postgres?sslmode=disable&schema=bench"
export HERALD_API_KEY=bench-key
export HERALD_ADMIN_KEY=bench-admin
export HERALD_SECRET_KEY=q2xUjY1lVj5o9WcM7tH0b8nE3rKpA6sDfG4hJzLxC1Q=  # every process seals secrets with one key
export HERALD_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
export HERALD_WEBHOOK_URL=http://127.0.0.1:18091/hook
export HERALD_ALLOWED_NETWORKS=127.0.0.0/8  # the sink is local; Herald refuses loopback by default
export HERALD_LOG_LEVEL=warning

serve() { # $1: port, $2: paused
    HERALD_DISPATCHER_PAUSED=$2 "$BIN" serve --port "$1" >>"$WORK/serve.log" 2>&1 &
    for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && return; sleep 0.05; done
    echo "herald did not start"; cat "$WORK/serve.log"; exit 1
}
stop() { pkill -f "herald serve --port 1809" || true; while pgrep -f "herald serve --port 1809" >/dev/null; do sleep 0.05; done; }
stored() { psql -qtA -h 127.0.0.1 -p $PGPORT -U herald postgres -c "SELECT COUNT(*) FROM bench.messages"; }
delivered() { curl -s http://127.0.0.1:18091/stats | sed -E 's/.*"unique_delivered":([0-9]+).*/\1/'; }
ingest() { # $1: port, $2: connections
    wrk -t1 -c"$2" -d"${DURATION}s" --latency -s bench/ingest.lua "http://127.0.0.1:$1" |
        grep -E "Requests/sec|50%|99%|Non-2xx" | sed "s/^/   [$1] /"; }

"$BIN" sink --port 18091 --secret "$HERALD_WEBHOOK_SECRET" --log-level warning >"$WORK/sink.log" 2>&1 &

echo "1. ingest into one process, dispatcher paused ($CONNECTIONS connections, ${DURATION}s)"
serve 18092 true
BEFORE=$(stored)
ingest 18092 "$CONNECTIONS"
echo "   stored: $(( $(stored) - BEFORE ))"

echo "2. ingest into three processes at once, paused ($CONNECTIONS connections each, ${DURATION}s)"
serve 18093 true
serve 18094 true
BEFORE=$(stored)
ingest 18092 "$CONNECTIONS" & A=$!
ingest 18093 "$CONNECTIONS" & B=$!
ingest 18094 "$CONNECTIONS" & C=$!
wait $A $B $C
AFTER=$(stored)
echo "   stored: $(( AFTER - BEFORE )), $(( (AFTER - BEFORE) / DURATION )) messages/s in all"
stop

echo "3. three processes drain the backlog of $AFTER to the sink"
START=$(date +%s.%N)
serve 18092 false
serve 18093 false
serve 18094 false
# A pause is stored: the processes paused for step 2 stay paused until resumed.
curl -s -o /dev/null -X POST http://127.0.0.1:18092/api/v1/scheduler/start -H "Authorization: Bearer $HERALD_ADMIN_KEY"
while [ "$(delivered)" -lt "$AFTER" ]; do sleep 0.1; done
END=$(date +%s.%N)
echo "   $AFTER delivered in $(echo "$END - $START" | bc) s: $(echo "$AFTER / ($END - $START)" | bc) messages/s"
echo "   sink: $(curl -s http://127.0.0.1:18091/stats)"
