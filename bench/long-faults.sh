#!/usr/bin/env bash
# The fault suite's long runs (docs/RELIABILITY.md): 20 kill -9s of a server under load, or a
# soak at a steady rate with resident memory sampled. Release build unless HERALD_BINARY names one.
# Usage: bench/long-faults.sh kills [N] | soak [minutes] [messages/s] | sinkdown [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -n "${HERALD_BINARY:-}" ]]; then BIN=$HERALD_BINARY; else swift build -c release --product herald >/dev/null; BIN=$(swift build -c release --show-bin-path)/herald; fi
HERALD_BIN=$BIN exec python3 -u bench/long_faults.py "$@"
