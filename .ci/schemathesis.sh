#!/usr/bin/env bash
# Runs schemathesis against a real `herald serve` on a temporary database, once with a tenant
# key (messages, dispatching) and once with the admin key (tenants and keys), with every check
# (no 5xx, answers and statuses as openapi.yaml says, auth never ignored, bad data refused,
# undeclared methods answered 405; .ci/schemathesis.toml says which refusals of schema-valid
# data are expected). Nothing generated is ever sent:
# webhooks may only name 127.0.0.1, dispatching stays paused, and the routes that send on
# request (messaging/process, a profile's credential check) are left to the Swift tests. Exits
# non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${HERALD_BINARY:-$(swift build --show-bin-path)/herald}
WORK=$(mktemp -d)
PORT=18611
trap 'kill $(cat "$WORK/pid") 2>/dev/null || true; rm -rf "$WORK"' EXIT

HERALD_API_KEY=schemathesis-tenant HERALD_ADMIN_KEY=schemathesis-admin \
HERALD_DISPATCHER_PAUSED=true HERALD_APP_MAX_SEND_WAIT=200ms HERALD_LOG_LEVEL=error \
HERALD_WEBHOOK_URL=http://127.0.0.1:9/unused HERALD_WEBHOOK_ALLOWED_HOSTS=127.0.0.1 HERALD_ALLOWED_NETWORKS=127.0.0.0/8 \
    "$BIN" serve --port "$PORT" --database "$WORK/herald.sqlite" >"$WORK/serve.log" 2>&1 &
echo $! >"$WORK/pid"
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.05; done

run() { # $1: key, rest: filters
    local key=$1; shift
    schemathesis --config-file .ci/schemathesis.toml run "http://127.0.0.1:$PORT/openapi.json" -H "Authorization: Bearer $key" \
        --checks all \
        --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" --request-timeout 10 \
        --generation-deterministic --no-color "$@"
}
echo "== schemathesis with a tenant key"
run schemathesis-tenant --exclude-tag tenants --exclude-operation-id processMessages --exclude-operation-id checkProfile
echo "== schemathesis with the admin key"
run schemathesis-admin --include-tag tenants --include-tag profiles --exclude-operation-id checkProfile
if grep -q "Fatal\|unexpected failure" "$WORK/serve.log"; then
    echo "the server logged unexpected failures:"; cat "$WORK/serve.log"; exit 1
fi
echo "schemathesis: no failures"
