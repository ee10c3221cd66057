#!/usr/bin/env bash
# Side by side with `herald bench`: the same 300-byte JSON POSTed to the same nginx by a queue a
# user might pick instead — Celery 5 with Redis, its worker in prefork with one process per core.
# Counts deliveries from nginx's access log. Needs redis-server and nginx (apt), celery, redis
# and requests (pip). Usage: bench/celery/run.sh [messages]
set -euo pipefail
cd "$(dirname "$0")"
COUNT=${1:-10000}
WORK=$(mktemp -d)
trap 'kill $(cat "$WORK"/*.pid 2>/dev/null) 2>/dev/null || true; nginx -s stop -c "$WORK/nginx.conf" -p "$WORK" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# A previous run's Redis may still be going away: wait for the port, then for the new one.
for _ in $(seq 1 100); do redis-cli -p 6390 ping >/dev/null 2>&1 || break; sleep 0.1; done
redis-server --port 6390 --save "" --appendonly no --daemonize yes --pidfile "$WORK/redis.pid" >/dev/null
for _ in $(seq 1 100); do redis-cli -p 6390 ping >/dev/null 2>&1 && break; sleep 0.1; done
mkdir -p "$WORK/logs"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log $WORK/logs/access.log;
    client_body_temp_path $WORK/body;
    server { listen 127.0.0.1:18890; location / { return 200 "ok"; } }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK"
sleep 0.5
celery -A tasks worker --loglevel=warning --concurrency="$(nproc)" --pidfile "$WORK/celery.pid" >"$WORK/celery.log" 2>&1 &
sleep 3

START=$(date +%s.%N)
python3 enqueue.py "$COUNT" http://127.0.0.1:18890/hook
while [ "$(wc -l <"$WORK/logs/access.log")" -lt "$COUNT" ]; do sleep 0.05; done
END=$(date +%s.%N)
echo "celery + redis: $COUNT delivered in $(echo "$END - $START" | bc) s: $(echo "$COUNT / ($END - $START)" | bc) messages/s end to end"
