#!/usr/bin/env bash
# Ingest throughput of two herald binaries, measured in alternation so that a noisy machine
# affects both alike, dispatcher paused, fresh SQLite each run: POST /api/v1/messages with wrk
# (requests/s = messages/s), then POST /api/v1/messages/batch with 100 messages a request.
# Build each side with `swift build -c release --product herald` and copy the binary away.
# Needs wrk and curl.
# Usage: bench/compare-ingest.sh BEFORE_BINARY AFTER_BINARY [rounds] [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=$1 AFTER=$2 ROUNDS=${3:-3} DURATION=${4:-10} CONNECTIONS=${5:-64}
WORK=$(mktemp -d)
trap 'pkill -f "serve --port 18092" || true; rm -rf "$WORK"' EXIT
export HERALD_API_KEY=bench-key HERALD_WEBHOOK_URL=http://127.0.0.1:9/hook
export HERALD_ALLOWED_NETWORKS=127.0.0.0/8  # the sink is local; Herald refuses loopback by default
export HERALD_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw HERALD_LOG_LEVEL=warning HERALD_DISPATCHER_PAUSED=true

run() { # $1: binary, $2: wrk script, $3: connections; prints requests/s
    rm -f "$WORK"/db*
    "$1" serve --port 18092 --database "$WORK/db.sqlite" >>"$WORK/serve.log" 2>&1 &
    for _ in $(seq 1 200); do curl -sf http://127.0.0.1:18092/health >/dev/null && break; sleep 0.05; done
    wrk -t2 -c"$3" -d"${DURATION}s" -s "$2" http://127.0.0.1:18092 | sed -nE 's/Requests\/sec: *([0-9.]+)/\1/p'
    pkill -f "serve --port 18092" || true
    while pgrep -f "serve --port 18092" >/dev/null; do sleep 0.05; done
}

for round in $(seq 1 "$ROUNDS"); do
    echo "round $round, single: before $(run "$BEFORE" bench/ingest.lua "$CONNECTIONS")/s, after $(run "$AFTER" bench/ingest.lua "$CONNECTIONS")/s"
    echo "round $round, batches of 100: before $(run "$BEFORE" bench/batch.lua 16) batches/s, after $(run "$AFTER" bench/batch.lua 16) batches/s"
done
