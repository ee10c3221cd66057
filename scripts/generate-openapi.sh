#!/usr/bin/env bash
# Regenerates, from Sources/HeraldAPI/openapi.yaml with swift-openapi-generator (built from
# Tools/openapi, a package of its own so that Herald's build never compiles the generator), the
# server interface in Sources/HeraldAPI/Generated and the typed client in
# Sources/HeraldClient/Generated. With --check, fails when either committed output differs from
# what the document generates: the document, the server and the client cannot drift apart.
set -euo pipefail
cd "$(dirname "$0")/.."

document=Sources/HeraldAPI/openapi.yaml
# Each output folder and the settings it is generated with.
targets=(
    "Sources/HeraldAPI/Generated Tools/openapi/openapi-generator-config.yaml"
    "Sources/HeraldClient/Generated Tools/openapi/openapi-generator-client-config.yaml"
)

swift build --package-path Tools/openapi --product swift-openapi-generator -q
generator=$(swift build --package-path Tools/openapi --show-bin-path)/swift-openapi-generator

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The generator prints its settings on stderr; show only what it warns about.
generate() { # $1: output folder, $2: config
    "$generator" generate --config "$2" --output-directory "$1" "$document" >/dev/null 2>"$work/log" || { cat "$work/log" >&2; exit 1; }
    grep -iE "warning|error" "$work/log" >&2 || true
}

for target in "${targets[@]}"; do
    read -r committed config <<<"$target"
    if [[ "${1:-}" == "--check" ]]; then
        fresh="$work/$(basename "$(dirname "$committed")")"
        generate "$fresh" "$config"
        if ! diff -ru "$committed" "$fresh"; then
            echo "The generated OpenAPI code in $committed is out of date: run scripts/generate-openapi.sh and commit." >&2
            exit 1
        fi
        echo "generated OpenAPI code in $committed matches $document"
    else
        rm -rf "$committed"
        generate "$committed" "$config"
    fi
done
