#!/usr/bin/env bash
# What a throttled destination costs the rest: on a release build with default settings, a
# destination limited to 5 messages a second (`webhook.rate_limits`, host `localhost`) gets 150
# messages while wrk posts messages for an unlimited one (`127.0.0.1`, the same `herald sink`).
# Reports the CPU Herald uses while only throttled work is left (it should sleep, not spin),
# and the unlimited destination's end-to-end rate beside the throttled one.
# Needs wrk, curl and bc. Usage: [HERALD_BINARY=path] bench/throttled.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-64}
if [[ -n "${HERALD_BINARY:-}" ]]; then BIN=$HERALD_BINARY; else swift build -c release --product herald >/dev/null 2>&1; BIN=$PWD/.build/release/herald; fi
WORK=$(mktemp -d)
trap 'pkill -f "serve --port 18190" || true; pkill -f "sink --port 18191" || true; rm -rf "$WORK"' EXIT
export HERALD_API_KEY=bench-key HERALD_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
export HERALD_WEBHOOK_URL=http://127.0.0.1:18191/hook HERALD_LOG_LEVEL=warning
export HERALD_ALLOWED_NETWORKS=127.0.0.0/8  # the sink is local; Herald refuses loopback by default
export HERALD_WEBHOOK_RATE_LIMITS=localhost=5/1
"$BIN" sink --port 18191 --secret "$HERALD_WEBHOOK_SECRET" --log-level warning >"$WORK/sink.log" 2>&1 &
"$BIN" serve --port 18190 --database "$WORK/h.sqlite" >"$WORK/serve.log" 2>&1 &
for _ in $(seq 1 200); do curl -sf http://127.0.0.1:18190/health >/dev/null && break; sleep 0.05; done
PID=$(pgrep -f "serve --port 18190")
delivered() { curl -s http://127.0.0.1:18191/stats | sed -E 's/.*"unique_delivered":([0-9]+).*/\1/'; }
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
TICKS=$(getconf CLK_TCK)

post_throttled() { # $1: how many
    for i in $(seq 1 "$1"); do
        curl -sf -o /dev/null -X POST http://127.0.0.1:18190/api/v1/messages -H "Authorization: Bearer $HERALD_API_KEY" \
            -H 'Content-Type: application/json' -d "{\"url\": \"http://localhost:18191/hook\", \"content\": \"slow $i\"}"
    done
}

echo "1. only a throttled destination has work: 150 messages at 5/s"
post_throttled 150
sleep 2
d0=$(delivered); c0=$(cpu); sleep 8; c1=$(cpu); d1=$(delivered)
echo "   delivered $((d1 - d0)) in 8 s; Herald used $(echo "scale=3; ($c1 - $c0) / $TICKS" | bc) CPU s in those 8 s"

echo "2. beside it, an unlimited destination: wrk posts for ${DURATION}s ($CONNECTIONS connections), then its backlog drains"
d0=$(delivered); start=$(date +%s.%N)
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/ingest.lua http://127.0.0.1:18190 | grep -E "Requests/sec" | sed 's/^ */   accepted /'
while :; do a=$(delivered); sleep 0.5; b=$(delivered); [ $((b - a)) -le 5 ] && break; done
end=$(date +%s.%N)
echo "   delivered $(( $(delivered) - d0 )) in $(echo "scale=1; ($end - $start) / 1" | bc) s: $(echo "($(delivered) - $d0) / ($end - $start)" | bc)/s end to end (about 5/s of them throttled)"
