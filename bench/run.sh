#!/usr/bin/env bash
# Herald's throughput on this machine, on a release build with default settings
# (synchronous=FULL, dispatcher concurrency 64), all processes on loopback:
#   1. ingest:   POST /api/v1/messages with wrk, dispatcher paused  -> accepted messages/s
#   2. delivery: the same server restarted unpaused drains that backlog to `herald sink` -> messages/s
#   3. mixed:    ingest while delivering, until the sink has everything -> accepted/s and delivered/s
#   4. events:   3 again with the tenant's status events on (one message.sent per message, to a
#                second sink) -> messages/s end to end, counted when the last event arrived
#                (EVENTS=0 leaves it out, for builds before status events)
# Needs wrk, sqlite3, curl and bc (apt-get install wrk sqlite3 curl bc).
# Usage: [HERALD_BINARY=path] bench/run.sh [seconds per wrk run] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-64}
# HERALD_BINARY measures another build (for example one copied away before a change).
if [[ -n "${HERALD_BINARY:-}" ]]; then
    BIN=$HERALD_BINARY
else
    swift build -c release --product herald >/dev/null 2>&1
    BIN=$PWD/.build/release/herald
fi
WORK=$(mktemp -d)
trap 'pkill -f "serve --port 18090" || true; pkill -f "sink --port 1809[12]" || true; rm -rf "$WORK"' EXIT
export HERALD_API_KEY=bench-key
export HERALD_ADMIN_KEY=bench-admin
export HERALD_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
export HERALD_WEBHOOK_URL=http://127.0.0.1:18091/hook
export HERALD_ALLOWED_NETWORKS=127.0.0.0/8  # the sink is local; Herald refuses loopback by default
export HERALD_LOG_LEVEL=warning

serve() { # $1: database, $2: paused
    HERALD_DISPATCHER_PAUSED=$2 "$BIN" serve --port 18090 --database "$1" >>"$WORK/serve.log" 2>&1 &
    for _ in $(seq 1 200); do curl -sf http://127.0.0.1:18090/health >/dev/null && return; sleep 0.05; done
    echo "herald did not start"; cat "$WORK/serve.log"; exit 1
}
# A pause is stored: the server paused for step 1 stays paused until resumed.
resume() { curl -s -o /dev/null -X POST http://127.0.0.1:18090/api/v1/scheduler/start -H "Authorization: Bearer $HERALD_ADMIN_KEY"; }
stop() { pkill -f "serve --port 18090" || true; while pgrep -f "serve --port 18090" >/dev/null; do sleep 0.05; done; }
delivered() { curl -s "http://127.0.0.1:${1:-18091}/stats" | sed -E 's/.*"unique_delivered":([0-9]+).*/\1/'; }
wait_delivered() { while [ "$(delivered "${2:-18091}")" -lt "$1" ]; do sleep 0.05; done; }
ingest() { wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/ingest.lua http://127.0.0.1:18090 |
    grep -E "Requests/sec|50%|99%|Non-2xx" | sed 's/^/   /'; }

"$BIN" sink --port 18091 --secret "$HERALD_WEBHOOK_SECRET" --log-level warning >"$WORK/sink.log" 2>&1 &

echo "1. ingest, dispatcher paused ($CONNECTIONS connections, ${DURATION}s)"
serve "$WORK/a.sqlite" true
ingest
stop
BACKLOG=$(sqlite3 "$WORK/a.sqlite" "SELECT COUNT(*) FROM messages")
echo "   stored: $BACKLOG"

echo "2. delivery of that backlog to the sink"
START=$(date +%s.%N)
serve "$WORK/a.sqlite" false
resume
wait_delivered "$BACKLOG"
END=$(date +%s.%N)
echo "   $BACKLOG delivered in $(echo "$END - $START" | bc) s: $(echo "$BACKLOG / ($END - $START)" | bc) messages/s"
stop

echo "3. ingest while delivering ($CONNECTIONS connections, ${DURATION}s)"
BEFORE=$(delivered)
serve "$WORK/b.sqlite" false
START=$(date +%s.%N)
ingest
ACCEPTED=$(sqlite3 "$WORK/b.sqlite" "SELECT COUNT(*) FROM messages")
wait_delivered $((BEFORE + ACCEPTED))
END=$(date +%s.%N)
echo "   accepted $ACCEPTED; all delivered $(echo "$END - $START" | bc) s after the first POST: $(echo "$ACCEPTED / ($END - $START)" | bc) messages/s end to end"
echo "   sink: $(curl -s http://127.0.0.1:18091/stats)"

[[ "${EVENTS:-1}" == 1 ]] || exit 0
stop
echo "4. ingest while delivering, with status events ($CONNECTIONS connections, ${DURATION}s)"
"$BIN" sink --port 18092 --log-level warning >"$WORK/events-sink.log" 2>&1 &
BEFORE=$(delivered)
serve "$WORK/c.sqlite" false
curl -sf -X PATCH http://127.0.0.1:18090/api/v1/tenants/default -H "Authorization: Bearer $HERALD_ADMIN_KEY" \
    -H 'Content-Type: application/json' -d '{"events_url": "http://127.0.0.1:18092/events"}' >/dev/null
for _ in $(seq 1 200); do curl -sf http://127.0.0.1:18092/stats >/dev/null && break; sleep 0.05; done
START=$(date +%s.%N)
ingest
ACCEPTED=$(sqlite3 "$WORK/c.sqlite" "SELECT COUNT(*) FROM messages WHERE kind = 'message'")
wait_delivered $((BEFORE + ACCEPTED))
wait_delivered "$ACCEPTED" 18092
END=$(date +%s.%N)
echo "   accepted $ACCEPTED; all delivered and their $ACCEPTED events received $(echo "$END - $START" | bc) s after the first POST: $(echo "$ACCEPTED / ($END - $START)" | bc) messages/s end to end"
echo "   events sink: $(curl -s http://127.0.0.1:18092/stats)"
