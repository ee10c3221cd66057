#!/usr/bin/env bash
# Regenerates Sources/HeraldAPI/Generated from Sources/HeraldAPI/openapi.yaml with
# swift-openapi-generator (built from Tools/openapi, a package of its own so that Herald's build
# never compiles the generator). With --check, fails when the committed output differs from what
# the document generates: the document and the server cannot drift apart.
set -euo pipefail
cd "$(dirname "$0")/.."

document=Sources/HeraldAPI/openapi.yaml
config=Tools/openapi/openapi-generator-config.yaml
committed=Sources/HeraldAPI/Generated

swift build --package-path Tools/openapi --product swift-openapi-generator -q
generator=$(swift build --package-path Tools/openapi --show-bin-path)/swift-openapi-generator

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The generator prints its settings on stderr; show only what it warns about.
generate() {
    "$generator" generate --config "$config" --output-directory "$1" "$document" >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
    grep -iE "warning|error" "$log" >&2 || true
}

if [[ "${1:-}" == "--check" ]]; then
    fresh=$(mktemp -d)
    trap 'rm -rf "$fresh" "$log"' EXIT
    generate "$fresh"
    if ! diff -ru "$committed" "$fresh"; then
        echo "The generated OpenAPI code is out of date: run scripts/generate-openapi.sh and commit." >&2
        exit 1
    fi
    echo "generated OpenAPI code matches $document"
else
    rm -rf "$committed"
    generate "$committed"
fi
