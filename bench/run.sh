#!/usr/bin/env bash
# Measures ingest (accepted messages per second over HTTP, each durably stored before the 202)
# and delivery (messages per second from accept to the sink's 2xx) on a release build.
# Needs wrk (apt-get install wrk). Usage: bench/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-10}
CONNECTIONS=${2:-64}
swift build -c release --product herald >/dev/null
BIN=.build/release/herald
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT
export HERALD_API_KEY=bench-key
export HERALD_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
export HERALD_WEBHOOK_URL=http://127.0.0.1:18091/hook
export HERALD_LOG_LEVEL=warning

"$BIN" sink --port 18091 --secret "$HERALD_WEBHOOK_SECRET" --log-level warning >"$WORK/sink.log" 2>&1 &
"$BIN" serve --port 18090 --database "$WORK/herald.sqlite" >"$WORK/serve.log" 2>&1 &
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18090/health >/dev/null && break; sleep 0.1; done

echo "== ingest: POST /api/v1/messages, $CONNECTIONS connections, ${SECONDS_TO_RUN}s, synchronous=FULL, dispatcher running"
START=$(date +%s.%N)
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" --latency -s bench/ingest.lua http://127.0.0.1:18090 | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|requests in"
ACCEPTED=$(sqlite3 "$WORK/herald.sqlite" "SELECT COUNT(*) FROM messages")
echo "accepted and stored: $ACCEPTED"

echo "== delivery: until the sink has every accepted message"
while true; do
    DELIVERED=$(curl -s http://127.0.0.1:18091/stats | sed -E 's/.*"unique_delivered":([0-9]+).*/\1/')
    [ "$DELIVERED" -ge "$ACCEPTED" ] && break
    sleep 0.2
done
END=$(date +%s.%N)
echo "delivered $DELIVERED in $(echo "$END - $START" | bc) s since the first POST: $(echo "$DELIVERED / ($END - $START)" | bc) messages/s end to end"
curl -s http://127.0.0.1:18091/stats; echo
